"""The desk header's «У черзі: 3 · найдовше 1:20»: every open desk hears how many
callers wait and since when the longest has, whenever a call changes."""

from hotline_asterisk_connector import journal, notify
from hotline_asterisk_connector.models import Call, CallDirection
from hotline_asterisk_connector.publish import CallChange, CallChanged, Event

DESKS_GROUP = "desks"


def summary() -> dict:
    waiting = list(journal.waiting_calls().values_list("queued_at", flat=True)[:1000])
    return {
        "type": "queue.waiting",
        "count": len(waiting),
        "longest_since": waiting[0].isoformat() if waiting else None,
    }


def on_event(event: Event) -> None:
    if isinstance(event, CallChanged) and may_change_waiting(event.call, event.change):
        # Only the newest count matters (notify sends summaries at most once a
        # second; in a connector's batch it is counted once, as the batch ends).
        notify.emit_summary(DESKS_GROUP, summary)


def may_change_waiting(call: Call, change: CallChange) -> bool:
    """Whether the change can move the caller into or out of the waiting ones. Every
    desk hears each message: a call's other changes (opened, its recording, talk
    times, a consultant's wrap-up) are not sent, or at 100 calls the desks hear
    twenty of these for every pop."""
    if call.direction != CallDirection.INBOUND or call.queued_at is None:
        return False
    if change == CallChange.ANSWERED:
        return True
    # An answered call left the waiting callers when it was answered.
    return call.answered_at is None
