"""Screen pops: what a consultant's browser is told about the calls ringing for them.

Message formats are documented in docs/websocket-messages.md; the workspace
page opens the identified client's card, or offers a new card for the number.
"""

from django.utils.translation import gettext

from hotline_asterisk_connector import notify
from hotline_asterisk_connector.models import Call
from hotline_crm.phones import display


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
    notify.emit(
        notify.consultant_group(consultant_id),
        {"type": "call.ringing", "call": call_summary(call)},
    )


def stopped_ringing(call: Call, consultant_id: int) -> None:
    notify.emit(
        notify.consultant_group(consultant_id),
        {"type": "call.stopped_ringing", "call_id": call.pk, "linkedid": call.linkedid},
    )


def answered(call: Call, answered_by: int | None) -> None:
    """Tell everyone the call rang for who took it, so the others' pops close."""
    for consultant_id in _rung_consultants(call):
        notify.emit(
            notify.consultant_group(consultant_id),
            {
                "type": "call.answered",
                "call_id": call.pk,
                "linkedid": call.linkedid,
                "answered_by_you": consultant_id == answered_by,
            },
        )


def taken(call: Call, consultant_id: int) -> None:
    """A consultant answered a call someone else had answered before (a transfer)."""
    notify.emit(
        notify.consultant_group(consultant_id),
        {
            "type": "call.answered",
            "call_id": call.pk,
            "linkedid": call.linkedid,
            "answered_by_you": True,
        },
    )


def ended(call: Call) -> None:
    for consultant_id in _rung_consultants(call):
        notify.emit(
            notify.consultant_group(consultant_id),
            {
                "type": "call.ended",
                "call_id": call.pk,
                "linkedid": call.linkedid,
                "disposition": call.disposition,
            },
        )


def _rung_consultants(call: Call) -> set[int]:
    ids = set(call.legs.exclude(consultant=None).values_list("consultant_id", flat=True).distinct())
    if call.consultant_id is not None:
        ids.add(call.consultant_id)
    return ids
