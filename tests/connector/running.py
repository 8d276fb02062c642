"""The connector daemon running beside a synchronous test, on its own thread and loop."""

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from hotline_asterisk_connector.ami.client import AmiConfig
from hotline_asterisk_connector.connector import Connector

DEADLINE = 30.0
ROOT = Path(__file__).resolve().parents[2]
READY = b"Caught up with Asterisk"


class ConnectorThread:
    def __init__(self, config: AmiConfig) -> None:
        self.config = config
        self.loop = asyncio.new_event_loop()
        self.connector: Connector | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="test-connector", daemon=True)
        self.error: BaseException | None = None

    def start(self) -> "ConnectorThread":
        self._thread.start()
        if not self._ready.wait(DEADLINE):
            raise AssertionError("the connector thread did not start")
        self.wait_connected()
        return self

    def wait_connected(self) -> None:
        """Until the connector is logged in and has re-read Asterisk's state."""
        future = asyncio.run_coroutine_threadsafe(self._connected(), self.loop)
        future.result(DEADLINE)

    def stop(self) -> None:
        """SIGTERM's path: the stop event, then everything received is applied."""
        if self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(DEADLINE)
        assert not self._thread.is_alive(), "the connector did not stop"
        if self.error is not None:
            raise self.error

    async def _connected(self) -> None:
        assert self.connector is not None
        await self.connector.connected.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        except BaseException as error:  # handed to the test by stop()
            self.error = error
        finally:
            self.loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        self.connector = Connector(self.config)
        self._ready.set()
        await self.connector.run(self._stop)


def wait_for(check, what: str, timeout: float = DEADLINE, every: float = 0.05):
    """Poll (the database, usually) until `check()` returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(every)


def forget_call_records(asterisk) -> None:
    """Empty the session Asterisk's CDR table, so that the connector's recovery does
    not bring earlier tests' calls into this test's journal."""
    database = asterisk.log_dir / "master.db"
    if database.exists():
        with contextlib.closing(sqlite3.connect(database, timeout=10)) as db, db:
            db.execute("DELETE FROM cdr")


def connector_environment(asterisk) -> dict[str, str]:
    """Environment pointing a connector process (or the web app) at the test Asterisk."""
    return {
        "HOTLINE_AMI_HOST": asterisk.bind,
        "HOTLINE_AMI_PORT": str(asterisk.network.ami_port),
        "HOTLINE_AMI_USERNAME": asterisk.connector_user.name,
        "HOTLINE_AMI_SECRET": asterisk.connector_user.secret,
        "HOTLINE_ASTERISK_DIR": str(asterisk.paths.instance),
        "HOTLINE_RECORDINGS_DIR": str(asterisk.paths.recordings),
        "HOTLINE_VOICEMAIL_DIR": str(asterisk.paths.voicemail),
        "HOTLINE_RECORDS_SWEEP_SECONDS": "1",
    }


class Daemon:
    """`manage.py run_connector` as production runs it, on `database` (a URL; the
    test database by default)."""

    def __init__(self, asterisk, log: Path, database: str | None = None) -> None:
        from tests.support.webapp import database_url

        self.log = log
        self.env = {
            **os.environ,
            "DATABASE_URL": database or database_url(),
            "DJANGO_SETTINGS_MODULE": "hotline.settings",
            "PYTHONUNBUFFERED": "1",
            "HOTLINE_EMBEDDED_CONNECTOR": "0",
            **connector_environment(asterisk),
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        mark = self.caught_up()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_connector"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: self.caught_up() > mark, "the daemon caught up", 60)

    def caught_up(self) -> int:
        """How many times the daemon has caught up with Asterisk (once per AMI session)."""
        return self.log.read_bytes().count(READY) if self.log.exists() else 0

    def kill(self) -> None:
        """A crash: no goodbye, nothing flushed."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def terminate(self) -> int:
        assert self.process is not None
        self.process.terminate()
        return self.process.wait(timeout=30)

    def stop(self) -> None:
        """At the end of a test, passed or failed."""
        if self.process is not None and self.process.poll() is None:
            self.terminate()

    def reconcile(self, since: datetime) -> str:
        """`manage.py reconcile_journal --since` on the daemon's database and Asterisk's
        records, as an administrator runs it; its output (it exits 1 on a difference)."""
        result = subprocess.run(
            [sys.executable, "manage.py", "reconcile_journal", "--since", since.isoformat()],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return result.stdout + result.stderr
