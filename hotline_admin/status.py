"""What the running Asterisk says about itself, its trunks and the consultants' devices.

One short AMI session per page view: version, uptime, outbound
registrations, endpoints and their contacts.
"""

import asyncio
import contextlib
import datetime
import logging
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline_asterisk_connector.ami.client import AmiClient, AmiConfig, AmiError, ConnectionLost
from hotline_asterisk_connector.ami.protocol import Message

logger = logging.getLogger(__name__)

GREETING_SECONDS = 3.0


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


async def _fully_booted(ami: AmiClient) -> Message | None:
    """The FullyBooted event Asterisk greets every manager session with.

    It carries the uptime and the time since the last reload in seconds,
    which no action gives without the shell-like `command` privilege the
    connector's user deliberately lacks.
    """
    async for message in ami.events():
        if message.event == "FullyBooted":
            return message
    return None


async def _listing(ami: AmiClient, action: str) -> list[Message]:
    try:
        return await ami.action_list(action)
    except AmiError as error:
        # Asterisk refuses to list nothing ("No endpoints found", "No Contacts found").
        if "found" in str(error).lower():
            return []
        raise


async def _read(config: AmiConfig) -> AsteriskStatus:
    status = AsteriskStatus(reachable=True)
    async with AmiClient(config, events=True) as ami:
        with contextlib.suppress(TimeoutError):
            booted = await asyncio.wait_for(_fully_booted(ami), GREETING_SECONDS)
            if booted is not None:
                status.uptime_seconds = _number(booted.get("Uptime", ""))
                status.reload_seconds = _number(booted.get("LastReload", ""))
        settings = await ami.action("CoreSettings")
        status.version = settings.get("AsteriskVersion", "")
        core = await ami.action("CoreStatus")
        status.current_calls = _number(core.get("CoreCurrentCalls", ""))
        for event in await _listing(ami, "PJSIPShowRegistrationsOutbound"):
            if event.event == "OutboundRegistrationDetail":
                name = event.get("ObjectName", "")
                status.registrations[name] = Registration(
                    name=name, status=event.get("Status", ""), server=event.get("ServerUri", "")
                )
        for event in await _listing(ami, "PJSIPShowEndpoints"):
            if event.event == "EndpointList":
                status.endpoint_states[event.get("ObjectName", "")] = event.get("DeviceState", "")
        for event in await _listing(ami, "PJSIPShowContacts"):
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


def status_ami_config() -> AmiConfig:
    """The status view's own AMI user: it may list PJSIP objects but places no calls."""
    return AmiConfig(
        host=settings.HOTLINE_AMI_HOST,
        port=settings.HOTLINE_AMI_PORT,
        username=settings.HOTLINE_AMI_STATUS_USERNAME,
        secret=settings.HOTLINE_AMI_STATUS_SECRET,
        heartbeat_seconds=0,
    )


def read_status(config: AmiConfig | None = None) -> AsteriskStatus:
    """Asterisk's state now; an unreachable Asterisk gives a status saying why, never an error."""
    config = config or status_ami_config()
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
