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
"""

import asyncio
import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

Outgoing = tuple[str, dict]

_outbox: contextvars.ContextVar[list[Outgoing] | None] = contextvars.ContextVar(
    "hotline_outbox", default=None
)


def emit(group: str, message: dict, coalesce: bool = False) -> None:
    """Send `message` to `group` after commit. With `coalesce`, a message of the same
    type to the same group still in the outbox is dropped for this newer one (a
    summary that only the latest state of matters)."""
    outbox = _outbox.get()
    if outbox is not None:
        if coalesce:
            outbox[:] = [
                (g, m) for g, m in outbox if g != group or m.get("type") != message.get("type")
            ]
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
    by_group: dict[str, list[dict]] = {}
    for group, message in outbox:
        by_group.setdefault(group, []).append(message)

    async def send(group: str, messages: list[dict]) -> None:
        for message in messages:
            await layer.group_send(group, message)

    await asyncio.gather(*(send(group, messages) for group, messages in by_group.items()))
