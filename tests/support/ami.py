"""A small synchronous AMI client for tests: actions, and every event kept in order.

Tests read outcomes from Asterisk itself. This client logs in as a user that
sees every event class, records all events from the moment it connects,
and lets a test wait for the event it expects with a generous deadline:

    mark = ami.mark()
    ... make a call ...
    event = ami.wait_for(lambda e: e.event == "UserEvent" and e["UserEvent"] == "HotlineMenu",
                         since=mark)
"""

import contextlib
import itertools
import socket
import threading
import time
from collections.abc import Callable

from hotline_asterisk_connector.ami.protocol import Message, parse, serialise, split_frames

DEFAULT_DEADLINE = 30.0

Predicate = Callable[[Message], bool]


class AmiTimeout(AssertionError):
    """What the test waited for did not happen in time (the assertion failing)."""


class Ami:
    _ids = itertools.count(1)

    def __init__(self, host: str, port: int, username: str, secret: str) -> None:
        self._socket = socket.create_connection((host, port), timeout=10)
        self._socket.settimeout(None)
        self._file = self._socket.makefile("rb")
        greeting = self._file.readline()
        if not greeting.startswith(b"Asterisk Call Manager/"):
            raise ConnectionError(f"not AMI: {greeting!r}")
        self._lock = threading.Condition()
        self.events: list[Message] = []
        self._responses: dict[str, list[Message]] = {}
        self._closed = False
        self._reader = threading.Thread(target=self._read, name="test-ami", daemon=True)
        self._reader.start()
        response = self.action("Login", Username=username, Secret=secret, Events="on")
        if response.get("Response") != "Success":
            raise ConnectionError(f"AMI login refused: {response}")

    # Actions

    def action(self, name: str, timeout: float = DEFAULT_DEADLINE, **fields) -> Message:
        return self._send(name, fields, timeout, is_list=False)[0]

    def action_list(self, name: str, timeout: float = DEFAULT_DEADLINE, **fields) -> list[Message]:
        """A list action's events (without the closing ...Complete event)."""
        messages = self._send(name, fields, timeout, is_list=True)
        return [m for m in messages[1:] if m.get("EventList") != "Complete"]

    def command(self, command: str) -> str:
        """A CLI command's output, through AMI."""
        response = self.action("Command", Command=command)
        return "\n".join(response.all_values("Output"))

    def _send(self, name: str, fields: dict, timeout: float, is_list: bool) -> list[Message]:
        action_id = f"test-{next(self._ids)}"
        with self._lock:
            self._responses[action_id] = []
        self._socket.sendall(serialise(name, {"ActionID": action_id, **fields}))
        deadline = time.monotonic() + timeout
        with self._lock:
            while not self._complete(self._responses[action_id], is_list):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    raise AmiTimeout(f"no answer to AMI {name} within {timeout:.0f} s")
                self._lock.wait(remaining)
            return self._responses.pop(action_id)

    @staticmethod
    def _complete(messages: list[Message], is_list: bool) -> bool:
        if not messages:
            return False
        first = messages[0]
        if not is_list or first.get("Response") != "Success":
            return True
        return any(m.get("EventList") == "Complete" for m in messages[1:])

    # Events

    def mark(self) -> int:
        """A position in the event stream; wait_for(since=mark) only looks after it."""
        with self._lock:
            return len(self.events)

    def wait_for(
        self,
        predicate: Predicate,
        since: int = 0,
        timeout: float = DEFAULT_DEADLINE,
        what: str = "",
    ) -> Message:
        """The first event after `since` that matches, waiting for it if need be."""
        return self.wait_for_all(predicate, 1, since, timeout, what)[0]

    def wait_for_all(
        self,
        predicate: Predicate,
        count: int,
        since: int = 0,
        timeout: float = DEFAULT_DEADLINE,
        what: str = "",
    ) -> list[Message]:
        """The first `count` matching events after `since`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [event for event in self.events[since:] if predicate(event)]
                if len(found) >= count:
                    return found[:count]
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    raise AmiTimeout(
                        f"waited {timeout:.0f} s for {count} × {what or 'event'}, saw {len(found)}"
                    )
                self._lock.wait(remaining)

    def matching(self, predicate: Predicate, since: int = 0) -> list[Message]:
        with self._lock:
            return [event for event in self.events[since:] if predicate(event)]

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._socket.sendall(serialise("Logoff", {}))
        self._socket.close()

    def _read(self) -> None:
        buffer = b""
        try:
            while chunk := self._socket.recv(65536):
                frames, buffer = split_frames(buffer + chunk)
                messages = [m for m in (parse(frame) for frame in frames) if m is not None]
                with self._lock:
                    for message in messages:
                        action_id = message.get("ActionID", "")
                        if action_id in self._responses:
                            self._responses[action_id].append(message)
                        elif message.is_event:
                            self.events.append(message)
                    self._lock.notify_all()
        except OSError:
            pass
        finally:
            with self._lock:
                self._closed = True
                self._lock.notify_all()


def user_event(name: str, **headers: str) -> Predicate:
    """Matches our dialplan's UserEvent `name` whose headers have these values."""

    def matches(event: Message) -> bool:
        return (
            event.event == "UserEvent"
            and event.get("UserEvent") == name
            and all(event.get(key) == value for key, value in headers.items())
        )

    return matches


def event(name: str, **headers: str) -> Predicate:
    def matches(message: Message) -> bool:
        return message.event == name and all(
            message.get(key) == value for key, value in headers.items()
        )

    return matches
