"""The desk header's «У черзі: 3 · найдовше 1:20»: every open desk hears how many
callers wait and since when the longest has, whenever a call changes."""

from hotline_asterisk_connector import journal, notify
from hotline_asterisk_connector.models import CallDirection
from hotline_asterisk_connector.publish import CallChanged, Event

DESKS_GROUP = "desks"


def summary() -> dict:
    waiting = list(journal.waiting_calls().values_list("queued_at", flat=True)[:1000])
    return {
        "type": "queue.waiting",
        "count": len(waiting),
        "longest_since": waiting[0].isoformat() if waiting else None,
    }


def on_event(event: Event) -> None:
    if isinstance(event, CallChanged) and event.call.direction == CallDirection.INBOUND:
        notify.emit(DESKS_GROUP, summary())
