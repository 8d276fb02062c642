"""Messages to browsers over the Channels layer, sent once the change is committed.

The connector does not address browsers itself: it publishes domain events
(`publish.py`) and the subscribers (the workspace's screen pops, the reports'
wallboard) emit here to their own groups. The formats are documented in
docs/websocket-messages.md.

The connector's database thread must not touch the channel layer: the
in-process layer of the embedded mode is not thread-safe. So while the
connector applies an event, messages are collected in an outbox and sent
from the event loop once the event's transaction has committed. Anywhere
else (a web view) they are sent after commit.

A summary (a state of which only the newest matters, such as the desks' count
of waiting callers) is sent by the connector to a group at most every
SUMMARY_SECONDS, and only when it differs from the last one sent: at 400 calls
the desks were told the queue's count twenty thousand times, each a group_send
to every desk. The newest summary held back is sent when its time comes.
"""

import asyncio
import contextvars
import logging
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

Outgoing = tuple[str, dict]
SUMMARY_SECONDS = 1.0


class _Summary(dict):
    """A message that is a summary (see the module's docstring)."""


_outbox: contextvars.ContextVar[list[Outgoing] | None] = contextvars.ContextVar(
    "hotline_outbox", default=None
)


def emit(group: str, message: dict, summary: bool = False) -> None:
    """Send `message` to `group` after commit. A `summary` replaces a message of the
    same type to the same group still in the outbox, and the connector sends it as
    the module's docstring says."""
    outbox = _outbox.get()
    if outbox is not None:
        if summary:
            outbox[:] = [
                (g, m) for g, m in outbox if g != group or m.get("type") != message.get("type")
            ]
            message = _Summary(message)
        if (group, message) not in outbox:
            outbox.append((group, message))
        return
    transaction.on_commit(lambda: send_now(group, message))


def send_now(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


@contextmanager
def collecting() -> Iterator[list[Outgoing]]:
    """Collect what is emitted inside the block instead of sending it."""
    outbox: list[Outgoing] = []
    token = _outbox.set(outbox)
    try:
        yield outbox
    finally:
        _outbox.reset(token)


async def deliver(outbox: list[Outgoing]) -> None:
    """Send the outbox: each group's messages in their order, the groups at once.
    A group_send on Redis is several round trips; one after another, a batch's
    messages to the desks, the wallboard and each consultant kept the connector
    from reading Asterisk's next events (most of its loop's time at 100 calls)."""
    layer = get_channel_layer()
    if layer is None or not outbox:
        return
    summaries = _summaries_of_this_loop()
    due = [
        (group, message)
        for group, message in outbox
        if not isinstance(message, _Summary) or summaries.offer(group, message)
    ]
    await _send(layer, due)


async def _send(layer, outbox: list[Outgoing]) -> None:
    by_group: dict[str, list[dict]] = {}
    for group, message in outbox:
        by_group.setdefault(group, []).append(dict(message))

    async def send(group: str, messages: list[dict]) -> None:
        for message in messages:
            await layer.group_send(group, message)

    await asyncio.gather(*(send(group, messages) for group, messages in by_group.items()))


class _Summaries:
    """Per group and type: when the last summary was sent and what it said, and the
    newest one held back until SUMMARY_SECONDS have passed. One per event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.sent: dict[tuple[str, str], tuple[float, dict]] = {}
        self.held: dict[tuple[str, str], dict] = {}
        self.timer: asyncio.TimerHandle | None = None

    def offer(self, group: str, message: dict) -> bool:
        """Whether to send `message` now; if not, it is held (or, unchanged, dropped)."""
        key = (group, message.get("type", ""))
        now = self.loop.time()
        last = self.sent.get(key)
        if last is not None and last[1] == message:
            self.held.pop(key, None)  # back to what the desks were told last
            return False
        if last is None or now - last[0] >= SUMMARY_SECONDS:
            self.sent[key] = (now, message)
            self.held.pop(key, None)
            return True
        self.held[key] = message
        if self.timer is None:
            self.timer = self.loop.call_later(last[0] + SUMMARY_SECONDS - now, self._release)
        return False

    def _release(self) -> None:
        self.timer = None
        held, self.held = self.held, {}
        due = [(group, message) for (group, _type), message in held.items()]
        due = [(group, message) for group, message in due if self.offer(group, message)]
        layer = get_channel_layer()
        if due and layer is not None:
            self.loop.create_task(_send_held(layer, due))


async def _send_held(layer, due: list[Outgoing]) -> None:
    try:
        await _send(layer, due)
    except Exception:  # the channel layer is down: the next summary says it all again
        log.warning("Could not send the summaries held back", exc_info=True)


_summaries: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Summaries]" = (
    weakref.WeakKeyDictionary()
)


def _summaries_of_this_loop() -> _Summaries:
    loop = asyncio.get_running_loop()
    if loop not in _summaries:
        _summaries[loop] = _Summaries(loop)
    return _summaries[loop]
