"""deploy/install.sh on a fresh Debian 12 root (debootstrap), then its services
started from the installed units, then the upgrade and the uninstall.

The root runs in namespaces of its own (see tests/support/debian_root.py): the
packages are downloaded first with this host's network, the install itself
runs with none but a dummy "VPS" interface, so its PostgreSQL, Redis and ports
never meet this machine's.
"""

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.support import debian_root, units

pytestmark = pytest.mark.asterisk

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


@pytest.fixture(scope="module")
def machine(tmp_path_factory) -> Iterator[debian_root.Machine]:
    downloads = debian_root.DOWNLOADS
    for name in ("apt", "wheels"):
        (downloads / name).mkdir(parents=True, exist_ok=True)
    download_wheels(downloads / "wheels")
    (Path.home() / ".npm").mkdir(exist_ok=True)
    machine = debian_root.Machine(
        tmp_path_factory.mktemp("vps"),
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
        yield machine
    finally:
        # Asterisk's own log, for whoever reads a failure.
        log = machine.view / "var/lib/hotline/asterisk/log/messages.log"
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        if log.is_file():
            (ARTEFACTS / "asterisk-messages.log").write_bytes(log.read_bytes())
        machine.close()


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


@pytest.fixture(scope="module")
def installed(machine) -> SimpleNamespace:
    first = install(machine, "--domain", DOMAIN, "--tls-internal", "--carriers", CARRIER)
    print(f"\ninstall on a fresh Debian 12 root: {first.seconds:.0f} s")
    return first


def home_of(machine, user: str) -> str:
    for line in (machine.view / "etc/passwd").read_text().splitlines():
        fields = line.split(":")
        if fields[0] == user:
            return fields[5]
    raise AssertionError(f"no user {user}")


def start_unit(machine, path: str, logs: Path) -> subprocess.Popen:
    unit = units.parse(machine.view / path.lstrip("/"))
    argv = units.command(unit, machine.root, machine.view, home_of(machine, unit.user))
    return machine.spawn(argv, logs / f"{Path(path).stem}.log")


def curl(machine, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        machine.command(["curl", "-sS", "--max-time", "20", "--cacert", CA, *arguments]),
        capture_output=True,
        text=True,
    )


def wait_for(check, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def services(machine, installed) -> SimpleNamespace:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for path in (
        "/lib/systemd/system/redis-server.service",
        "/etc/systemd/system/hotline-asterisk.service",
        "/etc/systemd/system/hotline-web.service",
        "/etc/systemd/system/hotline-connector.service",
        "/lib/systemd/system/caddy.service",
    ):
        start_unit(machine, path, ARTEFACTS)

    def site_answers() -> bool:
        # 502 from Caddy until Daphne has loaded Django.
        status = curl(machine, "-o", "/dev/null", "-w", "%{http_code}", f"https://{DOMAIN}/login/")
        return status.stdout == "200"

    wait_for(lambda: (machine.view / CA.lstrip("/")).is_file(), "Caddy's local CA")
    wait_for(site_answers, "the site over HTTPS", seconds=240)
    return SimpleNamespace()


def test_install_completes_and_prints_the_first_password_in_ukrainian(installed):
    assert "Встановлення завершено" in installed.output
    assert re.search(r"користувач «admin», пароль: \S{12,}", installed.output)
    assert f"https://{DOMAIN}/" in installed.output


def test_secrets_are_in_a_file_only_root_may_read(machine, installed):
    env_file = machine.view / "etc/hotline/hotline.env"
    info = env_file.stat()
    assert (info.st_mode & 0o777, info.st_uid) == (0o600, 0)
    values = units.read_environment_file(env_file)
    assert values["HOTLINE_PRODUCTION"] == "1"
    for secret in (
        "SECRET_KEY",
        "HOTLINE_AMI_SECRET",
        "HOTLINE_AMI_STATUS_SECRET",
        "HOTLINE_TURN_SECRET",
        "HOTLINE_DB_PASSWORD",
    ):
        assert len(values[secret]) >= 30, secret
    assert values["ALLOWED_HOSTS"] == DOMAIN
    assert values["HOTLINE_WEBRTC_WS_URL"] == f"wss://{DOMAIN}/sip-ws"


def test_the_site_answers_over_https_and_the_administrator_signs_in(machine, services, installed):
    password = re.search(r"пароль: (\S+)", installed.output).group(1)
    jar = "/tmp/cookies"
    page = curl(machine, "-c", jar, f"https://{DOMAIN}/login/")
    assert page.returncode == 0, page.stderr
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.stdout)
    assert token, page.stdout[:2000]
    token = token.group(1)
    signed_in = curl(
        machine,
        "-b",
        jar,
        "-c",
        jar,
        "-o",
        "/dev/null",
        "-w",
        "%{http_code} %{redirect_url}",
        "-H",
        f"Referer: https://{DOMAIN}/login/",
        "--data-urlencode",
        f"csrfmiddlewaretoken={token}",
        "--data-urlencode",
        "username=admin",
        "--data-urlencode",
        f"password={password}",
        f"https://{DOMAIN}/login/",
    )
    code, _, target = signed_in.stdout.partition(" ")
    # The password is right; an administrator's next step is her phone's second factor.
    assert (code, target) == ("302", f"https://{DOMAIN}/login/enrol/"), signed_in.stdout


def test_an_upgrade_keeps_the_secrets_and_the_password(machine, installed):
    env_file = machine.view / "etc/hotline/hotline.env"
    before = units.read_environment_file(env_file)
    again = install(machine)
    assert "Оновлення завершено" in again.output
    assert "пароль:" not in again.output
    after = units.read_environment_file(env_file)
    for secret in (
        "SECRET_KEY",
        "HOTLINE_AMI_SECRET",
        "HOTLINE_TURN_SECRET",
        "HOTLINE_DB_PASSWORD",
    ):
        assert after[secret] == before[secret]
    assert CARRIER in (machine.view / "etc/hotline/nftables.conf").read_text()


def test_uninstall_leaves_the_data(machine, installed):
    # Last in the module: the services' files go.
    machine.run([*ENVIRONMENT, f"{SOURCE}/deploy/uninstall.sh"], capture_output=True)
    assert not (machine.view / "etc/systemd/system/hotline-web.service").exists()
    assert not (machine.view / "opt/hotline/app").exists()
    assert (machine.view / "var/lib/hotline").is_dir()
    assert (machine.view / "etc/hotline/hotline.env").is_file()
    databases = machine.run(
        ["runuser", "-u", "postgres", "--", "psql", "-Atc", "select datname from pg_database"],
        capture_output=True,
        text=True,
    )
    assert "hotline" in databases.stdout.split()
