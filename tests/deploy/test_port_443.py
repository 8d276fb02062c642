"""Port 443 shared by HTTPS and TURN over TLS: the rendered HAProxy
configuration (hotline-tls-split.service) and hotline's routing rule
(deploy/firewall.sh, with the rendered nftables rules) on a "VPS" namespace,
and a client in another one, reached across a veth as from the internet.

Caddy and coturn are stood in for by TLS servers on their loopback ports
that say who connected and what ALPN was offered: the split itself is the
subject here. The real Caddy and coturn behind it, with Chromium's own TLS,
are tests/deploy/test_internet.py's.
"""

import contextlib
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.deploy.test_generated_config import DOMAIN, check, render
from tests.support import units
from tests.support.internet import Host

VPS4, HOME4 = "203.0.113.10", "203.0.113.20"
VPS6, HOME6 = "2001:db8::10", "2001:db8::20"
CADDY_PORT, COTURN_PORT = 8443, 5349
BROWSER_ALPN = ["h2", "http/1.1"]


class Backend:
    """A TLS server on loopback (IPv4 and IPv6) that answers each connection
    with its name, the address it came from and the ALPN it was offered."""

    def __init__(self, host: Host, name: str, port: int, certificate: Path, key: Path) -> None:
        self.name = name
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certificate, key)
        self.offered: list[list[str]] = []
        self.context.set_alpn_protocols(BROWSER_ALPN)
        self.listeners = []
        for family, address in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            listener = host.socket(socket.SOCK_STREAM, family)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((address, port))
            listener.listen()
            listener.settimeout(0.5)
            self.listeners.append(listener)
        self._stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._serve, args=(listener,), daemon=True)
            for listener in self.listeners
        ]
        for thread in self.threads:
            thread.start()

    def _serve(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                connection, peer = listener.accept()
            except TimeoutError:
                continue
            with contextlib.suppress(OSError), connection:
                connection.settimeout(5)
                with self.context.wrap_socket(connection, server_side=True) as tls:
                    alpn = tls.selected_alpn_protocol() or "-"
                    tls.sendall(f"{self.name} {peer[0]} {alpn}\n".encode())

    def close(self) -> None:
        self._stop.set()
        for thread in self.threads:
            thread.join(timeout=5)
        for listener in self.listeners:
            listener.close()


@pytest.fixture(scope="module")
def vps(tmp_path_factory) -> Iterator[SimpleNamespace]:
    rendered = render(tmp_path_factory.mktemp("rendered"), "--carriers", "198.51.100.10")
    scratch = tmp_path_factory.mktemp("tls")
    certificate, key = scratch / "cert.pem", scratch / "key.pem"
    check(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", f"/CN={DOMAIN}", "-keyout", key, "-out", certificate),
        ]
    )
    server, home = Host("vps"), Host("home")
    started: list = []
    readable = None
    try:
        link = ["ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth0"]
        check([*server.command(link), "netns", str(home.pid)])
        for host, address4, address6 in ((server, VPS4, HOME6), (home, HOME4, HOME6)):
            address6 = VPS6 if host is server else HOME6
            host.sh(
                f"""
                ip addr add {address4}/24 dev eth0
                ip addr add {address6}/64 dev eth0 nodad
                ip link set eth0 up
                """
            )
        # What hotline-firewall.service starts: nftables rules and the routing rule.
        firewall = units.parse(rendered / "etc/systemd/system/hotline-firewall.service")
        assert firewall.exec_start[0].endswith("/deploy/firewall.sh")
        rules = rendered / "etc/hotline/nftables.conf"
        check(server.command([*firewall.exec_start[:2], rules]))
        for name, port in (("caddy", CADDY_PORT), ("coturn", COTURN_PORT)):
            started.append(Backend(server, name, port, certificate, key))
        split = units.parse(rendered / "etc/systemd/system/hotline-tls-split.service")
        # Where the unit's user may read it (pytest's directories are root's alone).
        readable = Path(tempfile.mkdtemp(prefix="hotline-haproxy-"))
        readable.chmod(0o755)
        config = readable / "haproxy.cfg"
        config.write_text((rendered / "etc/hotline/haproxy.cfg").read_text())
        config.chmod(0o644)
        command = [
            str(config) if arg == "/etc/hotline/haproxy.cfg" else arg for arg in split.exec_start
        ]
        assert str(config) in command
        capabilities = ",".join(
            "+" + cap.lower().removeprefix("cap_") for cap in split.ambient_capabilities
        )
        haproxy = subprocess.Popen(
            server.command(
                [
                    *("setpriv", f"--reuid={split.user}", f"--regid={split.group}"),
                    *("--clear-groups", f"--inh-caps={capabilities}"),
                    f"--ambient-caps={capabilities}",
                    *command,
                ]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        yield SimpleNamespace(server=server, home=home, haproxy=haproxy)
        haproxy.terminate()
        haproxy.wait(timeout=10)
    finally:
        for backend in started:
            backend.close()
        if readable:
            shutil.rmtree(readable, ignore_errors=True)
        home.close()
        server.close()


def through_443(vps, address: str, alpn: list[str]) -> str:
    """What answers a TLS client at home that offers `alpn` to address:443."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if alpn:
        context.set_alpn_protocols(alpn)
    deadline = time.monotonic() + 20
    while True:
        assert vps.haproxy.poll() is None, vps.haproxy.stderr.read()
        client = vps.home.socket(socket.SOCK_STREAM, family)
        client.settimeout(5)
        try:
            client.connect((address, 443))
            break
        except ConnectionRefusedError:
            # HAProxy still starting.
            client.close()
            assert time.monotonic() < deadline, "nothing listens on 443"
            time.sleep(0.2)
    with context.wrap_socket(client, server_hostname=DOMAIN) as tls:
        return tls.recv(200).decode().strip()


@pytest.mark.parametrize(("vps_address", "home_address"), [(VPS4, HOME4), (VPS6, HOME6)])
def test_a_browsers_https_goes_to_caddy_from_the_browsers_own_address(
    vps, vps_address, home_address
):
    assert through_443(vps, vps_address, BROWSER_ALPN) == f"caddy {home_address} h2"


@pytest.mark.parametrize(("vps_address", "home_address"), [(VPS4, HOME4), (VPS6, HOME6)])
def test_turn_over_tls_offers_no_alpn_and_goes_to_coturn_from_its_own_address(
    vps, vps_address, home_address
):
    assert through_443(vps, vps_address, []) == f"coturn {home_address} -"


def test_a_clienthello_longer_than_a_packet_is_read_whole_before_the_choice(vps):
    # Chromium's, with its post-quantum key share, spans two TCP segments; the
    # ALPN list here pads it to about 2.5 kB, h2 at its end.
    padding = [f"x-padding-{number:02d}-{'p' * 200}" for number in range(12)]
    assert through_443(vps, VPS4, [*padding, "h2"]) == f"caddy {HOME4} h2"


def test_a_certificate_authoritys_tls_alpn_challenge_reaches_caddy(vps):
    # Let's Encrypt's tls-alpn-01 offers acme-tls/1 only; the backend here
    # declines it, so the handshake has no ALPN but reached Caddy's port.
    assert through_443(vps, VPS4, ["acme-tls/1"]) == f"caddy {HOME4} -"
