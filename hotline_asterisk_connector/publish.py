"""Domain events the connector publishes as the call journal changes.

The connector writes the journal and says what happened; the apps that show
it (the workspace's screen pops, the reports' wallboard) subscribe here and
decide what their pages are told. Subscribers run synchronously, inside the
journal's transaction, so they may read the rows the event names; what they
send to browsers goes through `notify.emit`, which waits for the commit.
The events and what each subscriber makes of them: docs/websocket-messages.md.
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from hotline_asterisk_connector.models import Call


class CallChange(enum.Enum):
    UPDATED = "updated"  # anything else: opened, queued, an outcome, a message left
    ANSWERED = "answered"  # a consultant took the call (first answer)
    ENDED = "ended"  # the caller's side hung up; the journal settled the call


@dataclass(frozen=True)
class CallChanged:
    call: Call
    change: CallChange = CallChange.UPDATED
    # ANSWERED: who took it (None: an unknown device answered).
    consultant_id: int | None = None


@dataclass(frozen=True)
class CallSettled:
    """Asterisk's records confirmed or corrected a finished call the connector saw
    only in part: its outcome (`records_pending` cleared) is final now."""

    call: Call


@dataclass(frozen=True)
class MessageLeft:
    """The caller left a voice message at `at`; `audio_file` is relative to VOICEMAIL_DIR."""

    call: Call
    at: datetime
    audio_file: str
    duration_seconds: int | None


@dataclass(frozen=True)
class CallbackRequested:
    """The caller keyed in a number to be called back on (normalised) and said
    whether the consultant may say who they are to someone else (None: no answer)."""

    call: Call
    at: datetime
    number_to_call: str
    may_say_who_we_are: bool | None


@dataclass(frozen=True)
class LegRung:
    """A device started ringing for the call; `consultant_id` is None for an unknown one."""

    call: Call
    consultant_id: int | None


@dataclass(frozen=True)
class LegEnded:
    """A rung device stopped; `answered` tells whether it had picked up."""

    call: Call
    consultant_id: int | None
    answered: bool


@dataclass(frozen=True)
class LegTaken:
    """A consultant answered a call someone else had answered before (a transfer)."""

    call: Call
    consultant_id: int


@dataclass(frozen=True)
class PresenceChanged:
    user_id: int
    state: str
    pause_reason: str


@dataclass(frozen=True)
class DevicesChanged:
    """Whether the consultant's browser phone and smartphone app can be rung changed."""

    user_id: int
    browser: bool
    app: bool


@dataclass(frozen=True)
class LineChanged:
    """How the queue reaches the consultant changed (their choice «on the mobile»)."""

    user_id: int


@dataclass(frozen=True)
class Supervised:
    """A supervisor joined (`active`) or left the call of consultant `user_id`;
    `mode` is listen, whisper or barge (supervise.Mode)."""

    user_id: int
    mode: str
    active: bool


Event = (
    CallChanged
    | CallSettled
    | MessageLeft
    | CallbackRequested
    | LegRung
    | LegEnded
    | LegTaken
    | PresenceChanged
    | DevicesChanged
    | LineChanged
    | Supervised
)
Subscriber = Callable[[Event], None]

_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    """Called from an app's `ready()`; subscribing twice is harmless."""
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def publish(event: Event) -> None:
    for subscriber in list(_subscribers):
        subscriber(event)
