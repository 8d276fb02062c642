"""A supervisor whispers to a consultant from the wallboard, with their own browser phone.

Alice answers a real call on her desk; Carol presses «Підказувати» on her
wallboard; her browser phone answers the listening call by itself, hears
the conversation, and Alice's desk says that the supervisor is listening
until Carol stops.
"""

import pytest
from playwright.sync_api import expect

from hotline_asterisk_connector.models import ConsultantLine
from hotline_audit.models import AuditEvent, Kind
from tests.conftest import PASSWORD
from tests.e2e import pbx
from tests.e2e.conftest import (
    BROWSER_TEST,
    go_available,
    pass_second_factor,
    screenshot,
    sign_in,
)

pytestmark = BROWSER_TEST


@pytest.fixture
def carols_line(transactional_db, carol) -> ConsultantLine:
    """Made before `telephony` renders the PBX: a line that takes no queue calls."""
    return ConsultantLine.objects.create(
        user=carol,
        extension="1009",
        webrtc_password="browser-phone-secret-1009",
        sip_password="smartphone-secret-1009",
        in_queue=False,
    )


def test_a_supervisor_whispers_from_the_wallboard_and_the_consultant_is_told(
    carols_line, telephony, chromium, second_chromium, alice, carol, artefacts
):
    space, _asterisk, app = telephony
    desk = sign_in(chromium, app, alice)
    go_available(desk, alice)

    board = second_chromium.pages[0] if second_chromium.pages else second_chromium.new_page()
    board.goto(f"{app.url}/login/?next=/reports/wallboard/")
    board.fill("input[name=username]", carol.username)
    board.fill("input[name=password]", PASSWORD)
    board.press("input[name=password]", "Enter")
    pass_second_factor(board, carol)
    board.wait_for_url("**/reports/wallboard/")
    expect(board.locator("[data-phone-line]")).to_have_text("Телефон: готовий")

    caller = pbx.carrier_call(space, artefacts, "+380671234567")
    try:
        expect(desk.locator("#ringing")).to_be_visible(timeout=pbx.DEADLINE * 1000)
        # The board follows the queue by the connector's changes (wallboard.js).
        waiting = board.locator('[data-field="waiting.count"]')
        expect(waiting).to_have_text("1")
        desk.click("#answer")
        expect(desk.locator("body")).to_have_attribute("data-phone", "talking")
        expect(waiting).to_have_text("0")

        row = board.locator("tr[data-state=on_call]", has_text=alice.first_name)
        expect(row.get_by_role("button")).to_have_text(["Слухати", "Підказувати", "Втрутитися"])
        row.get_by_role("button", name="Підказувати").click()
        expect(board.locator("[data-supervisor-phone]")).to_have_attribute(
            "data-call", "talking", timeout=pbx.DEADLINE * 1000
        )
        expect(board.locator("[data-phone-call]")).to_contain_text("Підказувати")
        # The conversation reaches Carol's browser (sipp's caller speaks, Alice's fake mic too).
        pbx.wait_for(
            lambda: (
                board.evaluate("() => window.hotlineSupervisor.phone.mediaStats()")[
                    "packetsReceived"
                ]
                > 100
            ),
            "RTP reaching the supervisor's browser phone",
        )
        told = desk.locator('#phone-messages [data-key="supervisor"]')
        expect(told).to_have_text("Супервізор слухає і може вам підказувати; абонент його не чує.")
        expect(desk.locator("body")).to_have_attribute("data-supervisor", "whisper")
        screenshot(board, "wallboard-supervisor-whispers")

        board.get_by_role("button", name="Припинити слухати").click()
        expect(told).to_have_count(0, timeout=pbx.DEADLINE * 1000)
        expect(board.locator("[data-phone-call]")).to_have_text("Ви не слухаєте жодної розмови.")
        # Alice is still talking to the caller.
        expect(desk.locator("body")).to_have_attribute("data-phone", "talking")
        desk.click("#hangup")
        assert caller.wait(timeout=pbx.DEADLINE) == 0, "sipp did not get the hang-up"
    finally:
        if caller.poll() is None:
            caller.kill()
    audit = AuditEvent.objects.get(kind=Kind.WHISPER)
    assert (audit.user, audit.detail.split()[0]) == (carol, "alice")
