"""deploy/install.sh on a fresh Debian 12 root (debootstrap), then its services
started from the installed units, then the upgrade (the uninstall is last, in
test_uninstall.py). The VPS itself: tests/deploy/vps.py and conftest.py.
"""

import re
import subprocess
from pathlib import Path

import pytest

from tests.deploy.vps import CA, CARRIER, DOMAIN, ENVIRONMENT, curl, install, wait_for
from tests.support import units

pytestmark = pytest.mark.asterisk


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


def test_plain_http_is_sent_to_https_on_443_not_to_caddys_own_port(machine, services):
    # Caddy's HTTPS is on 8443 behind HAProxy's 443 (hotline-tls-split.service).
    answer = curl(
        machine, "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", f"http://{DOMAIN}/login/"
    )
    assert answer.stdout == f"301 https://{DOMAIN}/login/", answer.stdout + answer.stderr


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


def asterisk_cli(machine, command: str) -> str:
    """The installed unit's own command, asked for `command` (asterisk -rx)."""
    unit = units.parse(machine.view / "etc/systemd/system/hotline-asterisk.service")
    run_sh, instance = unit.exec_start[:2]
    settings = [f"{key}={value}" for key, value in unit.environment.items()]
    return machine.run(
        [*ENVIRONMENT, *settings, run_sh, instance, "-rx", command],
        capture_output=True,
        text=True,
    ).stdout


def test_asterisk_loads_the_production_configuration_without_errors_and_not_as_root(
    machine, services
):
    booted = wait_for(
        lambda: "fully booted" in asterisk_cli(machine, "core waitfullybooted").lower(),
        "Asterisk to boot",
    )
    assert booted
    log = (machine.view / "var/lib/hotline/asterisk/log/messages.log").read_text()
    errors = [line for line in log.splitlines() if " ERROR[" in line]
    assert not errors, "\n".join(errors)
    transports = asterisk_cli(machine, "pjsip show transports")
    for name in ("transport-udp", "transport-tcp", "transport-ws"):
        assert name in transports, transports
    pbx_uid = next(
        int(line.split(":")[2])
        for line in (machine.view / "etc/passwd").read_text().splitlines()
        if line.startswith("hotline-pbx:")
    )
    namespace = machine.namespace()
    uids = {
        int(re.search(r"^Uid:\s+(\d+)", (entry / "status").read_text(), re.M).group(1))
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit()
        and machine.owns(entry, namespace)
        and (entry / "comm").read_text().strip() == "asterisk"
    }
    # The one Asterisk of the unit, running as its own user (-U), never root.
    assert uids == {pbx_uid}, uids


def test_the_sip_websocket_reaches_asterisk_through_caddy(machine, services):
    """What the browser phone opens: wss://DOMAIN/sip-ws, Asterisk's /ws behind Caddy."""
    upgrade = curl(
        machine,
        *("--http1.1", "--dump-header", "-", "-o", "/dev/null", "--max-time", "5"),
        *("-H", "Connection: Upgrade", "-H", "Upgrade: websocket"),
        *("-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="),
        *("-H", "Sec-WebSocket-Protocol: sip"),
        f"https://{DOMAIN}/sip-ws",
    )
    # curl then waits on the open WebSocket until --max-time: only the answer counts.
    headers = upgrade.stdout.lower()
    assert headers.startswith("http/1.1 101 switching protocols"), upgrade.stdout + upgrade.stderr
    assert "sec-websocket-protocol: sip" in headers, upgrade.stdout


def test_coturn_serves_turn_over_tls_with_the_certificate_caddy_keeps(machine, services):
    handshake = subprocess.run(
        machine.command(
            [
                *("openssl", "s_client", "-connect", "127.0.0.1:5349", "-servername", DOMAIN),
                *("-verify_hostname", DOMAIN, "-CAfile", CA, "-verify_return_error", "-brief"),
            ]
        ),
        input="",
        capture_output=True,
        text=True,
    )
    assert handshake.returncode == 0, handshake.stdout + handshake.stderr
    assert "Verification: OK" in handshake.stdout + handshake.stderr
