"""One AMI session: login, actions with their responses, events in order, a heartbeat.

Events are handed out through an async iterator in exactly the order Asterisk
sent them; the journal depends on that order. A dead connection (EOF, reset,
or a heartbeat that gets no answer) ends the iterator with ConnectionLost so
the caller can reconnect.
"""

import asyncio
import contextlib
import itertools
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from django.conf import settings

from hotline_asterisk_connector.ami.protocol import Message, parse, serialise, split_frames

log = logging.getLogger(__name__)

_READ_SIZE = 65536


class AmiError(Exception):
    """Asterisk refused the login or an action."""


class ConnectionLost(Exception):
    """The AMI connection ended."""


@dataclass(frozen=True)
class AmiConfig:
    host: str
    port: int
    username: str
    secret: str
    heartbeat_seconds: float = 10.0
    timeout_seconds: float = 5.0

    @classmethod
    def from_settings(cls) -> "AmiConfig":
        return cls(
            host=settings.HOTLINE_AMI_HOST,
            port=settings.HOTLINE_AMI_PORT,
            username=settings.HOTLINE_AMI_USERNAME,
            secret=settings.HOTLINE_AMI_SECRET,
        )


class _PendingAction:
    """Collects the response (and, for list actions, the events) of one action."""

    def __init__(self, is_list: bool) -> None:
        self.is_list = is_list
        self.messages: list[Message] = []
        self.future: asyncio.Future[list[Message]] = asyncio.get_running_loop().create_future()

    def feed(self, message: Message) -> bool:
        """Take one message; True when the action is complete."""
        self.messages.append(message)
        if message.is_event:
            return message.get("EventList", "").lower() == "complete"
        if not self.is_list or not message.is_success:
            return True
        return message.get("EventList", "").lower() != "start"


class AmiClient:
    _action_ids = itertools.count(1)

    def __init__(
        self,
        config: AmiConfig,
        *,
        events: bool = True,
        on_event: Callable[[Message], None] | None = None,
    ) -> None:
        self.config = config
        self.wants_events = events
        # Told of each event as it arrives, before it waits in the queue for events().
        self.on_event = on_event
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._pending: dict[str, _PendingAction] = {}
        # Actions that timed out (is it a list?): their late replies are dropped.
        self._abandoned: dict[str, bool] = {}
        self._events: asyncio.Queue[Message | None] = asyncio.Queue()
        self._tasks: list[asyncio.Task] = []
        self._closed = False
        self._ended = False

    async def connect(self) -> None:
        timeout = self.config.timeout_seconds
        self._reader, self._writer = await asyncio.wait_for(
            asyncio.open_connection(self.config.host, self.config.port), timeout
        )
        greeting = await asyncio.wait_for(self._reader.readline(), timeout)
        if not greeting.startswith(b"Asterisk Call Manager/"):
            await self.close()
            raise AmiError(f"not an Asterisk manager interface: {greeting[:60]!r}")
        self._tasks.append(asyncio.create_task(self._read_loop(), name="ami-reader"))
        response = await self.action(
            "Login",
            Username=self.config.username,
            Secret=self.config.secret,
            Events="on" if self.wants_events else "off",
        )
        if not response.is_success:
            await self.close()
            raise AmiError(f"AMI login refused: {response.get('Message', '')}")
        if self.config.heartbeat_seconds > 0:
            self._tasks.append(asyncio.create_task(self._heartbeat(), name="ami-heartbeat"))

    async def __aenter__(self) -> "AmiClient":
        await self.connect()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def action(self, name: str, **fields: str | list[str]) -> Message:
        """Send an action and return its response (a refusal is returned, not raised)."""
        messages = await self._send(name, fields, is_list=False)
        return messages[0]

    async def action_list(self, name: str, **fields: str | list[str]) -> list[Message]:
        """Send a list action (QueueStatus, CoreShowChannels…) and return the events it lists."""
        messages = await self._send(name, fields, is_list=True)
        if not messages[0].is_success:
            raise AmiError(f"{name} refused: {messages[0].get('Message', '')}")
        return [message for message in messages[1:] if message.get("EventList") != "Complete"]

    async def events(self) -> AsyncIterator[Message]:
        while not self._ended:
            message = await self._events.get()
            if message is None:
                self._ended = True
                break
            yield message
        raise ConnectionLost("AMI connection closed")

    def take_buffered(self, limit: int) -> list[Message]:
        """Events already received, without waiting; the end-of-stream mark stays queued."""
        taken: list[Message] = []
        while len(taken) < limit and not self._events.empty():
            message = self._events.get_nowait()
            if message is None:
                self._ended = True
                break
            taken.append(message)
        return taken

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        current = asyncio.current_task()
        for task in self._tasks:
            if task is not current:
                task.cancel()
        if self._writer is not None:
            self._writer.close()
            # The peer may already be gone; closing is all that was asked.
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        self._fail_pending()

    async def _send(self, name: str, fields: dict, *, is_list: bool) -> list[Message]:
        if self._closed or self._writer is None:
            raise ConnectionLost("AMI connection closed")
        action_id = f"hotline-{next(self._action_ids)}"
        pending = _PendingAction(is_list)
        self._pending[action_id] = pending
        try:
            self._writer.write(serialise(name, {"ActionID": action_id, **fields}))
            await self._writer.drain()
            return await asyncio.wait_for(pending.future, self.config.timeout_seconds)
        except TimeoutError:
            # The reply may still come: it must not be taken for events then.
            self._abandoned[action_id] = is_list
            raise
        finally:
            self._pending.pop(action_id, None)

    async def _read_loop(self) -> None:
        assert self._reader is not None
        buffer = b""
        try:
            while data := await self._reader.read(_READ_SIZE):
                frames, buffer = split_frames(buffer + data)
                for frame in frames:
                    message = parse(frame)
                    if message is not None:
                        self._route(message)
        except (OSError, asyncio.IncompleteReadError) as error:
            log.warning("AMI connection broke: %s", error)
        finally:
            self._events.put_nowait(None)
            self._fail_pending()

    def _route(self, message: Message) -> None:
        action_id = message.get("ActionID", "")
        if action_id in self._abandoned:
            finished = (
                message.get("EventList", "").lower() == "complete"
                if self._abandoned[action_id] and message.is_event
                else not (self._abandoned[action_id] and message.is_success)
            )
            if finished:
                del self._abandoned[action_id]
            return
        pending = self._pending.get(action_id)
        if pending is not None:
            if pending.feed(message) and not pending.future.done():
                pending.future.set_result(pending.messages)
        elif message.is_event:
            if self.on_event is not None:
                self.on_event(message)
            self._events.put_nowait(message)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.config.heartbeat_seconds)
            try:
                await self.action("Ping")
            except (TimeoutError, ConnectionLost, OSError):
                log.warning("AMI heartbeat got no answer; dropping the connection")
                if self._writer is not None:
                    self._writer.transport.abort()
                return

    def _fail_pending(self) -> None:
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(ConnectionLost("AMI connection closed"))
        self._pending.clear()
