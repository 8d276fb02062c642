"""The web app as the benchmarks drive it: Django on a scratch folder, Daphne started
as production starts it, a user's session cookie, and the desk page's websocket
read by a raw client."""

import asyncio
import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
APPLICATION = "hotline.asgi:application"


def setup_django(scratch: str) -> None:
    """Django with its files in `scratch`, on a SQLite database there unless
    DATABASE_URL names another, migrated."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ["HOTLINE_VAR_DIR"] = scratch
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def start_daphne(port: int, env: dict[str, str], log: IO[bytes]) -> subprocess.Popen:
    return subprocess.Popen(
        [*(sys.executable, "-m", "daphne"), "-b", "127.0.0.1", "-p", str(port), APPLICATION],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def session_cookie(username: str, password: str) -> str:
    """The `Cookie` header of a browser signed in as `username`."""
    from django.conf import settings
    from django.test import Client

    browser = Client()
    assert browser.login(username=username, password=password)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={browser.cookies[name].value}"


class WebSocket:
    """A minimal RFC 6455 client: reads the server's text frames and answers its pings
    as a browser does (Daphne closes a socket that leaves them unanswered)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(cls, port: int, path: str, cookie: str) -> "WebSocket":
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:{port}\r\n"
                f"Cookie: {cookie}\r\n\r\n"
            ).encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 101"):
            raise RuntimeError(f"websocket refused: {head[:80]!r}")
        return cls(reader, writer)

    @classmethod
    async def open_desk(cls, port: int, cookie: str, seconds: float = 60) -> "WebSocket":
        """The desk page's websocket, once the server accepts connections."""
        return await cls.open_when_up(port, "/ws/desk/", cookie, seconds)

    @classmethod
    async def open_when_up(
        cls, port: int, path: str, cookie: str, seconds: float = 60
    ) -> "WebSocket":
        """The websocket at `path`, once the server accepts connections."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                return await cls.connect(port, path, cookie)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)

    async def receive(self) -> dict:
        """The next text message; ConnectionError when the server closes the socket."""
        while True:
            first, second = await self.reader.readexactly(2)
            length = second & 0x7F
            if length == 126:
                length = int.from_bytes(await self.reader.readexactly(2), "big")
            elif length == 127:
                length = int.from_bytes(await self.reader.readexactly(8), "big")
            payload = await self.reader.readexactly(length)
            opcode = first & 0x0F
            if opcode == 0x9:
                self._pong(payload)
            elif opcode == 0x8:
                raise ConnectionError("the server closed the desk's websocket")
            elif opcode == 0x1:
                return json.loads(payload)

    def _pong(self, payload: bytes) -> None:
        self._send(0xA, payload)

    async def close(self) -> None:
        """Close the socket as a browser closing the tab does."""
        self._send(0x8, (1001).to_bytes(2, "big"))  # 1001: going away
        self.writer.close()
        await self.writer.wait_closed()

    def _send(self, opcode: int, payload: bytes) -> None:
        # A client masks every frame it sends (RFC 6455, 5.3).
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[n % 4] for n, byte in enumerate(payload))
        self.writer.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)
