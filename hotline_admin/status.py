"""What the running Asterisk says about itself, its trunks and the consultants' devices.

One short AMI session per page view: version, uptime, outbound
registrations, endpoints and their contacts.
"""

import logging
import re
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from django.utils.translation import gettext as _

from hotline_asterisk_connector.ami.client import AmiClient, AmiConfig, AmiError, ConnectionLost

logger = logging.getLogger(__name__)

_UPTIME = re.compile(r"System uptime:\s*(\d+)")
_RELOAD = re.compile(r"Last reload:\s*(\d+)")


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

    def devices_of(self, endpoint: str) -> list[Contact]:
        return self.contacts.get(endpoint, [])


def _seconds(pattern: re.Pattern, lines: list[str]) -> int | None:
    for line in lines:
        if match := pattern.search(line):
            return int(match.group(1))
    return None


async def _read(config: AmiConfig) -> AsteriskStatus:
    status = AsteriskStatus(reachable=True)
    async with AmiClient(config, events=False) as ami:
        settings = await ami.action("CoreSettings")
        status.version = settings.get("AsteriskVersion", "")
        core = await ami.action("CoreStatus")
        if core.get("CoreCurrentCalls", "").isdigit():
            status.current_calls = int(core["CoreCurrentCalls"])
        uptime = await ami.action("Command", Command="core show uptime seconds")
        output = uptime.all_values("Output")
        status.uptime_seconds = _seconds(_UPTIME, output)
        status.reload_seconds = _seconds(_RELOAD, output)
        for event in await ami.action_list("PJSIPShowRegistrationsOutbound"):
            if event.event == "OutboundRegistrationDetail":
                name = event.get("ObjectName", "")
                status.registrations[name] = Registration(
                    name=name, status=event.get("Status", ""), server=event.get("ServerUri", "")
                )
        for event in await ami.action_list("PJSIPShowEndpoints"):
            if event.event == "EndpointList":
                status.endpoint_states[event.get("ObjectName", "")] = event.get("DeviceState", "")
        for event in await ami.action_list("PJSIPShowContacts"):
            if event.event == "ContactList":
                roundtrip = event.get("RoundtripUsec", "")
                contact = Contact(
                    endpoint=event.get("Endpoint", ""),
                    uri=event.get("Uri", ""),
                    status=event.get("Status", ""),
                    user_agent=event.get("UserAgent", ""),
                    roundtrip_ms=int(roundtrip) / 1000 if roundtrip.isdigit() else None,
                )
                status.contacts.setdefault(contact.endpoint, []).append(contact)
    return status


def read_status(config: AmiConfig | None = None) -> AsteriskStatus:
    """Asterisk's state now; an unreachable Asterisk gives a status saying why, never an error."""
    config = config or AmiConfig.from_settings()
    config = AmiConfig(
        host=config.host,
        port=config.port,
        username=config.username,
        secret=config.secret,
        heartbeat_seconds=0,
        timeout_seconds=config.timeout_seconds,
    )
    try:
        return async_to_sync(_read)(config)
    except (OSError, TimeoutError) as error:
        logger.info("Asterisk status unavailable: %s", error)
        return AsteriskStatus(
            error=_("Asterisk does not answer (%(error)s). Is it running?") % {"error": error}
        )
    except (AmiError, ConnectionLost) as error:
        return AsteriskStatus(
            error=_("Asterisk refused the status request: %(error)s") % {"error": error}
        )


def registration_for(status: AsteriskStatus, trunk_name: str) -> Registration | None:
    """The trunk's outbound registration, as the PBX configuration names it."""
    return status.registrations.get(f"trunk-{trunk_name}-registration")
