"""What the running Asterisk says about itself, its trunks and the consultants' devices.

One short AMI session per page view: version, uptime, outbound
registrations, endpoints and their contacts.
"""

import datetime
import logging
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from hotline_asterisk_connector.ami.client import AmiClient, AmiConfig, AmiError, ConnectionLost
from hotline_asterisk_connector.ami.protocol import Message

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Registration:
    name: str
    status: str  # Registered, Unregistered, Rejected, …
    server: str

    @property
    def is_registered(self) -> bool:
        return self.status.lower() == "registered"


@dataclass(frozen=True)
class Contact:
    endpoint: str
    uri: str
    status: str  # Reachable, Unreachable, NonQualified, …
    user_agent: str
    roundtrip_ms: float | None


@dataclass
class AsteriskStatus:
    reachable: bool = False
    error: str = ""
    version: str = ""
    uptime_seconds: int | None = None
    reload_seconds: int | None = None
    current_calls: int | None = None
    registrations: dict[str, Registration] = field(default_factory=dict)
    endpoint_states: dict[str, str] = field(default_factory=dict)
    contacts: dict[str, list[Contact]] = field(default_factory=dict)

    read_at: datetime.datetime = field(default_factory=timezone.now)

    def devices_of(self, endpoint: str) -> list[Contact]:
        return self.contacts.get(endpoint, [])

    @property
    def started_at(self) -> datetime.datetime | None:
        if self.uptime_seconds is None:
            return None
        return self.read_at - datetime.timedelta(seconds=self.uptime_seconds)

    @property
    def reloaded_at(self) -> datetime.datetime | None:
        if self.reload_seconds is None:
            return None
        return self.read_at - datetime.timedelta(seconds=self.reload_seconds)


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() else None


# DEVICE_STATE()'s values, in the words PJSIPShowEndpoints used to give.
DEVICE_STATES = {
    "NOT_INUSE": "Not in use",
    "INUSE": "In use",
    "BUSY": "Busy",
    "INVALID": "Invalid",
    "UNAVAILABLE": "Unavailable",
    "RINGING": "Ringing",
    "RINGINUSE": "Ring, in use",
    "UNKNOWN": "Unknown",
    "ONHOLD": "On hold",
}


# The same states as the status page shows them (DEVICE_STATES stays Asterisk's
# own words: the tests and the logs compare them).
DEVICE_STATE_LABELS = {
    "Not in use": _lazy("Not in use"),
    "In use": _lazy("In use"),
    "Busy": _lazy("Busy"),
    "Invalid": _lazy("Invalid"),
    "Unavailable": _lazy("Unavailable"),
    "Ringing": _lazy("Ringing"),
    "Ring, in use": _lazy("Ring, in use"),
    "Unknown": _lazy("Unknown"),
    "On hold": _lazy("On hold"),
}


def device_state_label(state: str) -> str:
    return str(DEVICE_STATE_LABELS.get(state, state))


async def _listing(ami: AmiClient, action: str) -> list[Message]:
    try:
        return await ami.action_list(action)
    except AmiError as error:
        # Asterisk refuses to list nothing ("No endpoints found", "No Contacts found").
        if "found" in str(error).lower():
            return []
        raise


async def _value(ami: AmiClient, expression: str) -> str:
    """A dialplan function's value (Getvar without a channel: the `reporting` class)."""
    response = await ami.action("Getvar", Variable=expression)
    return response.get("Value", "") if response.is_success else ""


async def _seconds_since(ami: AmiClient, date: str, time: str) -> int | None:
    """Seconds since Asterisk's local date and time, read in Asterisk's own time zone."""
    if not date or not time:
        return None
    then = await _value(ami, f"STRPTIME({date} {time},,%Y-%m-%d %H:%M:%S)")
    now = await _value(ami, "EPOCH")
    if not then.isdigit() or not now.isdigit():
        return None
    return max(0, int(now) - int(then))


async def _contacts(ami: AmiClient, endpoint: str) -> list[Contact]:
    # Every consultant endpoint has an AOR of the same name (pjsip.conf).
    names = await _value(ami, f"PJSIP_AOR({endpoint},contact)")
    contacts = []
    for name in filter(None, names.split(",")):
        fields = {
            field: await _value(ami, f"PJSIP_CONTACT({name},{field})")
            for field in ("uri", "status", "user_agent", "rtt")
        }
        contacts.append(
            Contact(
                endpoint=endpoint,
                uri=fields["uri"],
                status=fields["status"],
                user_agent=fields["user_agent"],
                roundtrip_ms=int(fields["rtt"]) / 1000 if fields["rtt"].isdigit() else None,
            )
        )
    return contacts


async def _read(config: AmiConfig, endpoints: tuple[str, ...]) -> AsteriskStatus:
    """Only read-only actions: the status user has no `system`, `config` or `command`."""
    status = AsteriskStatus(reachable=True)
    async with AmiClient(config, events=False) as ami:
        settings = await ami.action("CoreSettings")
        status.version = settings.get("AsteriskVersion", "")
        core = await ami.action("CoreStatus")
        status.current_calls = _number(core.get("CoreCurrentCalls", ""))
        status.uptime_seconds = await _seconds_since(
            ami, core.get("CoreStartupDate", ""), core.get("CoreStartupTime", "")
        )
        status.reload_seconds = await _seconds_since(
            ami, core.get("CoreReloadDate", ""), core.get("CoreReloadTime", "")
        )
        for event in await _listing(ami, "PJSIPShowRegistrationsOutbound"):
            if event.event == "OutboundRegistrationDetail":
                name = event.get("ObjectName", "")
                status.registrations[name] = Registration(
                    name=name, status=event.get("Status", ""), server=event.get("ServerUri", "")
                )
        for endpoint in endpoints:
            state = await _value(ami, f"DEVICE_STATE(PJSIP/{endpoint})")
            status.endpoint_states[endpoint] = DEVICE_STATES.get(state, state)
            found = await _contacts(ami, endpoint)
            if found:
                status.contacts[endpoint] = found
    return status


def status_ami_config() -> AmiConfig:
    """The status view's own AMI user: it reads and places no calls (the `reporting` class)."""
    return AmiConfig(
        host=settings.HOTLINE_AMI_HOST,
        port=settings.HOTLINE_AMI_PORT,
        username=settings.HOTLINE_AMI_STATUS_USERNAME,
        secret=settings.HOTLINE_AMI_STATUS_SECRET,
        heartbeat_seconds=0,
    )


def _network_reason(error: OSError, port: int) -> str:
    """Why the connection failed, in the reader's language (the system's own
    text, in English, goes to the log)."""
    if isinstance(error, ConnectionRefusedError):
        return _("connection refused on port %(port)s") % {"port": port}
    if isinstance(error, TimeoutError):
        return _("no answer in time")
    return _("network error %(number)s") % {"number": error.errno or "—"}


def read_status(config: AmiConfig | None = None, endpoints: tuple[str, ...] = ()) -> AsteriskStatus:
    """Asterisk's state now, with the devices registered for `endpoints`.

    An unreachable Asterisk gives a status saying why, never an error.
    """
    config = config or status_ami_config()
    try:
        return async_to_sync(_read)(config, endpoints)
    except (OSError, TimeoutError) as error:
        logger.info("Asterisk status unavailable: %s", error)
        return AsteriskStatus(
            error=_("Asterisk does not answer (%(error)s). Is it running?")
            % {"error": _network_reason(error, config.port)}
        )
    except (AmiError, ConnectionLost) as error:
        return AsteriskStatus(
            error=_("Asterisk refused the status request: %(error)s") % {"error": error}
        )


def registration_for(status: AsteriskStatus, trunk_name: str) -> Registration | None:
    """The trunk's outbound registration, as the PBX configuration names it."""
    return status.registrations.get(f"trunk-{trunk_name}-registration")
