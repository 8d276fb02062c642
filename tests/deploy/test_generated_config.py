"""deploy/install.sh's generated configuration, checked by the tools that own it:
caddy validate, haproxy -c, nft -c, systemd-analyze verify, logrotate, and coturn itself,
started on the rendered file and asked for a relay with the credentials the
web app hands out."""

import os
import re
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.support import turn
from tests.support.netns import ADDRESS, PEER_ADDRESS, NetworkNamespace

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "hotline.example.org"
CARRIERS = "198.51.100.10,203.0.113.0/28,2001:db8::/48"
UNITS = [
    "hotline-web.service",
    "hotline-connector.service",
    "hotline-daily.service",
    "hotline-daily.timer",
    "hotline-asterisk.service",
    "hotline-firewall.service",
    "hotline-turn-cert.service",
    "hotline-turn-cert.timer",
    "hotline-tls-split.service",
]


def render(out: Path, *options: str) -> Path:
    env = {
        **os.environ,
        # Units that point at this checkout and users this machine has, so that
        # systemd-analyze and logrotate can check every path and name in them.
        "HOTLINE_APP_DIR": str(ROOT),
        "HOTLINE_VENV": str(ROOT / ".venv"),
        "HOTLINE_APP_USER": "root",
        "HOTLINE_PBX_USER": "root",
        "HOTLINE_LOCAL_ADDRESS": ADDRESS,
        "HOTLINE_TURN_SECRET": "turn-secret-of-the-test",
    }
    subprocess.run(
        [ROOT / "deploy" / "install.sh", "--render-only", out, "--domain", DOMAIN, *options],
        env=env,
        check=True,
    )
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    return render(tmp_path_factory.mktemp("rendered"), "--carriers", CARRIERS)


def check(argv: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_caddy_accepts_the_site_with_its_two_websocket_routes(rendered):
    caddyfile = rendered / "etc" / "caddy" / "Caddyfile"
    check(["caddy", "validate", "--config", caddyfile, "--adapter", "caddyfile"])
    text = caddyfile.read_text()
    assert f"{DOMAIN} {{" in text
    assert "tls internal" not in text
    assert "handle /sip-ws" in text and "reverse_proxy 127.0.0.1:8088" in text
    # /ws/... (the desk's Channels sockets) goes with everything else to Daphne.
    assert "reverse_proxy 127.0.0.1:8000" in text
    # 443 is HAProxy's: Caddy's HTTPS on loopback behind it, HTTP/3 (UDP) off,
    # and port 80 sends browsers to 443, not to Caddy's own port.
    assert "https_port 8443" in text and "bind 127.0.0.1 ::1" in text
    assert "protocols h1 h2" in text
    assert "redir https://{host}{uri} permanent" in text


def test_haproxy_accepts_the_split_of_port_443(rendered):
    config = rendered / "etc" / "hotline" / "haproxy.cfg"
    check(["haproxy", "-c", "-q", "-f", config])
    text = config.read_text()
    assert "bind 0.0.0.0:443" in text and "bind [::]:443 v6only" in text
    assert text.count("\tsource 0.0.0.0 usesrc clientip") == 2
    assert text.count("\tsource [::] usesrc clientip") == 2
    for server in ("127.0.0.1:8443", "[::1]:8443", "127.0.0.1:5349", "[::1]:5349"):
        assert f" {server}\n" in text, server


def test_a_test_installation_gets_a_certificate_of_caddys_own_ca(tmp_path):
    caddyfile = render(tmp_path, "--tls-internal") / "etc" / "caddy" / "Caddyfile"
    check(["caddy", "validate", "--config", caddyfile, "--adapter", "caddyfile"])
    assert "tls internal" in caddyfile.read_text()


def test_nftables_accepts_the_rules_and_opens_sip_to_the_carriers_only(rendered):
    rules = rendered / "etc" / "hotline" / "nftables.conf"
    # Checked (-c) inside a namespace of its own: nothing is ever loaded here.
    check(["unshare", "--net", "--", "nft", "-c", "-f", rules])
    text = rules.read_text()
    assert "elements = { 198.51.100.10, 203.0.113.0/28 }" in text
    assert "elements = { 2001:db8::/48 }" in text
    assert "policy drop;" in text
    sip_rules = [line.strip() for line in text.splitlines() if "dport 5060" in line]
    assert sip_rules and all(re.match(r"ip6? saddr @carriers[46] ", rule) for rule in sip_rules)
    # TURN on 3478 to all; TURN over TLS only through 443 (coturn's own 5349 and
    # Caddy's 8443 stay closed outside); no HTTP/3.
    assert "th dport 3478 accept" in text
    assert "tcp dport { 80, 443 } accept" in text
    assert "5349" not in text and "8443" not in text and "udp dport 443" not in text


def test_without_carriers_no_address_may_send_sip(tmp_path):
    rules = render(tmp_path) / "etc" / "hotline" / "nftables.conf"
    check(["unshare", "--net", "--", "nft", "-c", "-f", rules])
    assert "elements" not in rules.read_text()


def test_systemd_accepts_every_unit(rendered):
    units = [rendered / "etc" / "systemd" / "system" / unit for unit in UNITS]
    check(
        ["systemd-analyze", "verify", "--man=no", *units],
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "err"},
    )
    asterisk = (rendered / "etc/systemd/system/hotline-asterisk.service").read_text()
    # Asterisk drops root for its own user, and a stop waits for the calls to end.
    assert re.search(r"^ExecStart=.*/asterisk/run.sh \S+ -f -U \S+ -G \S+$", asterisk, re.M)
    assert "core stop when convenient" in asterisk
    # Asterisk's user could read its own environment: it gets none of the app's secrets.
    assert "\nEnvironmentFile=" not in asterisk
    web = (rendered / "etc/systemd/system/hotline-web.service").read_text()
    assert "--bind 127.0.0.1" in web and "EnvironmentFile=" in web


def test_logrotate_accepts_the_asterisk_logs(rendered):
    check(["logrotate", "--debug", rendered / "etc" / "logrotate.d" / "hotline"])


def test_no_placeholder_is_left_in_any_generated_file(rendered):
    for path in rendered.rglob("*"):
        if path.is_file():
            assert not re.search(r"@[A-Z0-9_]+@", path.read_text()), path


@pytest.fixture
def coturn(rendered, tmp_path):
    """coturn on the rendered file, inside a network namespace where the "VPS"
    (Asterisk's address) is ADDRESS and some other host is PEER_ADDRESS."""
    # The certificate Caddy obtains, which deploy/turn-cert.sh copies for coturn.
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    check(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={DOMAIN}",
            "-keyout",
            key,
            "-out",
            cert,
        ]
    )
    config = (rendered / "etc" / "turnserver.conf").read_text()
    assert "cert=/etc/hotline/turn/cert.pem" in config
    # Relays on the server's address, not the loopback HAProxy connects to.
    assert f"relay-ip={ADDRESS}" in config
    config = config.replace("/etc/hotline/turn/cert.pem", str(cert))
    config = config.replace("/etc/hotline/turn/key.pem", str(key))
    (tmp_path / "turnserver.conf").write_text(config)
    space = NetworkNamespace()
    log = tmp_path / "turnserver.log"
    server = subprocess.Popen(
        space.command(
            [
                "turnserver",
                "-c",
                str(rendered / "etc" / "turnserver.conf"),
                f"--pidfile={tmp_path / 'turnserver.pid'}",
                f"--log-file={log}",
                "--no-stdout-log",
            ]
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    yield SimpleNamespace(space=space, log=log, process=server)
    server.terminate()
    server.wait(timeout=10)
    space.close()


def turn_client(coturn, username: str, password: str) -> turn.TurnClient:
    client = turn.TurnClient((ADDRESS, 3478), username, password)
    client.sock.close()
    client.sock = coturn.space.socket(family=turn.socket.AF_INET, kind=turn.socket.SOCK_DGRAM)
    client.sock.settimeout(2)
    return client


def allocate_when_up(client: turn.TurnClient, coturn) -> turn.Response:
    deadline = time.monotonic() + 30
    while True:
        assert coturn.process.poll() is None, coturn.log.read_text()
        try:
            return client.allocate()
        except TimeoutError:
            if time.monotonic() > deadline:
                raise


@pytest.mark.django_db
def test_coturn_relays_for_the_web_apps_credentials_and_only_to_asterisk(coturn, alice, settings):
    from hotline_asterisk_connector.models import ConsultantLine
    from hotline_workspace.ice import turn_credentials

    settings.HOTLINE_TURN_SECRET = "turn-secret-of-the-test"
    line = ConsultantLine.objects.create(
        user=alice, extension="1001", webrtc_password="w", sip_password="s"
    )
    username, password = turn_credentials(line)

    stranger = turn_client(coturn, username, "not-the-password")
    refused = allocate_when_up(stranger, coturn)
    assert (refused.kind, refused.error_code) == ("error", 401)
    stranger.close()

    client = turn_client(coturn, username, password)
    allocated = client.allocate()
    assert allocated.kind == "success", allocated.attributes
    assert allocated.relayed_address[0] == ADDRESS
    # The relay may reach this server's Asterisk, and no other host.
    assert client.permit(ADDRESS).kind == "success"
    forbidden = client.permit(PEER_ADDRESS)
    assert (forbidden.kind, forbidden.error_code) == ("error", 403)
    client.close()

    # Credentials past their time are refused, though correctly signed.
    old = time.time() - 2 * settings.HOTLINE_TURN_TTL_SECONDS
    late = turn_client(coturn, *turn_credentials(line, now=old))
    assert late.allocate().kind == "error"
    late.close()
