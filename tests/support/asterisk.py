"""The real Asterisk for integration tests: one per test session, on free loopback ports.

    instance = AsteriskInstance(tmp_dir)    # ports, directories, AMI users of its own
    instance.start(instance.config())       # render, asterisk/run.sh -f, wait until booted
    instance.apply(instance.config(...))    # a test's configuration: render + reload, as live
    instance.ami                            # tests/support/ami.Ami, every event kept
    instance.cli("queue show hotline")
    instance.reset()                        # between tests: no calls, no queue members
    instance.stop()

The pytest fixtures `asterisk` (session) and `pbx` (per test) in
tests/integration/conftest.py wrap this. Other suites reuse the class: a
browser test can start its own instance inside a network namespace, with
`command_prefix=("nsenter", f"--net={path}", "--")` and `bind` set to the
namespace's own address.

Everything Asterisk writes (config, logs, CDR database, recordings, voice
messages) lives under the instance's base directory; `collect_artefacts()`
copies the logs into test-artifacts/ when a test fails.
"""

import contextlib
import random
import shutil
import socket
import sqlite3
import subprocess
import time
from dataclasses import replace
from pathlib import Path

from django.conf import settings

from hotline_asterisk_connector.ami.client import AmiConfig
from hotline_asterisk_connector.pbx.apply import reload_modules, reload_plan
from hotline_asterisk_connector.pbx.config import (
    APPLY_READ,
    APPLY_WRITE,
    CONNECTOR_EVENTS,
    CONNECTOR_READ,
    CONNECTOR_WRITE,
    AmiUser,
    Network,
    Paths,
    PbxConfig,
)
from hotline_asterisk_connector.pbx.render import render_configuration
from tests.support.ami import Ami, AmiTimeout

REPOSITORY = Path(settings.BASE_DIR)
RUN = REPOSITORY / "asterisk" / "run.sh"
ARTEFACTS = REPOSITORY / "test-artifacts"
START_DEADLINE = 60.0

CONNECTOR_USER = "hotline-connector"
APPLY_USER = "hotline-apply"
TEST_USER = "hotline-test"


# Ports for test servers: below Asterisk's RTP blocks (free_rtp_range) and
# the kernel's ephemeral range (32768+), which connections everywhere on the
# machine take and give back all the time; tests of several suites run at once.
_SERVER_PORTS = range(10000, 20000)


def _can_bind(host: str, port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def free_port(host: str = "127.0.0.1", both: bool = False) -> int:
    """A port free on `host` now (TCP, and UDP too when `both`)."""
    for _ in range(200):
        port = random.choice(_SERVER_PORTS)
        if _can_bind(host, port, socket.SOCK_STREAM) and (
            not both or _can_bind(host, port, socket.SOCK_DGRAM)
        ):
            return port
    raise RuntimeError("no free port")


def free_rtp_range(host: str = "127.0.0.1", width: int = 400) -> tuple[int, int]:
    """A block of UDP ports for Asterisk's RTP, away from the kernel's ephemeral range."""
    for _ in range(50):
        start = random.randrange(20000, 30000, 2)
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            probe.bind((host, start))
        except OSError:
            continue
        finally:
            probe.close()
        return start, start + width
    raise RuntimeError("no free RTP range")


class AsteriskInstance:
    def __init__(
        self,
        base_dir: Path,
        bind: str = "127.0.0.1",
        command_prefix: tuple[str, ...] = (),
    ) -> None:
        self.base_dir = base_dir
        self.bind = bind
        self.command_prefix = command_prefix
        rtp_min, rtp_max = free_rtp_range(bind)
        self.network = Network(
            sip_bind=bind,
            sip_port=free_port(bind, both=True),
            rtp_port_min=rtp_min,
            rtp_port_max=rtp_max,
            http_bind=bind,
            http_port=free_port(bind),
            ami_bind=bind,
            ami_port=free_port(bind),
        )
        self.paths = Paths(
            instance=base_dir / "asterisk",
            recordings=base_dir / "recordings",
            voicemail=base_dir / "voicemail",
            custom_prompts=base_dir / "prompts",
        )
        # The connector's and the reloading user with production privileges,
        # and one for the tests that also runs CLI commands and sends test NOTIFYs.
        self.connector_user = AmiUser(
            CONNECTOR_USER, "connector-secret", CONNECTOR_READ, CONNECTOR_WRITE, CONNECTOR_EVENTS
        )
        self.apply_user = AmiUser(APPLY_USER, "apply-secret", APPLY_READ, APPLY_WRITE)
        self.test_user = AmiUser(TEST_USER, "test-secret", "all", "all")
        self.process: subprocess.Popen | None = None
        self.ami: Ami | None = None
        self.startup_log = ""

    # Configuration

    def config(self, **changes) -> PbxConfig:
        """A configuration for this instance; `changes` replace PbxConfig fields."""
        base = PbxConfig(
            paths=self.paths,
            network=self.network,
            ami_users=(self.connector_user, self.apply_user, self.test_user),
        )
        return replace(base, **changes)

    @property
    def connector_ami(self) -> AmiConfig:
        """What the connector would log in with (settings.HOTLINE_AMI_* for this instance)."""
        return AmiConfig(
            host=self.bind,
            port=self.network.ami_port,
            username=self.connector_user.name,
            secret=self.connector_user.secret,
            heartbeat_seconds=0,
        )

    def settings_overrides(self) -> dict:
        """Django settings that point the application at this instance."""
        return {
            "HOTLINE_AMI_HOST": self.bind,
            "HOTLINE_AMI_PORT": self.network.ami_port,
            "HOTLINE_AMI_USERNAME": self.connector_user.name,
            "HOTLINE_AMI_SECRET": self.connector_user.secret,
            "HOTLINE_AMI_APPLY_USERNAME": self.apply_user.name,
            "HOTLINE_AMI_APPLY_SECRET": self.apply_user.secret,
            "HOTLINE_ASTERISK_DIR": self.paths.instance,
            "RECORDINGS_DIR": self.paths.recordings,
            "VOICEMAIL_DIR": self.paths.voicemail,
            "PROMPTS_DIR": self.paths.custom_prompts,
            "HOTLINE_SIP_BIND": self.bind,
            "HOTLINE_SIP_PORT": self.network.sip_port,
            "HOTLINE_ASTERISK_HTTP_BIND": self.bind,
            "HOTLINE_ASTERISK_HTTP_PORT": self.network.http_port,
            "HOTLINE_RTP_PORT_MIN": self.network.rtp_port_min,
            "HOTLINE_RTP_PORT_MAX": self.network.rtp_port_max,
        }

    # Life cycle

    def start(self, config: PbxConfig | None = None) -> None:
        render_configuration(config or self.config())
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._console = (self.base_dir / "asterisk-console.log").open("ab")
        self.process = subprocess.Popen(
            [*self.command_prefix, str(RUN), str(self.paths.instance), "-f"],
            stdin=subprocess.DEVNULL,
            stdout=self._console,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_DEADLINE
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"Asterisk exited at start-up: {self.console_log()[-2000:]}")
            with contextlib.suppress(OSError, ConnectionError):
                self.ami = Ami(
                    self.bind, self.network.ami_port, self.test_user.name, self.test_user.secret
                )
                break
            if time.monotonic() > deadline:
                raise RuntimeError("Asterisk's AMI did not come up")
            time.sleep(0.1)
        self.cli("core waitfullybooted")
        self.startup_log = self.messages_log()

    def stop(self) -> None:
        if self.ami is not None:
            self.ami.close()
            self.ami = None
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self.cli("core stop now")
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def apply(self, config: PbxConfig) -> tuple[str, ...]:
        """Render `config` and reload what changed, as the settings pages do; return the files."""
        result = render_configuration(config)
        modules, needs_restart = reload_plan(result.changed)
        assert not needs_restart, f"a test changed {result.changed}: that needs a restart"
        if modules:
            import asyncio

            # As the reloading user, which every rendering keeps (another suite's
            # apply_configuration() renders manager.conf from settings alone).
            refusals = asyncio.run(reload_modules(modules, self.apply_ami))
            assert not refusals, refusals
        return result.changed

    @property
    def apply_ami(self) -> AmiConfig:
        return replace(
            self.connector_ami, username=self.apply_user.name, secret=self.apply_user.secret
        )

    @property
    def test_ami(self) -> AmiConfig:
        return AmiConfig(
            host=self.bind,
            port=self.network.ami_port,
            username=self.test_user.name,
            secret=self.test_user.secret,
            heartbeat_seconds=0,
        )

    def reset(self) -> None:
        """Between tests: hang up every channel, empty the queue, forget group counts."""
        assert self.ami is not None
        for channel in self.ami.action_list("CoreShowChannels"):
            self.ami.action("Hangup", Channel=channel["Channel"], Cause="16")
        self.wait_until(lambda: not self.ami.action_list("CoreShowChannels"), "no channels left")
        for member in self.ami.action_list("QueueStatus", Queue="hotline"):
            if member.event == "QueueMember":
                self.ami.action("QueueRemove", Queue="hotline", Interface=member["Location"])
        self.ami.action("QueueReset", Queue="hotline")

    def wait_until(self, check, what: str, timeout: float = 30.0, every: float = 0.1):
        """Poll Asterisk's state (not the clock) until `check()` is truthy."""
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AmiTimeout(f"waited {timeout:.0f} s for {what}")
            time.sleep(every)

    # Reading Asterisk's own records

    def cli(self, command: str) -> str:
        """Run a CLI command in the running Asterisk (asterisk -rx)."""
        result = subprocess.run(
            [*self.command_prefix, str(RUN), str(self.paths.instance), "-rx", command],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return result.stdout

    @property
    def log_dir(self) -> Path:
        return self.paths.instance / "log"

    def messages_log(self) -> str:
        path = self.log_dir / "messages.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def console_log(self) -> str:
        path = self.base_dir / "asterisk-console.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_mark(self) -> int:
        path = self.log_dir / "messages.log"
        return path.stat().st_size if path.exists() else 0

    def log_since(self, mark: int) -> str:
        path = self.log_dir / "messages.log"
        if not path.exists():
            return ""
        with path.open("rb") as file:
            file.seek(mark)
            return file.read().decode(errors="replace")

    def cdr(self, linkedid: str | None = None) -> list[dict]:
        """Rows of the CDR database (cdr_sqlite3_custom), oldest first."""
        database = self.log_dir / "master.db"
        if not database.exists():
            return []
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
            db.row_factory = sqlite3.Row
            query = "SELECT * FROM cdr"
            arguments: tuple = ()
            if linkedid is not None:
                query += " WHERE linkedid = ?"
                arguments = (linkedid,)
            return [dict(row) for row in db.execute(query + " ORDER BY AcctId", arguments)]

    def collect_artefacts(self, name: str) -> Path:
        """Copy logs (and the rendered configuration) to test-artifacts/<name>/."""
        target = ARTEFACTS / name
        target.mkdir(parents=True, exist_ok=True)
        for path in [*self.log_dir.glob("*.log"), self.base_dir / "asterisk-console.log"]:
            if path.exists():
                shutil.copy2(path, target / path.name)
        if self.paths.etc.exists():
            shutil.copytree(self.paths.etc, target / "etc", dirs_exist_ok=True)
        return target
