"""The AMI wire format: `Key: Value` lines, messages ended by an empty line.

Frames are cut on bytes and decoded whole, so a Cyrillic caller name split
across two TCP reads is never mangled.
"""

from collections.abc import Iterator, Mapping

EOL = b"\r\n"
END = b"\r\n\r\n"
# Headers Asterisk may repeat within one message; their values are kept as lists.
REPEATABLE = frozenset({"ChanVariable", "Output", "Variable"})


class Message(dict[str, str]):
    """One AMI event or response: header names as Asterisk spells them.

    A repeated header keeps its last value in the mapping and all of them in
    `repeated`.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.repeated: dict[str, list[str]] = {}

    @property
    def event(self) -> str:
        return self.get("Event", "")

    @property
    def is_event(self) -> bool:
        return "Event" in self

    @property
    def is_success(self) -> bool:
        return self.get("Response", "").lower() in {"success", "follows", "goodbye"}

    def all_values(self, name: str) -> list[str]:
        """All values of a repeatable header."""
        if name in self.repeated:
            return self.repeated[name]
        value = self.get(name)
        return [] if value is None else [value]


def parse(frame: bytes) -> Message | None:
    """Decode one frame (without its terminating empty line); None when it is no message."""
    text = frame.decode("utf-8", errors="replace")
    message = Message()
    for line in text.split("\r\n"):
        name, separator, value = line.partition(":")
        if not separator:
            continue
        value = value.removeprefix(" ")
        if name in REPEATABLE:
            message.repeated.setdefault(name, []).append(value)
        message[name] = value
    return message or None


def split_frames(buffer: bytes) -> tuple[list[bytes], bytes]:
    """Cut complete frames off `buffer`; return them and the incomplete rest."""
    parts = buffer.split(END)
    return [part for part in parts[:-1] if part.strip()], parts[-1]


def serialise(action: str, fields: Mapping[str, str | list[str]]) -> bytes:
    lines = [f"Action: {action}"]
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        lines.extend(f"{name}: {_one_line(item)}" for item in values)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def dump(message: Message) -> bytes:
    """A received message back in wire form (for recorded fixtures)."""
    lines = []
    for name, value in message.items():
        values = message.repeated.get(name, [value])
        lines.extend(f"{name}: {item}" for item in values)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def iter_messages(stream: bytes) -> Iterator[Message]:
    """Messages of a recorded AMI stream (the greeting line is skipped)."""
    frames, _rest = split_frames(stream)
    for frame in frames:
        message = parse(frame)
        if message is not None:
            yield message


def _one_line(value: str) -> str:
    # A newline inside a value would start a new header: an injection.
    return str(value).replace("\r", " ").replace("\n", " ")
