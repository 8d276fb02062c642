"""Everything the Asterisk templates need, gathered from the database and settings.

`load_config()` reads the PBX models (hotline_asterisk_connector/models/pbx.py)
and Django settings into plain, validated values; the templates only print
them. Tests build a PbxConfig directly when they need one without a database.
"""

import datetime
import ipaddress
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline_asterisk_connector import destinations, sip_guard
from hotline_asterisk_connector.models import (
    BlockedAddress,
    ConsultantLine,
    Operator,
    PbxSettings,
    ScheduleException,
    Trunk,
    WorkingHours,
)
from hotline_asterisk_connector.models.pbx import (
    QueueStrategy,
    Transport,
    sip_endpoint_name,
    webrtc_endpoint_name,
)
from hotline_asterisk_connector.models.validators import address_list, is_host
from hotline_asterisk_connector.pbx import dialplan, prompts
from hotline_asterisk_connector.pbx.operators import OPERATOR_CODES, national
from hotline_crm.phones import normalise

# Values that go into a configuration file verbatim: a line break would start
# a new option (an injection), so anything with one (or any control
# character) is refused. Names, logins and numbers have strict shapes of
# their own (models/validators.py), checked here again because a row can
# reach the database without a form.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}\Z")
_SIP_LOGIN = re.compile(r"^[A-Za-z0-9._~+-]{1,100}\Z")
_E164 = re.compile(r"^\+[0-9]{6,15}\Z")
_EXTENSION = re.compile(r"^[0-9]{2,6}\Z")
# A phone number as people write it (models/validators.py).
_PHONE_TEXT = re.compile(r"^[0-9+() \-]{3,40}\Z")
# What a caller ID name may keep: letters of any script, digits, spaces and
# a few marks; quotes, `;`, `<>`, brackets and `$` would change the line.
_DISPLAY_NAME_DROPPED = re.compile(r"[^\w .'-]|_")


class ConfigurationError(ValueError):
    """A value that cannot go into Asterisk's configuration; the message says which."""


@dataclass(frozen=True)
class Network:
    """Where Asterisk listens (loopback by default) and what it announces behind NAT."""

    sip_bind: str = "127.0.0.1"
    sip_port: int = 5060
    external_address: str = ""
    local_networks: tuple[str, ...] = ()
    rtp_port_min: int = 10000
    rtp_port_max: int = 20000
    http_bind: str = "127.0.0.1"
    http_port: int = 8088
    https_port: int = 8089
    tls_cert: str = ""
    tls_key: str = ""
    ami_bind: str = "127.0.0.1"
    ami_port: int = 5038

    @property
    def wss(self) -> bool:
        return bool(self.tls_cert and self.tls_key)


@dataclass(frozen=True)
class EventFilter:
    """One event Asterisk sends the user (manager.conf's advanced `eventfilter`):
    by name, and, with `header`, only when that header is exactly `value`."""

    name: str
    header: str = ""
    value: str = ""


@dataclass(frozen=True)
class AmiUser:
    name: str
    secret: str
    read: str
    write: str
    # Empty: every event of the read classes (but RTCP reports); else only these.
    events: tuple[EventFilter, ...] = ()


# Each AMI user gets only the classes its actions need (docs/ami-users.md).
# Nothing the connector or the status page uses has `config` (UpdateConfig
# could put System() into the dialplan), `system` (GetConfig reads every SIP
# password, ModuleLoad) or `command` (the whole CLI).
#
# The connector and the web requests: call, queue, dialplan (the recording's
# VarSet), security (failed log-ins, sip_guard.py) and our own UserEvents to
# read; Originate (click-to-call), QueueAdd, -Remove, -Pause (agent) and
# CoreShowChannels (reporting) to write.
CONNECTOR_READ = "call,agent,user,cdr,reporting,dialplan,security"
CONNECTOR_WRITE = "originate,agent,reporting"
# Of those classes' events, Asterisk sends the connector only the ones it
# applies (events.EventRouter.handlers; a unit test keeps the two the same):
# a busy stream is mostly Newexten, VarSet and Newstate nobody reads, each
# parsed and dropped by the connector, and queued by Asterisk per session.
CONNECTOR_EVENTS = (
    *(
        EventFilter(name)
        for name in (
            "UserEvent",
            "QueueCallerJoin",
            "QueueCallerLeave",
            "QueueCallerAbandon",
            "AgentCalled",
            "AgentConnect",
            "AgentRingNoAnswer",
            "AgentComplete",
            "DialBegin",
            "DialEnd",
            "Hangup",
            "QueueMember",
            "QueueMemberStatus",
            "QueueMemberAdded",
            "QueueMemberPause",
            "QueueMemberRemoved",
            "OriginateResponse",
            "DeviceStateChange",
        )
    ),
    # The recording's file name; every other variable set stays in Asterisk.
    EventFilter("VarSet", "Variable", "MIXMONITOR_FILENAME"),
    # Failed log-ins (class security), counted and acted on by sip_guard.py.
    *(EventFilter(name) for name in sorted(sip_guard.FAILURES)),
)
# The status page: CoreSettings, CoreStatus, PJSIPShowRegistrationsOutbound,
# and Getvar of DEVICE_STATE, PJSIP_AOR and PJSIP_CONTACT are all `reporting`.
STATUS_READ = "reporting"
STATUS_WRITE = "reporting"
# Applying saved settings: Asterisk's Reload action needs `config` or
# `system`, nothing less. `config` is the narrower one (no ModuleLoad, no
# PJSIP actions, no Hangup); this user is only ever used by the code that
# writes the very files it reloads, so it can do nothing through AMI that
# that code could not do already (docs/decisions/0013-ami-least-privilege.md).
APPLY_READ = ""
APPLY_WRITE = "config"


@dataclass(frozen=True)
class TrunkConfig:
    name: str
    operator: str
    number: str  # E.164, what the CRM stores as the dialled hotline number
    caller_id: str  # national digits, what the carrier is sent as our number
    host: str
    port: int
    transport: str
    username: str = ""
    password: str = ""
    register: bool = False
    match: tuple[str, ...] = ()
    channel_limit: int = 5
    allow_outbound: bool = True
    is_default_outbound: bool = False

    @property
    def endpoint(self) -> str:
        return f"trunk-{self.name}"


@dataclass(frozen=True)
class ConsultantConfig:
    extension: str
    display_name: str
    webrtc_password: str
    sip_password: str
    mobile_number: str = ""  # national digits
    forward_to_mobile: bool = False
    on_mobile: bool = False
    in_queue: bool = True
    penalty: int = 0

    @property
    def webrtc_endpoint(self) -> str:
        return webrtc_endpoint_name(self.extension)

    @property
    def sip_endpoint(self) -> str:
        return sip_endpoint_name(self.extension)


@dataclass(frozen=True)
class QueueConfig:
    strategy: str = "leastrecent"
    max_wait_seconds: int = 60
    ring_seconds: int = 20
    wrapup_seconds: int = 30
    announce_position: bool = True
    total_channel_limit: int = 5
    announce_recording: bool = True
    record_outbound: bool = False

    @property
    def asterisk_wrapup_seconds(self) -> int:
        """Asterisk's own wrap-up: a bridge until the desk's wrap-up pause lands."""
        return min(self.wrapup_seconds, 3)


@dataclass(frozen=True)
class Paths:
    """Directories Asterisk uses; the same path inside its root and for Django."""

    instance: Path
    recordings: Path
    voicemail: Path
    custom_prompts: Path

    @property
    def etc(self) -> Path:
        return self.instance / "etc"

    @property
    def default_prompts(self) -> Path:
        return prompts.default_prompts_dir(self.instance)

    @property
    def moh(self) -> Path:
        return self.default_prompts / "moh"

    def shared_dirs(self) -> list[Path]:
        return [self.instance, self.recordings, self.voicemail, self.custom_prompts]

    def prompt(self, name: str) -> str:
        return prompts.prompt_path(name, self.instance, self.custom_prompts)


@dataclass(frozen=True)
class PbxConfig:
    paths: Paths
    network: Network = field(default_factory=Network)
    ami_users: tuple[AmiUser, ...] = ()
    trunks: tuple[TrunkConfig, ...] = ()
    consultants: tuple[ConsultantConfig, ...] = ()
    queue: QueueConfig = field(default_factory=QueueConfig)
    # The administrator's explicit 24/7 choice; the weekly intervals apply without it.
    always_open: bool = True
    open_intervals: tuple[dialplan.OpenInterval, ...] = ()
    day_exceptions: tuple[dialplan.DayException, ...] = ()
    dialling: destinations.DiallingPolicy = field(default_factory=destinations.DiallingPolicy)
    # Shut out for a while after repeated failures (sip_guard.py).
    blocked_addresses: tuple[str, ...] = ()

    def with_changes(self, **changes) -> "PbxConfig":
        return replace(self, **changes)

    # What the templates ask for beyond the fields.

    @property
    def queue_members(self) -> list[ConsultantConfig]:
        return [consultant for consultant in self.consultants if consultant.in_queue]

    @property
    def outbound_trunks(self) -> list[TrunkConfig]:
        return [trunk for trunk in self.trunks if trunk.allow_outbound]

    @property
    def default_outbound_trunk(self) -> TrunkConfig | None:
        trunks = self.outbound_trunks
        chosen = [trunk for trunk in trunks if trunk.is_default_outbound]
        return (chosen or trunks or [None])[0]

    @property
    def trunk_for_code(self) -> dict[str, str]:
        """Mobile code (067…) → the trunk of that operator, for outgoing calls."""
        by_operator: dict[str, TrunkConfig] = {}
        for trunk in self.outbound_trunks:
            by_operator.setdefault(trunk.operator, trunk)
        return {
            code: by_operator[operator].name
            for operator, codes in OPERATOR_CODES.items()
            if operator in by_operator
            for code in codes
        }

    @property
    def time_conditions(self) -> list[str]:
        return [] if self.always_open else dialplan.time_conditions(self.open_intervals)

    @property
    def day_exception_globals(self) -> dict[str, str]:
        return dialplan.day_exceptions(self.day_exceptions)

    @property
    def prompt_paths(self) -> dict[str, str]:
        """PROMPT_GREETING → path, for every prompt, as dialplan globals."""
        return {
            "PROMPT_" + kind.name.upper().replace("-", "_"): self.paths.prompt(kind.name)
            for kind in prompts.PROMPTS
        }


def checked(value: str, what: str) -> str:
    if _CONTROL.search(value):
        raise ConfigurationError(_("%(what)s must be on one line.") % {"what": what})
    return value.strip()


def _shaped(value: str, pattern: re.Pattern, what: str) -> str:
    if not pattern.match(value):
        raise ConfigurationError(
            _("%(what)s: “%(value)s” is not allowed here.")
            % {"what": what, "value": value.encode("unicode_escape").decode("ascii")}
        )
    return value


def name(value: str, what: str) -> str:
    """A name that becomes part of PJSIP objects and dialplan variables."""
    return _shaped(value, _NAME, what)


def choice(value: str, choices: type, what: str) -> str:
    if value not in choices.values:
        raise ConfigurationError(
            _("%(what)s: “%(value)s” is not one of the choices.") % {"what": what, "value": value}
        )
    return value


def secret(value: str, what: str) -> str:
    """A password for a configuration file: one line, `;` escaped (it starts a comment).

    Asterisk's parser turns `\\;` into `;` and leaves every other backslash
    alone, so backslashes are not doubled (a doubled one would stay double).
    """
    return checked(value, what).replace(";", r"\;")


def display_name(value: str) -> str:
    """A person's name for a caller ID line: never refused, only what cannot harm kept."""
    kept = _DISPLAY_NAME_DROPPED.sub(" ", value)
    return " ".join(kept.split())[:40]


def host(value: str, what: str) -> str:
    value = checked(value, what)
    if not is_host(value):
        raise ConfigurationError(
            _("%(what)s must be a host name or an IP address, not “%(value)s”.")
            % {"what": what, "value": value}
        )
    return value


def networks(value: str, what: str) -> tuple[str, ...]:
    try:
        return tuple(address_list(checked(value, what)))
    except ValueError as error:
        raise ConfigurationError(
            _("%(what)s must list IP addresses or networks, not “%(value)s”.")
            % {"what": what, "value": value}
        ) from error


def digits(value: str, what: str) -> str:
    number = national(_shaped(checked(value, what), _PHONE_TEXT, what))
    if not number:
        raise ConfigurationError(
            _("%(what)s must be a phone number, not “%(value)s”.") % {"what": what, "value": value}
        )
    return number


def e164(value: str, what: str) -> str:
    number = normalise(_shaped(checked(value, what), _PHONE_TEXT, what)).value
    if not _E164.match(number):
        raise ConfigurationError(
            _("%(what)s must be a phone number, not “%(value)s”.") % {"what": what, "value": value}
        )
    return number


def dialling_policy(pbx: PbxSettings) -> destinations.DiallingPolicy:
    """Where consultants may call; the prefixes checked again (a restore skips the form)."""
    try:
        return destinations.policy(pbx.outbound_allow_other, checked(pbx.outbound_prefixes, ""))
    except (ValidationError, ConfigurationError) as error:
        reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        raise ConfigurationError(
            _("%(what)s: %(reason)s") % {"what": _("other allowed prefixes"), "reason": reason}
        ) from error


def trunk_config(trunk: Trunk) -> TrunkConfig:
    label = _("Trunk %(name)s") % {"name": trunk.name.encode("unicode_escape").decode("ascii")}
    carrier_host = host(trunk.host, f"{label}: {_('provider host')}")
    username = checked(trunk.username, f"{label}: {_('SIP login')}")
    return TrunkConfig(
        name=name(trunk.name, label),
        operator=choice(trunk.operator, Operator, f"{label}: {_('operator')}"),
        number=e164(trunk.number, f"{label}: {_('our number')}"),
        caller_id=digits(trunk.number, f"{label}: {_('our number')}"),
        host=carrier_host,
        port=trunk.port,
        transport=choice(trunk.transport, Transport, f"{label}: {_('transport')}"),
        username=_shaped(username, _SIP_LOGIN, f"{label}: {_('SIP login')}") if username else "",
        password=secret(trunk.password, f"{label}: {_('SIP password')}"),
        register=trunk.register and bool(trunk.username),
        # Calls from the carrier are recognised by address; by default the
        # address it registers with and is called at.
        match=networks(trunk.match, f"{label}: {_('identify by address')}") or (carrier_host,),
        channel_limit=trunk.channel_limit,
        allow_outbound=trunk.allow_outbound and trunk.operator != Operator.TOLL_FREE,
        is_default_outbound=trunk.is_default_outbound,
    )


def consultant_config(line: ConsultantLine) -> ConsultantConfig:
    label = _("Consultant line %(extension)s") % {
        "extension": line.extension.encode("unicode_escape").decode("ascii")
    }
    if not _EXTENSION.match(line.extension):
        raise ConfigurationError(_("%(what)s: the extension must be digits.") % {"what": label})
    return ConsultantConfig(
        extension=line.extension,
        display_name=display_name(line.user.get_full_name() or line.user.get_username()),
        webrtc_password=secret(line.webrtc_password, label),
        sip_password=secret(line.sip_password, label),
        mobile_number=(
            digits(line.mobile_number, f"{label}: {_('mobile number')}")
            if line.mobile_number
            else ""
        ),
        forward_to_mobile=line.forward_to_mobile,
        on_mobile=line.on_mobile,
        in_queue=line.in_queue,
        penalty=line.penalty,
    )


def network_from_settings() -> Network:
    return Network(
        sip_bind=settings.HOTLINE_SIP_BIND,
        sip_port=settings.HOTLINE_SIP_PORT,
        external_address=settings.HOTLINE_SIP_EXTERNAL_ADDRESS,
        local_networks=tuple(settings.HOTLINE_SIP_LOCAL_NETWORKS),
        rtp_port_min=settings.HOTLINE_RTP_PORT_MIN,
        rtp_port_max=settings.HOTLINE_RTP_PORT_MAX,
        http_bind=settings.HOTLINE_ASTERISK_HTTP_BIND,
        http_port=settings.HOTLINE_ASTERISK_HTTP_PORT,
        https_port=settings.HOTLINE_ASTERISK_HTTPS_PORT,
        tls_cert=settings.HOTLINE_ASTERISK_TLS_CERT,
        tls_key=settings.HOTLINE_ASTERISK_TLS_KEY,
        ami_bind=settings.HOTLINE_AMI_HOST,
        ami_port=settings.HOTLINE_AMI_PORT,
    )


def paths_from_settings() -> Paths:
    return Paths(
        instance=Path(settings.HOTLINE_ASTERISK_DIR).resolve(),
        recordings=Path(settings.RECORDINGS_DIR).resolve(),
        voicemail=Path(settings.VOICEMAIL_DIR).resolve(),
        custom_prompts=Path(settings.PROMPTS_DIR).resolve(),
    )


def connector_ami_user() -> AmiUser:
    return AmiUser(
        name=checked(settings.HOTLINE_AMI_USERNAME, "HOTLINE_AMI_USERNAME"),
        secret=secret(settings.HOTLINE_AMI_SECRET, "HOTLINE_AMI_SECRET"),
        read=CONNECTOR_READ,
        write=CONNECTOR_WRITE,
        events=CONNECTOR_EVENTS,
    )


def status_ami_user() -> AmiUser:
    return AmiUser(
        name=checked(settings.HOTLINE_AMI_STATUS_USERNAME, "HOTLINE_AMI_STATUS_USERNAME"),
        secret=secret(settings.HOTLINE_AMI_STATUS_SECRET, "HOTLINE_AMI_STATUS_SECRET"),
        read=STATUS_READ,
        write=STATUS_WRITE,
    )


def apply_ami_user() -> AmiUser:
    return AmiUser(
        name=checked(settings.HOTLINE_AMI_APPLY_USERNAME, "HOTLINE_AMI_APPLY_USERNAME"),
        secret=secret(settings.HOTLINE_AMI_APPLY_SECRET, "HOTLINE_AMI_APPLY_SECRET"),
        read=APPLY_READ,
        write=APPLY_WRITE,
    )


def ami_users_from_settings() -> tuple[AmiUser, ...]:
    return (connector_ami_user(), status_ami_user(), apply_ami_user())


def load_config(today: datetime.date | None = None) -> PbxConfig:
    """The whole configuration as the database and settings say now."""
    pbx = PbxSettings.load()
    today = today or timezone.localdate()
    return PbxConfig(
        paths=paths_from_settings(),
        network=network_from_settings(),
        ami_users=ami_users_from_settings(),
        trunks=tuple(trunk_config(trunk) for trunk in Trunk.objects.filter(is_active=True)),
        consultants=tuple(
            consultant_config(line)
            for line in ConsultantLine.objects.filter(is_active=True).select_related("user")
        ),
        queue=QueueConfig(
            strategy=choice(pbx.queue_strategy, QueueStrategy, _("call distribution")),
            max_wait_seconds=pbx.max_wait_seconds,
            ring_seconds=pbx.ring_seconds,
            wrapup_seconds=pbx.wrapup_seconds,
            announce_position=pbx.announce_position,
            total_channel_limit=pbx.total_channel_limit,
            announce_recording=pbx.announce_recording,
            record_outbound=pbx.record_outbound,
        ),
        dialling=dialling_policy(pbx),
        blocked_addresses=tuple(
            str(ipaddress.ip_address(address))
            for address in BlockedAddress.objects.filter(until__gt=timezone.now())
            .order_by("address")
            .values_list("address", flat=True)
        ),
        always_open=pbx.always_open,
        open_intervals=tuple(
            dialplan.OpenInterval(hours.weekday, hours.opens_at, hours.closes_at)
            for hours in WorkingHours.objects.all()
        ),
        # Past days can never match again; yesterday stays for calls around midnight.
        day_exceptions=tuple(
            dialplan.DayException(day.date, day.is_closed, day.opens_at, day.closes_at)
            for day in ScheduleException.objects.filter(
                date__gte=today - datetime.timedelta(days=1)
            )
        ),
    )
