"""Screen-pop latency: from Asterisk sending AgentCalled to the consultant's browser
receiving the pop over its websocket, on loopback.

    .venv/bin/python benchmarks/connector_screenpop.py [--calls 300] [--redis]

A loopback AMI peer plays Asterisk (it speaks the protocol the connector
expects and sends, for each call, HotlineInbound, QueueCallerJoin, then
AgentCalled for the consultant). The web app runs as `make run` runs it:
Daphne with the embedded connector and the in-process channel layer; with
--redis, as production runs it: Daphne and `manage.py run_connector` apart,
talking through Redis (REDIS_URL, default redis://127.0.0.1:6379/9). A raw
websocket client, logged in as the consultant, times each pop from the
moment the AgentCalled bytes are written. The database: SQLite in a scratch
folder unless DATABASE_URL names one. Results: docs/benchmarks-connector.md.
"""

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.webapp import WebSocket, session_cookie, setup_django, start_daphne  # noqa: E402

SECRET = "bench-secret"  # noqa: S105  (the loopback AMI peer's own)
PASSWORD = "bench-password"  # noqa: S105  (alice's, in the benchmark's own database)


class AmiPeer:
    """Enough of Asterisk's manager interface for the connector to log in and listen."""

    def __init__(self) -> None:
        self.writer: asyncio.StreamWriter | None = None
        self.logged_in = asyncio.Event()
        self.server: asyncio.base_events.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.server is not None:
            self.server.close()

    async def send(self, event: dict[str, str]) -> None:
        assert self.writer is not None
        lines = "".join(f"{key}: {value}\r\n" for key, value in event.items())
        self.writer.write((lines + "\r\n").encode())
        await self.writer.drain()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"Asterisk Call Manager/9.0.0\r\n")
        buffer = b""
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            await self._exchange(reader, writer, buffer)

    async def _exchange(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, buffer: bytes
    ) -> None:
        while data := await reader.read(65536):
            buffer += data
            while b"\r\n\r\n" in buffer:
                frame, buffer = buffer.split(b"\r\n\r\n", 1)
                fields = dict(
                    line.split(": ", 1) for line in frame.decode().split("\r\n") if ": " in line
                )
                writer.write(self._answer(fields))
                if fields.get("Action") == "Login":
                    self.writer = writer
                    self.logged_in.set()
            await writer.drain()

    @staticmethod
    def _answer(action: dict[str, str]) -> bytes:
        action_id = action.get("ActionID", "")
        name = action.get("Action", "")
        if name in ("QueueStatus", "CoreShowChannels"):
            return (
                f"Response: Success\r\nActionID: {action_id}\r\nEventList: start\r\n\r\n"
                f"Event: {name}Complete\r\nActionID: {action_id}\r\nEventList: Complete\r\n\r\n"
            ).encode()
        return f"Response: Success\r\nActionID: {action_id}\r\nPing: Pong\r\n\r\n".encode()


def consultant_session() -> str:
    """Alice with line 1001, and her browser's session cookie."""
    from django.contrib.auth.models import Group, User

    from hotline_asterisk_connector.models import ConsultantLine

    alice = User.objects.create_user("alice", password=PASSWORD)
    alice.groups.add(Group.objects.get(name="consultant"))
    ConsultantLine.objects.create(
        user=alice,
        extension="1001",
        webrtc_password="w",  # noqa: S106
        sip_password="s",  # noqa: S106
    )
    return session_cookie("alice", PASSWORD)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call_events(number: int) -> tuple[list[dict], dict, dict]:
    linkedid = f"bench-{number}"
    channel = {
        "Channel": f"PJSIP/trunk-ks-{number:08x}",
        "Uniqueid": linkedid,
        "Linkedid": linkedid,
        "CallerIDNum": f"067{number:07d}",
        "CallerIDName": "Олена",
    }
    before = [
        {"Event": "UserEvent", "UserEvent": "HotlineInbound", "Did": "+380800500123", **channel},
        {"Event": "QueueCallerJoin", "Queue": "hotline", "Position": "1", **channel},
    ]
    called = {
        "Event": "AgentCalled",
        "Queue": "hotline",
        "Interface": "Local/1001@hotline-consultant",
        "MemberName": "alice",
        "DestChannel": f"Local/1001@hotline-consultant-{number:08x};1",
        "DestUniqueid": f"{linkedid}.leg",
        **channel,
    }
    hangup = {"Event": "Hangup", "Cause": "16", **channel}
    return before, called, hangup


async def measure(calls: int, redis: str | None) -> list[float]:
    peer = AmiPeer()
    ami_port = await peer.start()
    web_port = free_port()
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "HOTLINE_AMI_HOST": "127.0.0.1",
        "HOTLINE_AMI_PORT": str(ami_port),
        "HOTLINE_AMI_SECRET": SECRET,
        "HOTLINE_EMBEDDED_CONNECTOR": "0" if redis else "1",
    }
    if redis:
        env["REDIS_URL"] = redis
    log = open(Path(os.environ["HOTLINE_VAR_DIR"]) / "web.log", "ab")  # noqa: SIM115
    processes = [start_daphne(web_port, env, log)]
    if redis:
        processes.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "run_connector"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
        )
    try:
        await asyncio.wait_for(peer.logged_in.wait(), 60)
        cookie = await asyncio.to_thread(consultant_session)
        page = await WebSocket.open_desk(web_port, cookie)
        latencies = []
        for number in range(calls):
            before, called, hangup = call_events(number)
            for event in before:
                await peer.send(event)
            sent = time.perf_counter()
            await peer.send(called)
            while True:
                message = await asyncio.wait_for(page.receive(), 30)
                if message.get("type") == "call.ringing":
                    break
            latencies.append((time.perf_counter() - sent) * 1000)
            assert message["call"]["linkedid"] == called["Linkedid"]
            await peer.send(hangup)
            await asyncio.sleep(0.02)
        return latencies
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        await peer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--redis", nargs="?", const="redis://127.0.0.1:6379/9", default=None)
    arguments = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="hotline-bench-")
    setup_django(scratch)
    latencies = asyncio.run(measure(arguments.calls, arguments.redis))
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    mode = "Daphne + run_connector + Redis" if arguments.redis else "embedded (one Daphne)"
    from django.db import connection

    print(f"{mode}; {len(latencies)} pops; {connection.vendor}")
    print(
        f"AMI AgentCalled → websocket call.ringing: p50 {statistics.median(latencies):.1f} ms, "
        f"p95 {p95:.1f} ms, max {latencies[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
