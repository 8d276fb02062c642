"""The wallboard follows the journal by small updates: what changed, never the whole board.

The domain events the connector publishes become parts of one
`wallboard.changes` message to the `wallboard` group per batch of AMI events
(notify.emit_part; docs/websocket-messages.md):
- a consultant's state, devices or line changed: the consultant's id, in
  `consultants`; each open wallboard's consumer reads that one row (one
  indexed read, in its supervisor's language) and sends it on. The connector
  reads nothing for the wallboard: its reads on the journal thread slowed the
  pops' fast path beside it (decision 0038);
- a call changed: the call and whether it waits in the queue now (no query:
  the call is in memory), in `calls`; then today's figures may have changed
  too, and each open wallboard reads them at most every five seconds;
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
CHANGES = "wallboard.changes"
# Most of the time no supervisor has the wallboard open: the connector then
# sends its updates nowhere instead of to an empty group (notify.py).
notify.only_when_listened(WALLBOARD_GROUP)


def on_event(event: Event) -> None:
    if isinstance(event, PresenceChanged | DevicesChanged | LineChanged):
        notify.emit_part(WALLBOARD_GROUP, CHANGES, consultants=event.user_id)
    elif isinstance(event, CallChanged):
        call = {"call": waiting_entry(event.call), "waiting": is_waiting(event.call)}
        notify.emit_part(WALLBOARD_GROUP, CHANGES, calls=call)
