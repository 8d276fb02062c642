"""A consultant at home answers a carrier's call, across a simulated internet.

The VPS is the session's installed Debian 12 root (tests/deploy/conftest.py)
with its services started from the installed units, production settings
throughout (HOTLINE_PRODUCTION=1, PostgreSQL, the Redis channel layer) and its
own firewall (hotline-firewall.service) loaded. Around it, namespaces of the
test's own (tests/support/internet.py): the carrier with sipp, and a home
behind a NAT router where Chromium opens https://hotline.test, trusting the
CA of Caddy's `tls internal`, signs in, registers over WSS through Caddy's
/sip-ws, answers, and talks; sipp echoes the audio back.

Twice: with the home's network open, and with the home router letting
nothing out but TCP to port 443, where the only way left is a TURN relay over
TLS on 443, beside the site's HTTPS (HAProxy splits them,
hotline-tls-split.service). Both times the sign-in is audited with the home
router's public address: HAProxy and Caddy pass the browser's own address on.
"""

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.deploy import vps
from tests.deploy.test_install import asterisk_cli
from tests.e2e import pbx
from tests.support import browser
from tests.support.internet import (
    CARRIER_ADDRESS,
    HOME_ROUTER_ADDRESS,
    ROUTER_WAN_ADDRESS,
    VPS_ADDRESS,
    Internet,
    NameServer,
)

pytestmark = [pytest.mark.asterisk, pytest.mark.browser]

CONSULTANT = "olena"
PASSWORD = "olena-at-home-2026"
TOLL_FREE = "0800500001"
CARRIER_RTP_PORT = 16000
ARTEFACTS = vps.ROOT / "test-artifacts" / "internet"

# Once per session: test_upgrade builds the internet again and seeds again.
SEED = f"""
from django.contrib.auth.models import Group, User
from hotline_asterisk_connector.models import ConsultantLine, Operator, Trunk
if not User.objects.filter(username={CONSULTANT!r}).exists():
    olena = User.objects.create_user({CONSULTANT!r}, password={PASSWORD!r}, first_name="Олена")
    olena.groups.add(Group.objects.get(name="consultant"))
    ConsultantLine.objects.create(
        user=olena, extension="1001", webrtc_password="browser-phone-secret-1001",
        sip_password="smartphone-secret-1001",
    )
    Trunk.objects.create(
        name="tollfree", operator=Operator.TOLL_FREE, number={TOLL_FREE!r},
        host={CARRIER_ADDRESS!r}, port=5060, match={CARRIER_ADDRESS!r}, allow_outbound=False,
    )
"""

# The pair of ICE candidates the browser's call uses, from its WebRTC stats.
SELECTED_PAIR = """
async () => {
  const connection = window.hotlineDesk.phone.session.connection;
  const stats = await connection.getStats();
  let pair = null;
  stats.forEach((report) => {
    if (report.type === "transport" && report.selectedCandidatePairId) {
      pair = stats.get(report.selectedCandidatePairId);
    }
  });
  if (!pair) return null;
  const local = stats.get(pair.localCandidateId);
  const remote = stats.get(pair.remoteCandidateId);
  return {
    localType: local.candidateType,
    relayProtocol: local.relayProtocol || "",
    localAddress: local.address,
    turnUrl: local.url || "",
    remoteType: remote.candidateType,
    remoteAddress: remote.address,
    protocol: remote.protocol,
  };
}
"""

# Every report, for whoever reads a failure.
ALL_STATS = """
async () => {
  const stats = await window.hotlineDesk.phone.session.connection.getStats();
  return JSON.stringify([...stats.values()], null, 1);
}
"""

# What reaches sipp's media port: the RTP the carrier receives from the VPS.
CARRIER_COUNTER = f"""
table inet carrier_rtp {{
	chain input {{
		type filter hook input priority filter; policy accept;
		udp dport {CARRIER_RTP_PORT} counter
	}}
}}
"""


def manage(machine, *arguments: str) -> subprocess.CompletedProcess:
    return machine.run(
        [*vps.ENVIRONMENT, "/opt/hotline/app/deploy/manage.sh", *arguments],
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def internet(machine, services) -> Iterator[Internet]:
    firewall = vps.start_unit(machine, "/etc/systemd/system/hotline-firewall.service", ARTEFACTS)
    assert firewall.wait(timeout=30) == 0
    manage(machine, "shell", "-c", SEED)
    manage(machine, "render_asterisk_config", "--apply")
    net = Internet(machine.namespace_pid())
    names = NameServer(net.router, HOME_ROUTER_ADDRESS, {vps.DOMAIN: VPS_ADDRESS})
    net.carrier.nft(CARRIER_COUNTER)
    yield net
    names.close()
    net.close()


def carrier_rtp_received(net: Internet) -> int:
    listed = net.carrier.sh("nft list table inet carrier_rtp").stdout
    return int(listed.split("counter packets ")[1].split()[0])


@pytest.fixture(scope="module")
def trusted_home(machine, services, tmp_path_factory) -> Path:
    """A HOME whose NSS database trusts the CA of Caddy's `tls internal` (as a
    consultant's machine would trust a public CA)."""
    home = tmp_path_factory.mktemp("consultant-home")
    database = home / ".pki" / "nssdb"
    database.mkdir(parents=True)
    ca = home / "hotline-test-ca.crt"
    ca.write_bytes((machine.view / vps.CA.lstrip("/")).read_bytes())
    subprocess.run(["certutil", "-d", f"sql:{database}", "-N", "--empty-password"], check=True)
    trust = ["certutil", "-d", f"sql:{database}", "-A", "-t", "C,,", "-n", "hotline test CA"]
    subprocess.run([*trust, "-i", str(ca)], check=True)
    return home


# Who signed in from where, as the audit trail has it.
SIGN_INS = f"""
from hotline_audit.models import AuditEvent
for event in AuditEvent.objects.filter(
    user__username={CONSULTANT!r}, kind="sign_in"
).order_by("pk"):
    print(event.ip_address)
"""


@contextlib.contextmanager
def consultant_browser(net: Internet, home: Path, logs: Path, profile: Path) -> Iterator[Page]:
    """Chromium on the consultant's computer behind the home router: its desk page."""
    executable = net.home.wrapper_script(
        logs, browser.CHROMIUM, home, nameserver=HOME_ROUTER_ADDRESS
    )
    with sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(executable),
            headless=True,
            # As on a consultant's computer: no loopback candidates (browser.FLAGS
            # allow them for the tests on one host). WebRTC's log, for a failure.
            args=[
                *(flag for flag in browser.FLAGS if flag != "--allow-loopback-in-peer-connection"),
                "--enable-logging=stderr",
                "--vmodule=*/p2p/*=1",
            ],
            locale="uk-UA",
            timezone_id="Europe/Kyiv",
        )
        console = (logs / "console.log").open("a", encoding="utf-8")
        try:
            desk = context.pages[0]
            desk.on("console", lambda message: console.write(f"{message.type}: {message.text}\n"))
            yield desk
        finally:
            context.close()
            console.close()


@pytest.mark.parametrize("network", ["open", "only-443"])
def test_a_consultant_at_home_answers_a_carrier_call_with_audio_both_ways(
    machine, internet, trusted_home, network, request, tmp_path
):
    logs = ARTEFACTS / request.node.name
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    internet.let_only_443_out_of_home(network == "only-443")
    signed_in_before = manage(machine, "shell", "-c", SIGN_INS).stdout.split()
    rtp_before = carrier_rtp_received(internet)
    try:
        with consultant_browser(internet, trusted_home, logs, tmp_path / "profile") as desk:
            outcome = take_a_call(internet, desk, logs)
    finally:
        # Nothing of a failed call left for the next one.
        asterisk_cli(machine, "channel request hangup all")

    assert outcome.media["packetsSent"] > 100 and outcome.media["packetsReceived"] > 100
    assert carrier_rtp_received(internet) - rtp_before > 100
    # The sign-in came through HAProxy and Caddy: the address is the home
    # router's public one, as the lockout and the audit trail need it.
    signed_in = manage(machine, "shell", "-c", SIGN_INS).stdout.split()
    assert signed_in[len(signed_in_before) :] == [ROUTER_WAN_ADDRESS]
    pair = outcome.pair
    if network == "only-443":
        assert internet.dropped_from_home() > 0
        # TURN over TLS, on 443 (the only URL of that port the phone has).
        assert (pair["localType"], pair["relayProtocol"]) == ("relay", "tls"), pair
        assert pair["turnUrl"].startswith(f"turns:{vps.DOMAIN}:443?"), pair
        assert pair["localAddress"] == VPS_ADDRESS, pair
    else:
        # Straight through the home router's NAT, or a relay over UDP: UDP either way.
        assert pair["relayProtocol"] in {"", "udp"}, pair


def take_a_call(net: Internet, desk: Page, logs: Path) -> SimpleNamespace:
    sign_in(desk)
    caller = ring_and_answer(net, desk, logs)
    try:
        media = wait_for_media(net, desk, logs)
        pair = desk.evaluate(SELECTED_PAIR)
        hang_up(desk, caller)
    finally:
        if caller.poll() is None:
            caller.kill()
            caller.wait()
    return SimpleNamespace(media=media, pair=pair)


def sign_in(desk: Page) -> None:
    """The consultant signs in, her browser phone registers, she becomes available."""
    desk.goto(f"https://{vps.DOMAIN}/login/?next=/")
    desk.fill("input[name=username]", CONSULTANT)
    desk.fill("input[name=password]", PASSWORD)
    desk.press("input[name=password]", "Enter")
    desk.wait_for_url("**/desk/**")
    desk.wait_for_selector("body[data-events=open]")
    expect(desk.locator("#line-state")).to_have_attribute(
        "data-state", "registered", timeout=60_000
    )
    desk.select_option("#availability", "available")
    expect(desk.locator("#queue-state")).to_have_attribute(
        "data-state", "available", timeout=30_000
    )


def ring_and_answer(net: Internet, desk: Page, logs: Path) -> subprocess.Popen:
    """The carrier's caller rings the toll-free number; the consultant answers."""
    caller = pbx.sipp(
        net.carrier,
        logs,
        "carrier",
        [
            f"{VPS_ADDRESS}:5060",
            "-sf",
            str(pbx.SCENARIOS / "carrier_caller.xml"),
            "-s",
            TOLL_FREE,
            "-set",
            "caller",
            "+380671234567",
            "-i",
            CARRIER_ADDRESS,
            "-p",
            "5060",
            "-mp",
            str(CARRIER_RTP_PORT),
        ],
    )
    try:
        expect(desk.locator("#ringing")).to_be_visible(timeout=60_000)
        desk.click("#answer")
        # ICE and DTLS across the NAT (through the relay, where UDP is dropped).
        expect(desk.locator("body")).to_have_attribute("data-phone", "talking", timeout=60_000)
    except BaseException:
        caller.kill()
        caller.wait()
        raise
    return caller


def wait_for_media(net: Internet, desk: Page, logs: Path) -> dict:
    """The browser's WebRTC stats once RTP flows both ways."""
    media = {}

    def flowing() -> bool:
        media.update(desk.evaluate("() => window.hotlineDesk.phone.mediaStats()"))
        return media["packetsSent"] > 100 and media["packetsReceived"] > 100

    try:
        vps.wait_for(flowing, "RTP both ways in the browser's WebRTC stats", seconds=60)
    except AssertionError as timeout:
        pair = desk.evaluate(SELECTED_PAIR)
        (logs / "webrtc-stats.json").write_text(desk.evaluate(ALL_STATS))
        raise AssertionError(
            f"{timeout}: {media}; the carrier got {carrier_rtp_received(net)}; pair {pair}"
        ) from None
    return media


def hang_up(desk: Page, caller: subprocess.Popen) -> None:
    desk.click("#hangup")
    assert caller.wait(timeout=pbx.DEADLINE) == 0, "sipp did not get the hang-up"
    # Out of the queue before the browser goes, as at the end of a shift.
    desk.select_option("#availability", "logged_out")
    expect(desk.locator("#queue-state")).to_have_attribute(
        "data-state", "logged_out", timeout=30_000
    )
