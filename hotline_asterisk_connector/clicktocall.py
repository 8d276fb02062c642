"""Click-to-call: ring the consultant's own device, then the number through one of our lines.

The call row is written before the Originate, with the linkedid Asterisk will
use (Originate's ChannelId names the first channel, and a call's linkedid is
its first channel's uniqueid), so every later event lands on this row.
"""

import datetime

from asgiref.sync import async_to_sync
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline_asterisk_connector import destinations, dialplan, journal
from hotline_asterisk_connector.ami.client import AmiError, ConnectionLost
from hotline_asterisk_connector.ami.session import send_action
from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    CallLeg,
    ConsultantLine,
    Operator,
    PbxSettings,
    Trunk,
)
from hotline_asterisk_connector.pbx.operators import operator_of
from hotline_asterisk_connector.publish import CallChanged, publish
from hotline_audit.trail import Kind, record
from hotline_crm import safe_contact
from hotline_crm.models import Client
from hotline_crm.phones import normalise


class ClickToCallError(Exception):
    """A reason, in the user's language, why the call cannot be placed."""


class NeedsConfirmation(ClickToCallError):
    """The call goes against the client's safe-contact profile: the consultant must confirm."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__(" ".join(warnings))
        self.warnings = warnings


def outbound_trunks() -> list[Trunk]:
    """The lines a consultant may call out from, the default one first."""
    # A 0-800 number only receives calls (the PBX renders it without outbound routes).
    trunks = Trunk.objects.filter(is_active=True, allow_outbound=True).exclude(
        operator=Operator.TOLL_FREE
    )
    return sorted(
        trunks, key=lambda trunk: (not trunk.is_default_outbound, trunk.order, trunk.name)
    )


def place_call(
    consultant: AbstractBaseUser,
    number: str,
    trunk_id: int | None = None,
    *,
    confirmed: bool = False,
    request: HttpRequest | None = None,
) -> Call:
    """Ring `consultant`'s devices; once they answer, Asterisk dials `number`.

    A call against the client's safe-contact profile (no callback, outside
    the safe hours, another number than the safe one) raises
    NeedsConfirmation unless `confirmed`; a confirmed one is audited."""
    phone = normalise(number)
    if not phone.is_e164:
        raise ClickToCallError(_("“%(number)s” is not a phone number.") % {"number": number})
    line = ConsultantLine.objects.filter(user=consultant, is_active=True).first()
    if line is None:
        raise ClickToCallError(_("You have no phone line on the PBX; ask the administrator."))
    check_destination(phone.value)
    if outbound_call_in_progress(consultant):
        raise ClickToCallError(
            _("You are already on an outgoing call: end it before you dial another number.")
        )
    trunk = _choose_trunk(trunk_id, phone.value)
    client = journal.identify_client(phone.value)
    against = safe_contact.warnings(client, phone.value)
    if against and not confirmed:
        raise NeedsConfirmation(against)
    linkedid = journal.originated_linkedid()
    with transaction.atomic():
        call = write_call(linkedid, line, phone.value, trunk.number, client)
        if against:
            record(
                Kind.SAFE_CONTACT_OVERRIDE,
                request=request,
                user=consultant,
                obj=call,
                client=client,
                detail=" ".join(against),
            )
        publish(CallChanged(call))
    try:
        async_to_sync(send_action)(
            "Originate",
            Channel=dialplan.click_to_call_channel(line),
            Context=dialplan.OUTBOUND_CONTEXT,
            Exten=dialplan.outbound_exten(phone.value),
            Priority="1",
            CallerID=f'"{phone.value}" <{line.extension}>',
            Timeout=str(PbxSettings.load().ring_seconds * 1000),
            Async="true",
            ChannelId=linkedid,
            Variable=dialplan.outbound_variables(trunk, linkedid, line),
        )
    except (AmiError, ConnectionLost, OSError, TimeoutError) as error:
        journal.end_call(linkedid, timezone.now())
        raise ClickToCallError(
            _("The PBX did not accept the call (%(reason)s).") % {"reason": error}
        ) from error
    return call


def write_call(
    linkedid: str, line: ConsultantLine, callee: str, trunk_number: str, client: Client | None
) -> Call:
    """The journal's row of a call click-to-call is about to dial, and the leg that
    rings the consultant's phones first: written before Asterisk's first event, so
    the connector finds the call, its consultant and its card."""
    call = Call.objects.create(
        linkedid=linkedid,
        uniqueid=linkedid,
        direction=CallDirection.OUTBOUND,
        consultant=line.user,
        callee_number=callee,
        dialled_number=normalise(trunk_number).value,
        client=client,
        started_at=timezone.now(),
    )
    CallLeg.objects.create(
        call=call,
        uniqueid=linkedid,
        consultant=line.user,
        interface=dialplan.consultant_dial_target(line),
        rang_at=call.started_at,
    )
    return call


# A call row the journal never closed (an outage) stops blocking after this.
_STALE_CALL = datetime.timedelta(hours=4)


def check_destination(e164: str) -> None:
    """The NGO's outbound policy, as the dialplan enforces it (destinations.py)."""
    pbx = PbxSettings.load()
    if not destinations.policy(pbx.outbound_allow_other, pbx.outbound_prefixes).allows(e164):
        raise ClickToCallError(
            _(
                "Calls to %(number)s are not allowed: the line calls Ukrainian landline and "
                "mobile numbers only. The administrator can open other destinations on the "
                "settings page «Outgoing calls»."
            )
            % {"number": e164}
        )


def outbound_call_in_progress(consultant: AbstractBaseUser) -> bool:
    return Call.objects.filter(
        consultant=consultant,
        direction=CallDirection.OUTBOUND,
        ended_at__isnull=True,
        started_at__gte=timezone.now() - _STALE_CALL,
    ).exists()


def _choose_trunk(trunk_id: int | None, number: str = "") -> Trunk:
    trunks = outbound_trunks()
    if trunk_id is not None:
        trunks = [trunk for trunk in trunks if trunk.pk == trunk_id]
    else:
        # No choice made: a line of the callee's own operator first (cheaper, and
        # more likely to be answered), then the default one.
        operator = operator_of(number)
        trunks.sort(key=lambda trunk: trunk.operator != operator)
    if not trunks:
        raise ClickToCallError(_("No line is open for outgoing calls."))
    return trunks[0]
