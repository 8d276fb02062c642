"""The "VPS" of the deploy tests: a fresh Debian 12 root (debootstrap) where
deploy/install.sh ran, and its services started from the installed units.

The root runs in namespaces of its own (see tests/support/debian_root.py): the
packages are downloaded first with this host's network, the install itself
runs with none but the "VPS" interface, so its PostgreSQL, Redis and ports
never meet this machine's. One VPS serves the whole test session (the install
takes minutes): tests/deploy/conftest.py holds it.
"""

import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

from tests.support import debian_root, units

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "hotline.test"
CARRIER = "198.51.100.10"
SOURCE = "/src/hotline"
ARTEFACTS = ROOT / "test-artifacts" / "install"
ENVIRONMENT = [
    "env",
    "-i",
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME=/root",
    "LANG=C.UTF-8",
    # Offline inside: what phase one downloaded.
    "PIP_NO_INDEX=1",
    "PIP_FIND_LINKS=/var/cache/hotline-wheels",
    "npm_config_offline=true",
    "HOTLINE_ASTERISK_ROOT_CACHE=/var/cache/hotline-asterisk-root",
    "HOTLINE_INSTALL_NO_START=1",
]
CA = "/var/lib/caddy/.local/share/caddy/pki/authorities/local/root.crt"
# What the installed units start, in this order (systemd's After=); PostgreSQL
# runs already: the installer started it (pg_ctlcluster, as without systemd).
SERVICES = (
    "/lib/systemd/system/redis-server.service",
    "/etc/systemd/system/hotline-asterisk.service",
    "/etc/systemd/system/hotline-web.service",
    "/etc/systemd/system/hotline-connector.service",
    "/lib/systemd/system/caddy.service",
    # Port 443, after Caddy (hotline-tls-split.service).
    "/etc/systemd/system/hotline-tls-split.service",
)
TURN_SERVICES = (
    "/etc/systemd/system/hotline-turn-cert.service",
    "/lib/systemd/system/coturn.service",
)


def packages() -> list[str]:
    listed = subprocess.run(
        ["bash", "-c", f'source {ROOT}/deploy/lib.sh && echo "${{PACKAGES[@]}}"'],
        capture_output=True,
        text=True,
        check=True,
    )
    return listed.stdout.split()


def download_wheels(directory: Path) -> None:
    """The app's Python packages for the root's Python 3.11, once per pyproject.toml."""
    stamp = directory / ".pyproject"
    wanted = (ROOT / "pyproject.toml").read_text()
    if stamp.is_file() and stamp.read_text() == wanted:
        return
    directory.mkdir(parents=True, exist_ok=True)
    python = "/usr/bin/python3.11"
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "download",
            "--quiet",
            "-d",
            directory,
            "pip",
            "setuptools>=68",
            "wheel",
            ROOT,
        ],
        check=True,
        cwd=directory,
    )
    stamp.write_text(wanted)


def make_machine(scratch: Path) -> debian_root.Machine:
    """A fresh root with the packages downloaded (phase one), not yet installed."""
    downloads = debian_root.DOWNLOADS
    for name in ("apt", "wheels"):
        (downloads / name).mkdir(parents=True, exist_ok=True)
    download_wheels(downloads / "wheels")
    (Path.home() / ".npm").mkdir(exist_ok=True)
    machine = debian_root.Machine(
        scratch,
        {
            SOURCE: ROOT,
            "/var/cache/apt/archives": downloads / "apt",
            "/var/cache/hotline-wheels": downloads / "wheels",
            "/var/cache/hotline-asterisk-root": debian_root.CACHE / "asterisk-root",
            "/root/.npm": Path.home() / ".npm",
        },
    )
    try:
        # Phase one, with this host's network: package lists and .deb files only.
        machine.fetch(["chroot", machine.root, "apt-get", "update", "-qq"])
        machine.fetch(
            [
                "chroot",
                machine.root,
                "apt-get",
                "install",
                "-y",
                "-qq",
                "--download-only",
                "--no-install-recommends",
                *packages(),
            ],
            stdout=subprocess.DEVNULL,
        )
    except BaseException:
        machine.close()
        raise
    return machine


def keep_logs(machine: debian_root.Machine) -> None:
    """Asterisk's own log, for whoever reads a failure."""
    log = machine.view / "var/lib/hotline/asterisk/log/messages.log"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    if log.is_file():
        (ARTEFACTS / "asterisk-messages.log").write_bytes(log.read_bytes())


def install(machine, *options: str) -> SimpleNamespace:
    started = time.monotonic()
    result = subprocess.run(
        machine.command([*ENVIRONMENT, f"{SOURCE}/deploy/install.sh", *options]),
        capture_output=True,
        text=True,
    )
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / f"install-{len(list(ARTEFACTS.glob('install-*')))}.log").write_text(
        result.stdout + result.stderr
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return SimpleNamespace(output=result.stdout, seconds=time.monotonic() - started)


def home_of(machine, user: str) -> str:
    for line in (machine.view / "etc/passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == user:
            return fields[5]
    raise AssertionError(f"no user {user}")


def start_unit(machine, path: str, logs: Path) -> subprocess.Popen:
    unit = units.parse(machine.view / path.lstrip("/"))
    argv = units.command(unit, machine.root, machine.view, home_of(machine, unit.user))
    # A fresh clone has no test-artifacts/ yet.
    logs.mkdir(parents=True, exist_ok=True)
    return machine.spawn(argv, logs / f"{Path(path).stem}.log")


def curl(machine, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        machine.command(["curl", "-sS", "--max-time", "20", "--cacert", CA, *arguments]),
        capture_output=True,
        text=True,
    )


def wait_for(check, what: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while not (value := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)
    return value


def start_services(machine) -> SimpleNamespace:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    started = {Path(path).stem: start_unit(machine, path, ARTEFACTS) for path in SERVICES}

    def site_answers() -> bool:
        # 502 from Caddy until Daphne has loaded Django.
        status = curl(machine, "-o", "/dev/null", "-w", "%{http_code}", f"https://{DOMAIN}/login/")
        return status.stdout == "200"

    wait_for(lambda: (machine.view / CA.lstrip("/")).is_file(), "Caddy's local CA")
    wait_for(site_answers, "the site over HTTPS", seconds=240)
    # TURN over TLS needs the certificate Caddy now has: the timer's job, then coturn.
    cert = start_unit(machine, TURN_SERVICES[0], ARTEFACTS)
    assert cert.wait(timeout=60) == 0, (ARTEFACTS / "hotline-turn-cert.log").read_text()
    started["coturn"] = start_unit(machine, TURN_SERVICES[1], ARTEFACTS)
    return SimpleNamespace(processes=started)
