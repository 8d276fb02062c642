"""A loopback AMI peer for client tests: it answers like Asterisk 22 and sends
what the test gives it, byte for byte (so frames can be cut anywhere)."""

import asyncio
import contextlib

from hotline_asterisk_connector.ami.client import AmiConfig
from hotline_asterisk_connector.ami.protocol import parse, split_frames

GREETING = b"Asterisk Call Manager/9.0.0\r\n"
SECRET = "s3cret"


class ScriptedAmi:
    def __init__(self, *, secret: str = SECRET, answers_pings: bool = True) -> None:
        self.secret = secret
        self.answers_pings = answers_pings
        self.silent: set[str] = set()  # actions never answered, as a lost reply
        self.actions: list[dict] = []
        self.list_replies: dict[str, list[bytes]] = {}
        self.writers: list[asyncio.StreamWriter] = []
        self.connections = 0
        self.connected = asyncio.Event()
        self.server: asyncio.base_events.Server | None = None

    async def start(self) -> "ScriptedAmi":
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.sockets[0].getsockname()[1]

    def config(self, **overrides) -> AmiConfig:
        fields = {
            "host": "127.0.0.1",
            "port": self.port,
            "username": "hotline",
            "secret": self.secret,
            "heartbeat_seconds": 0,
            "timeout_seconds": 5,
        } | overrides
        return AmiConfig(**fields)

    async def send(self, data: bytes) -> None:
        writer = self.writers[-1]
        writer.write(data)
        await writer.drain()

    def drop_connections(self) -> None:
        for writer in self.writers:
            writer.transport.abort()
        self.connected.clear()

    async def stop(self) -> None:
        self.drop_connections()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        self.connections += 1
        writer.write(GREETING)
        buffer = b""
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(4096):
                frames, buffer = split_frames(buffer + data)
                for frame in frames:
                    action = parse(frame)
                    self.actions.append(dict(action))
                    writer.write(self._answer(action))
                await writer.drain()

    def _answer(self, action: dict) -> bytes:
        name, action_id = action.get("Action", ""), action.get("ActionID", "")
        head = f"ActionID: {action_id}\r\n"
        if name == "Login":
            if action.get("Secret") != self.secret:
                return f"Response: Error\r\n{head}Message: Authentication failed\r\n\r\n".encode()
            self.connected.set()
            return f"Response: Success\r\n{head}Message: Authentication accepted\r\n\r\n".encode()
        if name in self.silent:
            return b""
        if name == "Ping":
            if not self.answers_pings:
                return b""
            return f"Response: Success\r\n{head}Ping: Pong\r\nTimestamp: 1.0\r\n\r\n".encode()
        if name in self.list_replies:
            items = b"".join(
                item.replace(b"\r\n\r\n", f"\r\n{head}\r\n".encode())
                for item in self.list_replies[name]
            )
            start = f"Response: Success\r\n{head}EventList: start\r\nMessage: will follow\r\n\r\n"
            return (
                start.encode()
                + items
                + f"Event: {name}Complete\r\n{head}EventList: Complete\r\n\r\n".encode()
            )
        return f"Response: Success\r\n{head}Message: OK\r\n\r\n".encode()
