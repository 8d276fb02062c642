"""A network namespace of the test's own, for WebRTC between Chromium and Asterisk.

Asterisk never offers 127.0.0.0/8 or ::1 as ICE candidates and Chromium
gathers none on a loopback-only host, so a browser call never connects on
plain loopback. Inside a namespace created here there is `lo` plus a veth
pair whose both ends stay inside, carrying one private address: the
browser and Asterisk meet on it, and no packet can reach any interface of
the machine, since the namespace has no link to the outside at all.

Processes join it through `nsenter --net=…`. The web app and the database
stay outside; `Bridge` carries single TCP ports across, with sockets that
a helper thread creates inside the namespace (a network namespace belongs
to a thread, and a socket keeps the namespace it was made in).
"""

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# A benchmarking range (RFC 2544), never routed anywhere; and only ever
# configured inside the namespace below.
ADDRESS = "198.18.0.1"
PEER_ADDRESS = "198.18.0.2"

_SETUP = f"""
set -e
ip link set lo up
ip link add hl0 type veth peer name hl1
ip addr add {ADDRESS}/30 dev hl0
ip addr add {PEER_ADDRESS}/30 dev hl1
ip link set hl0 up
ip link set hl1 up
# Only the one IPv4 address: no link-local IPv6 candidates to try in vain.
for link in hl0 hl1; do echo 1 > /proc/sys/net/ipv6/conf/$link/disable_ipv6 || true; done
echo ready
exec sleep infinity
"""


CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def enter(fd: int) -> None:
    """setns(2) for the calling thread (os.setns needs Python 3.12; Debian 12 has 3.11)."""
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))


class NetworkNamespace:
    """Lives as long as its holder process; killing that process deletes it."""

    def __init__(self) -> None:
        self._holder = subprocess.Popen(
            ["unshare", "--net", "--", "sh", "-c", _SETUP],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        line = self._holder.stdout.readline().strip()
        if line != "ready":
            self._holder.kill()
            raise RuntimeError(
                "could not create the test network namespace: " + self._holder.stderr.read()
            )
        self.path = Path(f"/proc/{self._holder.pid}/ns/net")
        self._fd = os.open(self.path, os.O_RDONLY)

    def command(self, argv: list[str]) -> list[str]:
        """`argv` run inside the namespace."""
        return ["nsenter", f"--net={self.path}", "--", *argv]

    def wrapper_script(self, directory: Path, program: str) -> Path:
        """An executable that runs `program` inside the namespace (for Playwright)."""
        script = directory / Path(program).name
        script.write_text(f'#!/bin/sh\nexec nsenter --net={self.path} -- {program} "$@"\n')
        script.chmod(0o755)
        return script

    def socket(self, family: int = socket.AF_INET, kind: int = socket.SOCK_STREAM):
        """A socket that belongs to the namespace."""
        made: list[socket.socket] = []
        errors: list[BaseException] = []

        def make() -> None:
            try:
                enter(self._fd)  # this thread only, and it ends here
                made.append(socket.socket(family, kind))
            except BaseException as error:  # re-raised in the calling thread
                errors.append(error)

        thread = threading.Thread(target=make, name="netns-socket")
        thread.start()
        thread.join()
        if errors:
            raise errors[0]
        return made[0]

    def close(self) -> None:
        os.close(self._fd)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._holder.pid, signal.SIGKILL)
        self._holder.wait()
        self._holder.stdout.close()
        self._holder.stderr.close()


class Bridge:
    """TCP ports carried between the host's loopback and the namespace's, both ways."""

    def __init__(self, namespace: NetworkNamespace) -> None:
        self.namespace = namespace
        self.loop = asyncio.new_event_loop()
        self._servers: list[asyncio.base_events.Server] = []
        self._ns_sockets = ThreadPoolExecutor(max_workers=1, thread_name_prefix="netns-bridge")
        self._thread = threading.Thread(target=self.loop.run_forever, name="netns-bridge")
        self._thread.start()

    def into_namespace(self, port: int) -> int:
        """Listen on a free host port; connections reach 127.0.0.1:`port` in the namespace."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        self._serve(listener, lambda: self._connect_in_namespace(port))
        return listener.getsockname()[1]

    def out_of_namespace(self, port: int) -> None:
        """Listen on 127.0.0.1:`port` in the namespace; connections reach the host's same port."""
        listener = self.namespace.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        self._serve(listener, lambda: asyncio.open_connection("127.0.0.1", port))

    def close(self) -> None:
        async def stop() -> None:
            for server in self._servers:
                server.close()
            for task in asyncio.all_tasks() - {asyncio.current_task()}:
                task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self._ns_sockets.shutdown()

    def _serve(self, listener: socket.socket, connect) -> None:
        listener.listen(64)
        listener.setblocking(False)

        async def start() -> None:
            async def handle(reader, writer) -> None:
                try:
                    target_reader, target_writer = await connect()
                except OSError:
                    writer.close()
                    return
                await asyncio.gather(_pipe(reader, target_writer), _pipe(target_reader, writer))

            self._servers.append(await asyncio.start_server(handle, sock=listener))

        asyncio.run_coroutine_threadsafe(start(), self.loop).result(timeout=10)

    async def _connect_in_namespace(self, port: int):
        sock = await self.loop.run_in_executor(self._ns_sockets, self.namespace.socket)
        sock.setblocking(False)
        try:
            await self.loop.sock_connect(sock, ("127.0.0.1", port))
        except OSError:
            sock.close()
            raise
        return await asyncio.open_connection(sock=sock)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, OSError):
            writer.close()
