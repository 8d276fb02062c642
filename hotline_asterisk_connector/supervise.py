"""A supervisor listens to, whispers to or barges into a consultant's live call.

The supervisor's own phone (the browser phone on the wallboard, or their
smartphone app) is rung through AMI Originate; once it answers, the dialplan
(extensions.conf, hotline-supervise) runs ChanSpy on the consultant's
channel with options fixed per mode, so the web app never writes ChanSpy
options itself (docs/decisions/0024-supervisor-listens-through-chanspy.md).
Every attempt is audited before Asterisk is asked.
"""

import re
import uuid
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline_asterisk_connector import dialplan
from hotline_asterisk_connector.ami.client import AmiError, ConnectionLost
from hotline_asterisk_connector.ami.session import list_action, send_action
from hotline_asterisk_connector.models import Call, ConsultantLine
from hotline_audit.trail import Kind, record
from hotline_crm.roles import is_consultant, is_supervisor

# How long the supervisor's phone rings before Asterisk gives up, ms.
RING_MS = 30000
_AMI_FAILURES = (AmiError, ConnectionLost, OSError, TimeoutError)


class Mode(models.TextChoices):
    """The dialplan's extension in hotline-supervise for each way of joining a call."""

    LISTEN = "listen", gettext_lazy("Listen")
    WHISPER = "whisper", gettext_lazy("Whisper")
    BARGE = "barge", gettext_lazy("Barge in")

    @property
    def audit_kind(self) -> Kind:
        return {Mode.LISTEN: Kind.LISTEN, Mode.WHISPER: Kind.WHISPER, Mode.BARGE: Kind.BARGE}[self]


class SuperviseError(Exception):
    """A reason, in the user's language, why the supervisor cannot join the call."""


@dataclass(frozen=True)
class LiveChannel:
    """The consultant's own phone's channel in a call that is up."""

    name: str
    linkedid: str


def consultant_channel(line: ConsultantLine, channels: list[dict]) -> LiveChannel | None:
    """The consultant's browser phone or app channel that is up and in a bridge.

    `channels` are CoreShowChannels entries. A consultant reached on the
    mobile talks through a carrier's channel, which cannot be told apart
    from the caller's here, so only their own devices are found."""
    own = re.compile(rf"^PJSIP/(?:web|sip){re.escape(line.extension)}-[0-9a-f]+\Z")
    for channel in channels:
        name = channel.get("Channel", "")
        if own.match(name) and channel.get("ChannelState") == "6" and channel.get("BridgeId"):
            return LiveChannel(name, channel.get("Linkedid", ""))
    return None


def supervise(
    supervisor: AbstractBaseUser,
    consultant: AbstractBaseUser,
    mode: Mode,
    *,
    request: HttpRequest | None = None,
) -> LiveChannel:
    """Ring `supervisor`'s phones; once one answers, it joins `consultant`'s call in `mode`."""
    if not is_supervisor(supervisor):
        raise SuperviseError(_("Only a supervisor may listen to calls."))
    own_line = ConsultantLine.objects.filter(user=supervisor, is_active=True).first()
    if own_line is None:
        raise SuperviseError(_("You have no phone line on the PBX; ask the administrator."))
    if not is_consultant(consultant):
        # Supervisors and administrators have lines too; their calls are not
        # the consultants' calls a supervisor is there to help with.
        raise SuperviseError(_("Only a consultant's calls can be listened to."))
    line = ConsultantLine.objects.filter(user=consultant, is_active=True).first()
    if line is None or line.pk == own_line.pk:
        raise SuperviseError(_("This consultant has no phone line."))
    channel = consultant_channel(line, _channels())
    name = consultant.get_full_name() or consultant.get_username()
    if channel is None:
        raise SuperviseError(
            _("%(name)s is not talking on the browser phone or the app now.") % {"name": name}
        )
    call = Call.objects.filter(linkedid=channel.linkedid).first()
    record(
        mode.audit_kind,
        request=request,
        user=supervisor,
        obj=call,
        client=call.client_id if call is not None else None,
        detail=f"{consultant.get_username()} {channel.name}",
    )
    try:
        async_to_sync(send_action)(
            "Originate",
            Channel=dialplan.supervisor_dial_target(own_line),
            Context=dialplan.SUPERVISE_CONTEXT,
            Exten=mode.value,
            Priority="1",
            CallerID=f'"{name}" <{line.extension}>',
            Timeout=str(RING_MS),
            Async="true",
            ChannelId=f"spy-{uuid.uuid4().hex}",
            Variable=dialplan.supervise_variables(channel.name, line, own_line),
        )
    except _AMI_FAILURES as error:
        raise SuperviseError(
            _("The PBX did not accept the call (%(reason)s).") % {"reason": error}
        ) from error
    return channel


def _channels() -> list[dict]:
    try:
        return async_to_sync(_list_channels)()
    except _AMI_FAILURES as error:
        raise SuperviseError(
            _("The PBX did not answer (%(reason)s); try again.") % {"reason": error}
        ) from error


async def _list_channels() -> list[dict]:
    return [dict(message.items()) for message in await list_action("CoreShowChannels")]
