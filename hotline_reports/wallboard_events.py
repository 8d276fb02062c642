"""The wallboard follows the journal by small updates: what changed, never the whole board.

Every domain event the connector publishes becomes at most one message to
the `wallboard` group (docs/websocket-messages.md):
- a consultant's state, devices or line changed: `wallboard.consultant_changed`,
  naming the consultant; each open wallboard's consumer reads that one row (one
  indexed read, in its supervisor's language) and sends it on. The connector
  reads nothing for the wallboard: its reads on the journal thread slowed the
  pops' fast path beside it (decision 0038);
- a call changed: `wallboard.call`, whether it waits in the queue now (no
  query: the call is in memory), and `wallboard.today_changed`, which each
  open wallboard answers with today's figures at most once a second;
- a rung device started or stopped: nothing (the consultant's state follows).
The full snapshot is built only when a wallboard connects; while none is open,
the connector sends nothing at all.
"""

from hotline_asterisk_connector import notify
from hotline_asterisk_connector.publish import (
    CallChanged,
    DevicesChanged,
    Event,
    LineChanged,
    PresenceChanged,
)
from hotline_reports.live import is_waiting, waiting_entry

WALLBOARD_GROUP = "wallboard"
TODAY_CHANGED = {"type": "wallboard.today_changed"}
CONSULTANT_CHANGED = "wallboard.consultant_changed"
# Most of the time no supervisor has the wallboard open: the connector then
# sends its updates nowhere instead of to an empty group (notify.py).
notify.only_when_listened(WALLBOARD_GROUP)


def on_event(event: Event) -> None:
    if isinstance(event, PresenceChanged | DevicesChanged | LineChanged):
        notify.emit(WALLBOARD_GROUP, {"type": CONSULTANT_CHANGED, "user_id": event.user_id})
    elif isinstance(event, CallChanged):
        call = event.call
        notify.emit(
            WALLBOARD_GROUP,
            {"type": "wallboard.call", "call": waiting_entry(call), "waiting": is_waiting(call)},
        )
        notify.emit(WALLBOARD_GROUP, TODAY_CHANGED)
