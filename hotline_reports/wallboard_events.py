"""The wallboard follows the journal: every domain event the connector publishes
tells the open wallboards to re-read (docs/websocket-messages.md)."""

from hotline_asterisk_connector import notify
from hotline_asterisk_connector.publish import Event

WALLBOARD_GROUP = "wallboard"
WALLBOARD_UPDATE = {"type": "wallboard.update"}


def on_event(event: Event) -> None:
    # The update carries nothing: the consumers rebuild their snapshot, and the
    # outbox sends one update per journal event however many changes it made.
    notify.emit(WALLBOARD_GROUP, WALLBOARD_UPDATE)
