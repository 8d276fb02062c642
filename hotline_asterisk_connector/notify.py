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

A group that is often empty (the wallboard: most of the time no supervisor has
it open) can be marked `only_when_listened`: the connector then asks the layer
once per outbox whether anyone is in it (one Redis round trip, where sending
to an empty group costs one a message), and remembers a group with members
for LISTENED_SECONDS. An empty group is never remembered: a page that joins
its group before reading its snapshot misses nothing.

A group told of many small changes (the wallboard: a consultant's row, a call)
gets them in parts (`emit_part`): the connector joins an outbox's parts of one
type to one group into one message of lists. channels_redis sends a process's
messages one round trip after another, and the next batch waits for the last:
a wallboard's message per changed call had doubled the pops' latency at 100
calls.

Within the connector's batches a summary that needs a query (`emit_summary`)
is built once, as its batch ends, not once per event that may change it
(`summaries_once`).
"""

import asyncio
import contextvars
import logging
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.db import transaction

log = logging.getLogger(__name__)

Outgoing = tuple[str, dict]
SUMMARY_SECONDS = 1.0
LISTENED_SECONDS = 5.0
_only_when_listened: set[str] = set()


class _Summary(dict):
    """A message that is a summary (see the module's docstring)."""


class _Part(dict):
    """A part of a message the connector joins (`emit_part`)."""


_outbox: contextvars.ContextVar[list[Outgoing] | None] = contextvars.ContextVar(
    "hotline_outbox", default=None
)
_summaries_due: contextvars.ContextVar[dict[tuple[str, Callable[[], dict]], None] | None] = (
    contextvars.ContextVar("hotline_summaries_due", default=None)
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


def emit_part(group: str, message_type: str, **items: object) -> None:
    """Add each of `items` to the list of its name in the `message_type` message to
    `group`: the connector sends one such message per outbox (`deliver`), anywhere
    else each part is a message of its own, of one-item lists."""
    emit(group, _Part({"type": message_type, **{name: [item] for name, item in items.items()}}))


def emit_summary(group: str, build: Callable[[], dict]) -> None:
    """The summary `build()` makes, to `group` (as `emit(…, summary=True)`); inside
    `summaries_once`, built once as the block ends."""
    due = _summaries_due.get()
    if due is None:
        emit(group, build(), summary=True)
    else:
        due[(group, build)] = None


@contextmanager
def summaries_once() -> Iterator[list[Outgoing]]:
    """Each summary asked for in the block (`emit_summary`) is built once, when the
    block ends without an error, into the list yielded: under load a batch holds
    hundreds of events that each change the desks' waiting count, and only the
    newest count is ever sent."""
    due: dict[tuple[str, Callable[[], dict]], None] = {}
    built: list[Outgoing] = []
    token = _summaries_due.set(due)
    try:
        yield built
    finally:
        _summaries_due.reset(token)
    built.extend((group, _Summary(build())) for group, build in due)


def only_when_listened(group: str) -> None:
    """Send to `group` only while someone is in it (see the module's docstring)."""
    _only_when_listened.add(group)


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
    Each group_send is a round trip to Redis (several on the list-based layer of
    before decision 0038); one after another, a batch's messages to the desks,
    the wallboard and each consultant kept the connector from reading
    Asterisk's next events (most of its loop's time at 100 calls)."""
    layer = get_channel_layer()
    if layer is None or not outbox:
        return
    state = _state_of_this_loop()
    # Parts to a group nobody listens to (the wallboard, most of the time) are
    # dropped before they are joined; each group is asked once (a round trip on Redis).
    groups = dict.fromkeys(group for group, _message in outbox)
    unheard = {group for group in groups if not await state.listened(layer, group)}
    due = [
        (group, message)
        for group, message in _joined([sent for sent in outbox if sent[0] not in unheard])
        if not isinstance(message, _Summary) or state.summaries.offer(group, message)
    ]
    await _send(layer, due)


def _joined(outbox: list[Outgoing]) -> list[Outgoing]:
    """The parts of one type to one group joined, where the first of them stood, list
    by list in their order; an item given again moves to the end (the wallboard
    applies a call's changes in order: the newest is the one that counts)."""
    # Per message, per list: its items by their `_key`, in the order they came.
    joined: dict[tuple[str, str], dict[str, dict[object, object]]] = {}
    result: list[Outgoing] = []
    for group, message in outbox:
        if not isinstance(message, _Part):
            result.append((group, message))
            continue
        lists = joined.get((group, message["type"]))
        if lists is None:
            lists = joined[(group, message["type"])] = {}
            result.append((group, _Joined(message["type"], lists)))
        for name, items in message.items():
            if name != "type":
                into = lists.setdefault(name, {})
                for item in items:
                    key = _key(item)
                    into.pop(key, None)
                    into[key] = item
    return [
        (group, message.whole() if isinstance(message, _Joined) else message)
        for group, message in result
    ]


class _Joined:
    """A message being joined from parts (`_joined`)."""

    def __init__(self, message_type: str, lists: dict[str, dict[object, object]]) -> None:
        self.type, self.lists = message_type, lists

    def whole(self) -> dict:
        return {
            "type": self.type,
            **{name: list(items.values()) for name, items in self.lists.items()},
        }


def _key(item: object) -> object:
    """An item as a dictionary's key: itself, or its text (a dict is not hashable)."""
    return repr(item) if isinstance(item, dict | list) else item


async def _send(layer, outbox: list[Outgoing]) -> None:
    """Each group's messages in order, the groups at once. channels_redis publishes a
    process's messages one after another: the desks' groups go first, the groups
    sent only when listened to (the wallboard) after them."""
    by_group: dict[str, list[dict]] = {}
    for group, message in sorted(outbox, key=lambda sent: sent[0] in _only_when_listened):
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
        self.sending: set[asyncio.Task] = set()

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
            # The loop keeps only a weak reference to a task: keep it until it is done.
            task = self.loop.create_task(_send_held(layer, due))
            self.sending.add(task)
            task.add_done_callback(self.sending.discard)


async def _send_held(layer, due: list[Outgoing]) -> None:
    try:
        await _send(layer, due)
    except Exception:  # the channel layer is down: the next summary says it all again
        log.warning("Could not send the summaries held back", exc_info=True)


class _LoopState:
    """What the connector's event loop remembers between outboxes."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.summaries = _Summaries(loop)
        self.heard_until: dict[str, float] = {}

    async def listened(self, layer, group: str) -> bool:
        if group not in _only_when_listened:
            return True
        if self.heard_until.get(group, 0.0) > time.monotonic():
            return True
        if await _has_members(layer, group):
            self.heard_until[group] = time.monotonic() + LISTENED_SECONDS
            return True
        return False


async def _has_members(layer, group: str) -> bool:
    """Whether anyone is in `group`, for the layers the project runs on (any other
    layer: assume so)."""
    if isinstance(layer, InMemoryChannelLayer):
        return bool(layer.groups.get(group))
    if isinstance(layer, RedisPubSubChannelLayer):
        # channels_redis's pub/sub layer: a group is a Redis channel that every
        # process with members in it subscribes to (the layer's own naming).
        name = layer._get_group_channel_name(group)
        shard = layer._get_shard(name)
        shard._ensure_redis()
        return any(count for _name, count in await shard._redis.pubsub_numsub(name))
    return True


_states: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState]" = (
    weakref.WeakKeyDictionary()
)


def _state_of_this_loop() -> _LoopState:
    loop = asyncio.get_running_loop()
    if loop not in _states:
        _states[loop] = _LoopState(loop)
    return _states[loop]
