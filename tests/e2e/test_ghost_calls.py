"""No ghost calls: a consultant whose browser dies mid-call does not leave the
caller in dead air. Chromium is killed (SIGKILL, as a crash or a dead battery
ends it) while a real call through Asterisk is up; Asterisk notices the silence
(pjsip.conf rtp_timeout) and the caller goes back to the front of the queue,
or to the menu when nobody else is free."""

import time

from playwright.sync_api import expect

from hotline_asterisk_connector.models import Call
from tests.e2e import pbx
from tests.e2e.conftest import BROWSER_TEST, go_available, media_flows_both_ways, sign_in
from tests.support import browser

pytestmark = BROWSER_TEST

# The promise: the caller is with someone (or the menu) again within this.
BACK_WITHIN_SECONDS = 30
CALLER = "+380671234567"


def answer_on(desk) -> None:
    expect(desk.locator("#ringing")).to_be_visible(timeout=pbx.DEADLINE * 1000)
    desk.click("#answer")
    expect(desk.locator("body")).to_have_attribute("data-phone", "talking")
    media_flows_both_ways(desk)


def test_browser_killed_mid_call_rings_the_caller_through_to_a_colleague(
    telephony, chromium, second_chromium, alice, bob, artefacts
):
    space, _asterisk, app = telephony
    alice_desk = sign_in(chromium, app, alice)
    go_available(alice_desk, alice)
    caller = pbx.carrier_call(space, artefacts, CALLER)
    try:
        answer_on(alice_desk)
        # Bob comes free only now, so the first ring was Alice's.
        bob_desk = sign_in(second_chromium, app, bob)
        go_available(bob_desk, bob)

        browser.kill(artefacts / "first-browser")
        killed_at = time.monotonic()
        expect(bob_desk.locator("#ringing")).to_be_visible(timeout=BACK_WITHIN_SECONDS * 1000)
        assert time.monotonic() - killed_at < BACK_WITHIN_SECONDS
        assert caller.poll() is None, "the caller was hung up instead of queued again"

        answer_on(bob_desk)
        bob_desk.click("#hangup")
        assert caller.wait(timeout=pbx.DEADLINE) == 0, "sipp did not get Bob's hang-up"
    finally:
        if caller.poll() is None:
            caller.kill()

    call = pbx.wait_for(
        lambda: (
            Call.objects.filter(caller_number=CALLER, ended_at__isnull=False)
            .exclude(consultant_lost_at=None)
            .first()
        ),
        "the journal to note the lost connection",
    )
    assert call.lost_consultant == alice
    bob_desk.locator("#tab-main").click()
    bob_desk.evaluate("() => { document.querySelector('#frame-main').src = '/journal/'; }")
    row = bob_desk.frame_locator("#frame-main").locator(f"tr[data-call-id='{call.pk}']")
    expect(row.locator(".consultant-lost")).to_have_text(
        "Зв’язок із консультантом обірвався; абонент повернувся в чергу"
    )


def test_browser_killed_mid_call_with_nobody_else_free_sends_the_caller_to_the_menu(
    telephony, chromium, alice, artefacts
):
    space, asterisk, app = telephony
    desk = sign_in(chromium, app, alice)
    go_available(desk, alice)
    caller = pbx.carrier_call(space, artefacts, CALLER)
    try:
        answer_on(desk)
        browser.kill(artefacts / "first-browser")
        killed_at = time.monotonic()
        # The caller's channel runs the menu's Read() again instead of sitting in a dead bridge.
        pbx.wait_for(
            lambda: any(
                f"!hotline-call!{place}!" in asterisk.cli("core show channels concise")
                for place in ("menu", "keep-waiting")
            ),
            "the caller to reach the menu",
            seconds=BACK_WITHIN_SECONDS,
        )
        assert time.monotonic() - killed_at < BACK_WITHIN_SECONDS
        assert caller.poll() is None
    finally:
        if caller.poll() is None:
            caller.kill()
    call = pbx.wait_for(
        lambda: Call.objects.filter(caller_number=CALLER).exclude(consultant_lost_at=None).first(),
        "the journal to note the lost connection",
    )
    assert call.lost_consultant == alice
