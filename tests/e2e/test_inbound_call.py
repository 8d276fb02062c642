"""The whole path of a call: sipp plays the carrier, Asterisk queues the caller,
the consultant's page pops the card, answers in the browser, audio flows both
ways, the form is filled, and the journal shows the call with its recording."""

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hotline_asterisk_connector.models import (
    Call,
    ConsultantLine,
    ConsultantState,
    Disposition,
    Operator,
    PresenceState,
    Trunk,
)
from hotline_crm.models import Client, ClientPhone, Topic
from tests.e2e import pbx
from tests.e2e.conftest import BROWSER_TEST, screenshot, sign_in, start_web

pytestmark = BROWSER_TEST

SCENARIOS = Path(__file__).parent / "scenarios"
CARRIER_PORT = 5070
CARRIER_MEDIA_PORT = 16000
DEADLINE = 60.0


def wait_for(check, what: str, seconds: float = DEADLINE):
    """Poll the database (or anything) until `check()` is truthy; fail after a generous deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def telephony(transactional_db, namespace, artefacts, tmp_path, alice) -> Iterator[tuple]:
    space, bridge = namespace
    Trunk.objects.create(
        name="tollfree",
        operator=Operator.TOLL_FREE,
        number="0800500001",
        host="127.0.0.1",
        port=CARRIER_PORT,
        match="127.0.0.1",
        allow_outbound=False,
    )
    ConsultantLine.objects.create(
        user=alice,
        extension="1001",
        webrtc_password="browser-phone-secret",
        sip_password="smartphone-secret",
    )
    asterisk = pbx.start(space, bridge, tmp_path, artefacts)
    app = start_web(
        bridge,
        artefacts,
        {
            **pbx.environment(tmp_path),
            "HOTLINE_ASTERISK_HTTP_PORT": str(pbx.HTTP_PORT),
            "HOTLINE_AMI_PORT": str(asterisk.ami_port_outside),
        },
    )
    yield space, asterisk, app
    app.stop()
    asterisk.stop()


def carrier_call(space, artefacts: Path, caller: str) -> subprocess.Popen:
    """sipp as the carrier: one call from `caller` to the 0-800 number, echoing audio."""
    return subprocess.Popen(
        space.command(
            [
                "sipp",
                f"127.0.0.1:{pbx.SIP_PORT}",
                "-sf",
                str(SCENARIOS / "carrier_caller.xml"),
                "-s",
                "0800500001",
                "-set",
                "caller",
                caller,
                "-i",
                "127.0.0.1",
                "-p",
                str(CARRIER_PORT),
                "-mp",
                str(CARRIER_MEDIA_PORT),
                "-rtp_echo",
                "-m",
                "1",
                "-nostdin",
                "-trace_err",
                "-error_file",
                str(artefacts / "sipp-errors.log"),
                "-trace_stat",
                "-stf",
                str(artefacts / "sipp-stats.csv"),
            ]
        ),
        stdout=(artefacts / "sipp.log").open("ab"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


def test_card_pops_consultant_answers_talks_fills_the_form_and_finds_the_recording(
    telephony, chromium, alice, artefacts
):
    space, _asterisk, app = telephony
    client = Client.objects.create(name="Оксана")
    ClientPhone.objects.create(client=client, number="+380671234567", raw="067 123 45 67")

    desk = sign_in(chromium, app, alice)
    expect(desk.locator("#line-state")).to_have_attribute("data-state", "registered")
    desk.select_option("#availability", "available")
    wait_for(
        lambda: ConsultantState.objects.filter(user=alice, state=PresenceState.AVAILABLE).exists(),
        "Asterisk to report Alice available",
    )
    expect(desk.locator("#queue-state")).to_have_attribute("data-state", "available")

    caller = carrier_call(space, artefacts, "+380671234567")
    try:
        # The card pops with the right client, and the phone rings with the name.
        expect(desk.locator("#ringing")).to_be_visible(timeout=DEADLINE * 1000)
        expect(desk.locator("#ring-name")).to_have_text("Оксана")
        call_tab = desk.locator("#tabs .call-tab")
        expect(call_tab).to_contain_text("Оксана")
        card = desk.frame_locator(".call-panel:not([hidden]) iframe.card")
        expect(card.locator("h1")).to_contain_text("Оксана")
        screenshot(desk, "ringing-call-with-card")

        desk.click("#answer")
        expect(desk.locator("body")).to_have_attribute("data-phone", "talking")
        # Audio both ways: the browser sends its microphone, and receives what
        # sipp echoed back, so sipp got it.
        stats = wait_for(
            lambda: (
                (counts := desk.evaluate("() => window.hotlineDesk.phone.mediaStats()"))
                and counts["packetsSent"] > 100
                and counts["packetsReceived"] > 100
                and counts
            ),
            "RTP both ways in the browser's WebRTC stats",
        )
        assert stats["packetsSent"] > 100 and stats["packetsReceived"] > 100

        form = desk.frame_locator(".call-panel:not([hidden]) iframe.form")
        topic = Topic.objects.filter(category__kind="srh").order_by("pk").first()
        form.locator(f"input[name=topics][value='{topic.pk}']").check()
        form.locator("select[name=outcome]").select_option("informed")
        form.locator("textarea[name=summary]").fill("Консультація щодо контрацепції")
        screenshot(desk, "consultation-form")

        desk.click("#hangup")
        assert caller.wait(timeout=DEADLINE) == 0, "sipp did not get the hang-up"
        form.get_by_role("button", name="Зберегти консультацію").click()
    finally:
        if caller.poll() is None:
            caller.kill()

    call = wait_for(
        lambda: (
            Call.objects.filter(
                client=client,
                disposition=Disposition.ANSWERED,
                ended_at__isnull=False,
                consultation__isnull=False,
            )
            .exclude(recording_file="")
            .first()
        ),
        "the call closed in the journal, with its recording and its form",
    )
    assert call.consultant == alice
    assert call.talk_seconds >= 1
    assert call.consultation.summary == "Консультація щодо контрацепції"

    desk.locator("#tab-main").click()
    desk.evaluate("() => { document.querySelector('#frame-main').src = '/journal/'; }")
    journal = desk.frame_locator("#frame-main")
    row = journal.locator(f"tr[data-call-id='{call.pk}']")
    expect(row.locator(".talk-seconds")).to_have_text(str(call.talk_seconds))
    recording = desk.request.get(
        f"{app.url}/journal/{call.pk}/recording", headers={"Range": "bytes=0-43"}
    )
    assert recording.status == 206
    assert recording.body()[:4] == b"RIFF"
