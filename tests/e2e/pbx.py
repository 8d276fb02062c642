"""Hotline's Asterisk for the browser tests, inside the test's network namespace.

Its configuration is rendered from the test database exactly as `make run`
renders it; it listens on its usual loopback ports, which inside the
namespace belong to this test alone. The web app (outside) reaches AMI
through a bridged port; Chromium and sipp, inside, reach it directly.
"""

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support import webapp
from tests.support.netns import Bridge, NetworkNamespace

ROOT = webapp.ROOT
BOOT_SECONDS = 60
SIP_PORT = 5060
HTTP_PORT = 8088
AMI_PORT = 5038


@dataclass
class Pbx:
    instance: Path
    process: subprocess.Popen
    ami_port_outside: int

    def cli(self, command: str) -> str:
        result = subprocess.run(
            ["asterisk/run.sh", str(self.instance), "-rx", command],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return result.stdout

    def stop(self) -> None:
        if self.process.poll() is None:
            self.cli("core stop now")
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def environment(workdir: Path) -> dict[str, str]:
    """Where the web app and the renderer keep this test's Asterisk files."""
    return {
        "HOTLINE_ASTERISK_DIR": str(workdir / "asterisk"),
        "HOTLINE_RECORDINGS_DIR": str(workdir / "recordings"),
        "HOTLINE_VOICEMAIL_DIR": str(workdir / "voicemail"),
        "HOTLINE_PROMPTS_DIR": str(workdir / "prompts"),
    }


def start(namespace: NetworkNamespace, bridge: Bridge, workdir: Path, logs: Path) -> Pbx:
    env = {
        **os.environ,
        "DATABASE_URL": webapp.database_url(),
        **environment(workdir),
        "HOTLINE_SIP_PORT": str(SIP_PORT),
        "HOTLINE_ASTERISK_HTTP_PORT": str(HTTP_PORT),
        "HOTLINE_AMI_PORT": str(AMI_PORT),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run(
        [os.fspath(Path(os.sys.executable)), "manage.py", "render_asterisk_config"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    instance = workdir / "asterisk"
    process = subprocess.Popen(
        namespace.command(["asterisk/run.sh", str(instance), "-f"]),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=(logs / "asterisk-console.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    pbx = Pbx(instance=instance, process=process, ami_port_outside=0)
    deadline = time.monotonic() + BOOT_SECONDS
    while "fully booted" not in pbx.cli("core waitfullybooted").lower():
        if process.poll() is not None or time.monotonic() > deadline:
            pbx.stop()
            raise RuntimeError(f"Asterisk did not boot; see {logs}")
        time.sleep(0.2)
    pbx.ami_port_outside = bridge.into_namespace(AMI_PORT)
    return pbx


SCENARIOS = Path(__file__).parent / "scenarios"
# The carriers, each on a loopback address of its own inside the namespace.
TOLL_FREE_ADDRESS = "127.0.0.11"
TOLL_FREE_NUMBER = "0800500001"
MOBILE_ADDRESS = "127.0.0.12"
MOBILE_NUMBER = "0671000000"
CARRIER_PORT = 5070
DEADLINE = 60.0


def wait_for(check, what: str, seconds: float = DEADLINE):
    """Poll until `check()` is truthy and return it; fail after a generous deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def sipp(namespace: NetworkNamespace, logs: Path, name: str, arguments: list[str]):
    """sipp inside the namespace, echoing the audio it gets; its messages kept in `logs`."""
    return subprocess.Popen(
        namespace.command(
            [
                "sipp",
                *arguments,
                "-rtp_echo",
                "-m",
                "1",
                "-nostdin",
                "-trace_err",
                "-error_file",
                str(logs / f"{name}-errors.log"),
                "-trace_msg",
                "-message_file",
                str(logs / f"{name}-messages.log"),
            ]
        ),
        stdout=(logs / f"{name}.log").open("ab"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


def carrier_call(namespace: NetworkNamespace, logs: Path, caller: str) -> subprocess.Popen:
    """The 0-800 provider hands over one call from `caller`."""
    return sipp(
        namespace,
        logs,
        "caller",
        [
            f"127.0.0.1:{SIP_PORT}",
            "-sf",
            str(SCENARIOS / "carrier_caller.xml"),
            "-s",
            TOLL_FREE_NUMBER,
            "-set",
            "caller",
            caller,
            "-i",
            TOLL_FREE_ADDRESS,
            "-p",
            str(CARRIER_PORT),
            "-mp",
            "16000",
        ],
    )


def callee(namespace: NetworkNamespace, logs: Path) -> subprocess.Popen:
    """The mobile carrier's side: answers the one call a consultant places."""
    return sipp(
        namespace,
        logs,
        "callee",
        [
            "-sf",
            str(SCENARIOS / "callee.xml"),
            "-i",
            MOBILE_ADDRESS,
            "-p",
            str(CARRIER_PORT),
            "-mp",
            "17000",
        ],
    )
