"""Screen pops: what a consultant's desk is told about the calls ringing for them.

Subscribed to the connector's domain events (`hotline_asterisk_connector.publish`)
and sent to the group `consultant.<user_id>`, which every open desk page of
that consultant joins (`consumers.py`). Message formats are documented in
docs/websocket-messages.md; the desk opens the identified client's card, or
offers a new card for the number.
"""

from django.utils.translation import gettext

from hotline_asterisk_connector import notify
from hotline_asterisk_connector.models import Call, CallDirection
from hotline_asterisk_connector.publish import (
    CallChange,
    CallChanged,
    DevicesChanged,
    Event,
    LegEnded,
    LegRung,
    LegTaken,
    PresenceChanged,
    Supervised,
)
from hotline_crm.phones import display

# Joining a call the consultant hears, so they are told; pure listening is not
# announced (issue 13), it is only audited.
_HEARD_MODES = {"whisper", "barge"}


def consultant_group(user_id: int) -> str:
    return f"consultant.{user_id}"


def on_event(event: Event) -> None:
    """The connector's subscriber: turn a journal event into the pops it causes."""
    match event:
        case LegRung(call=call, consultant_id=int(consultant_id)):
            if call.direction == CallDirection.INBOUND:
                ringing(call, consultant_id)
        case LegEnded(call=call, consultant_id=int(consultant_id), answered=False):
            stopped_ringing(call, consultant_id)
        case LegEnded(call=call, consultant_id=int(consultant_id), answered=True):
            if call.direction == CallDirection.INBOUND:
                finished(call, consultant_id)
        case LegTaken(call=call, consultant_id=consultant_id):
            taken(call, consultant_id)
        case CallChanged(call=call, change=CallChange.ANSWERED, consultant_id=consultant_id):
            answered(call, consultant_id)
        case CallChanged(call=call, change=CallChange.ENDED):
            ended(call)
        case PresenceChanged(user_id=user_id, state=state, pause_reason=reason):
            _send(user_id, {"type": "presence.changed", "state": state, "pause_reason": reason})
        case DevicesChanged(user_id=user_id, browser=browser, app=app):
            _send(user_id, {"type": "devices.changed", "browser": browser, "app": app})
        case Supervised(user_id=user_id, mode=mode, active=active) if mode in _HEARD_MODES:
            kind = "supervisor.joined" if active else "supervisor.left"
            _send(user_id, {"type": kind, "mode": mode})


def call_summary(call: Call) -> dict:
    client = call.client
    return {
        "call_id": call.pk,
        "linkedid": call.linkedid,
        "direction": call.direction,
        "caller_number": call.caller_number,
        "caller_withheld": call.caller_withheld,
        "caller_number_display": caller_display(call),
        "caller_name": call.caller_name,
        "dialled_number": call.dialled_number,
        "started_at": call.started_at.isoformat(),
        "client": None if client is None else {"id": client.pk, "name": client.name},
        # No card matched: the page offers to create one for this number.
        "new_card_number": call.caller_number if client is None else "",
    }


def caller_display(call: Call) -> str:
    if call.caller_withheld:
        return gettext("Number withheld")
    return display(call.caller_number) if call.caller_number else call.caller_number_raw


def ringing(call: Call, consultant_id: int) -> None:
    _send(consultant_id, {"type": "call.ringing", "call": call_summary(call)})


def stopped_ringing(call: Call, consultant_id: int) -> None:
    _send(
        consultant_id,
        {"type": "call.stopped_ringing", "call_id": call.pk, "linkedid": call.linkedid},
    )


def answered(call: Call, answered_by: int | None) -> None:
    """Tell everyone the call rang for who took it, so the others' pops close."""
    for consultant_id in _rung_consultants(call):
        _send(
            consultant_id,
            {
                "type": "call.answered",
                "call_id": call.pk,
                "linkedid": call.linkedid,
                "answered_by_you": consultant_id == answered_by,
            },
        )


def in_progress(consultant_id: int) -> list[dict]:
    """What a desk that (re)connects is told about the calls the consultant is in:
    the web app restarted under them (an upgrade), or the page was reloaded."""
    calls = Call.objects.filter(
        consultant_id=consultant_id, answered_at__isnull=False, ended_at__isnull=True
    ).select_related("client")
    messages = []
    for call in calls.order_by("answered_at"):
        messages.append({"type": "call.ringing", "call": call_summary(call)})
        messages.append(
            {
                "type": "call.answered",
                "call_id": call.pk,
                "linkedid": call.linkedid,
                "answered_by_you": True,
            }
        )
    return messages


def finished(call: Call, consultant_id: int) -> None:
    """The consultant's part of an answered call ended: their desk starts the wrap-up."""
    _send(consultant_id, {"type": "call.finished", "call_id": call.pk, "linkedid": call.linkedid})


def taken(call: Call, consultant_id: int) -> None:
    """A consultant answered a call someone else had answered before (a transfer)."""
    _send(
        consultant_id,
        {
            "type": "call.answered",
            "call_id": call.pk,
            "linkedid": call.linkedid,
            "answered_by_you": True,
        },
    )


def ended(call: Call) -> None:
    for consultant_id in _rung_consultants(call):
        _send(
            consultant_id,
            {
                "type": "call.ended",
                "call_id": call.pk,
                "linkedid": call.linkedid,
                "disposition": call.disposition,
            },
        )


def _send(consultant_id: int, message: dict) -> None:
    notify.emit(consultant_group(consultant_id), message)


def _rung_consultants(call: Call) -> set[int]:
    ids = set(call.legs.exclude(consultant=None).values_list("consultant_id", flat=True).distinct())
    if call.consultant_id is not None:
        ids.add(call.consultant_id)
    return ids
