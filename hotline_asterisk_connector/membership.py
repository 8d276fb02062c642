"""A consultant joins or leaves the queue, or pauses, through AMI.

Asterisk stays the only source of truth: these functions ask it to change,
and the consultant's state is updated from the events it then sends.
"""

from asgiref.sync import async_to_sync
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from hotline_asterisk_connector import dialplan
from hotline_asterisk_connector.ami.client import AmiError, ConnectionLost
from hotline_asterisk_connector.ami.session import send_action
from hotline_asterisk_connector.models import ConsultantLine, PauseReason
from hotline_asterisk_connector.pbx.apply import apply_configuration
from hotline_asterisk_connector.publish import LineChanged, publish


class MembershipError(Exception):
    """A reason, in the user's language, why the queue did not change."""


def log_in(user: AbstractBaseUser) -> None:
    line = _line(user)
    if not line.in_queue:
        raise MembershipError(_("You do not take calls from the queue; ask the administrator."))
    fields = {
        "Queue": dialplan.QUEUE,
        "Interface": dialplan.queue_interface(line),
        "MemberName": user.get_username(),
        "Penalty": str(line.penalty),
    }
    fields["StateInterface"] = dialplan.state_interface(line)
    _send("QueueAdd", **fields)


def log_out(user: AbstractBaseUser) -> None:
    line = _line(user)
    _send("QueueRemove", Queue=dialplan.QUEUE, Interface=dialplan.queue_interface(line))


def pause(user: AbstractBaseUser, reason: PauseReason) -> None:
    line = _line(user)
    _send(
        "QueuePause",
        Queue=dialplan.QUEUE,
        Interface=dialplan.queue_interface(line),
        Paused="true",
        Reason=reason.value,
    )


def unpause(user: AbstractBaseUser) -> None:
    line = _line(user)
    _send(
        "QueuePause",
        Queue=dialplan.QUEUE,
        Interface=dialplan.queue_interface(line),
        Paused="false",
    )


def answer_on_mobile(user: AbstractBaseUser, on_mobile: bool) -> None:
    """Ring only the consultant's mobile (their choice «on the mobile»), or their phones again.

    The dialplan reads a global rendered from the line; applying the
    configuration reloads only the dialplan, and calls in progress go on. The
    connector's AMI user may not set variables (least privilege), so this is
    the same path a saved setting takes."""
    line = _line(user)
    if on_mobile and not line.mobile_number:
        raise MembershipError(_("You have no mobile number on the PBX; ask the administrator."))
    if line.on_mobile == on_mobile:
        return
    ConsultantLine.objects.filter(pk=line.pk).update(on_mobile=on_mobile)
    outcome = apply_configuration()
    if not outcome.accepted:
        ConsultantLine.objects.filter(pk=line.pk).update(on_mobile=line.on_mobile)
        raise MembershipError(outcome.message)
    publish(LineChanged(line.user_id))


def _line(user: AbstractBaseUser) -> ConsultantLine:
    line = ConsultantLine.objects.filter(user=user, is_active=True).first()
    if line is None:
        raise MembershipError(_("You have no phone line on the PBX; ask the administrator."))
    return line


def _send(action: str, **fields: str) -> None:
    try:
        async_to_sync(send_action)(action, **fields)
    except AmiError as error:
        raise MembershipError(_("The PBX refused: %(reason)s") % {"reason": error}) from error
    except (ConnectionLost, OSError, TimeoutError) as error:
        raise MembershipError(_("The PBX is not reachable; try again in a minute.")) from error
