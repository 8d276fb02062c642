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
