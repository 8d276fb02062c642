"""Wrap-up after a call, through the real Asterisk: the consultant is paused in
the queue for the queue's wrap-up time with a countdown and the call's form in
front; the pause ends by itself, or early with «Готовий(а)», also after the web
process restarted meanwhile; calls left without a form are flagged for the
consultant and counted for the supervisor."""

import time

from django.test import Client as WebClient
from django.utils import timezone
from playwright.sync_api import expect

from hotline_asterisk_connector.models import (
    ConsultantState,
    PauseReason,
    PbxSettings,
    PresenceState,
)
from hotline_crm.models import AccessReason, Client, ClientAccess, ClientPhone
from hotline_workspace.models import WrapUpPause
from tests.e2e import pbx
from tests.e2e.conftest import BROWSER_TEST, go_available, screenshot, sign_in

pytestmark = BROWSER_TEST

NUMBERS = ["+380671234567", "+380671234568"]


def wrap_up_seconds(seconds: int) -> None:
    """As the administrator sets it on the PBX page (read when a call ends)."""
    settings = PbxSettings.load()
    settings.wrapup_seconds = seconds
    settings.save()


def talk_and_hang_up(desk, space, artefacts, number: str) -> None:
    caller = pbx.carrier_call(space, artefacts, number)
    try:
        expect(desk.locator("#ringing")).to_be_visible(timeout=pbx.DEADLINE * 1000)
        desk.click("#answer")
        expect(desk.locator("body")).to_have_attribute("data-phone", "talking")
        desk.click("#hangup")
        assert caller.wait(timeout=pbx.DEADLINE) == 0, "sipp did not get the hang-up"
    finally:
        if caller.poll() is None:
            caller.kill()


def in_state(user, state: PresenceState, reason: str = "") -> bool:
    return ConsultantState.objects.filter(user=user, state=state, pause_reason=reason).exists()


def seconds_left(desk) -> int:
    minutes, seconds = desk.locator("#wrapup-left").text_content().split(":")
    return int(minutes) * 60 + int(seconds)


def test_wrap_up_pauses_counts_down_and_ends_by_itself_or_when_ready(
    telephony, chromium, alice, carol, artefacts
):
    space, _asterisk, app = telephony
    client = Client.objects.create(name="Оксана")
    for number in NUMBERS:
        ClientPhone.objects.create(client=client, number=number, raw=number)
    ClientAccess.objects.create(client=client, user=alice, reason=AccessReason.CREATED)
    desk = sign_in(chromium, app, alice)
    go_available(desk, alice)
    wrap = desk.locator("#wrapup")

    # A short wrap-up runs out by itself.
    wrap_up_seconds(6)
    talk_and_hang_up(desk, space, artefacts, NUMBERS[0])
    expect(wrap).to_be_visible()
    assert 1 <= seconds_left(desk) <= 6
    pbx.wait_for(
        lambda: in_state(alice, PresenceState.PAUSED, PauseReason.AFTER_CALL),
        "Asterisk to report Alice paused for the wrap-up",
    )
    # The call's form stays in front meanwhile.
    expect(desk.locator(".call-panel:not([hidden]) iframe.form")).to_be_visible()
    expect(wrap).to_be_hidden(timeout=20_000)
    pbx.wait_for(
        lambda: in_state(alice, PresenceState.AVAILABLE), "Alice back in the queue by herself"
    )
    expect(desk.locator("#queue-state")).to_have_attribute("data-state", "available")

    # A long one counts down and «Готовий(а)» ends it early.
    wrap_up_seconds(120)
    talk_and_hang_up(desk, space, artefacts, NUMBERS[1])
    expect(wrap).to_be_visible()
    pbx.wait_for(
        lambda: in_state(alice, PresenceState.PAUSED, PauseReason.AFTER_CALL),
        "Asterisk to report Alice paused for the wrap-up",
    )
    expect(desk.locator("#queue-state")).to_have_attribute("data-state", "paused")
    first = seconds_left(desk)
    time.sleep(2.5)
    assert 0 < first - seconds_left(desk) <= 4, "the countdown does not count down"
    assert first <= 120
    screenshot(desk, "wrap-up-countdown")
    wrap.get_by_role("button", name="Готовий(а)").click()
    expect(wrap).to_be_hidden()
    pbx.wait_for(
        lambda: in_state(alice, PresenceState.AVAILABLE), "Alice back in the queue when ready"
    )
    expect(desk.locator("#queue-state")).to_have_attribute("data-state", "available")

    # Neither call got its form: both flagged in Alice's journal, counted for Carol.
    desk.locator("#tab-main").click()
    desk.evaluate("() => { document.querySelector('#frame-main').src = '/journal/'; }")
    journal = desk.frame_locator("#frame-main")
    expect(journal.locator("tr[data-call-id] .no-form")).to_have_count(2)
    supervisor = WebClient()
    supervisor.force_login(carol)
    page = supervisor.get("/journal/").content.decode()
    assert "Дзвінки без форми" in page and "Аліна — 2" in page


def test_a_wrap_up_survives_a_restart_of_the_web_process(telephony, chromium, alice, artefacts):
    space, _asterisk, app = telephony
    desk = sign_in(chromium, app, alice)
    go_available(desk, alice)
    wrap = desk.locator("#wrapup")
    paused = lambda: in_state(alice, PresenceState.PAUSED, PauseReason.AFTER_CALL)  # noqa: E731

    # Restarted mid-wrap-up: the new process takes the pause over, «Готовий(а)» ends it.
    wrap_up_seconds(120)
    talk_and_hang_up(desk, space, artefacts, NUMBERS[0])
    pbx.wait_for(paused, "Asterisk to report Alice paused for the wrap-up")
    app.restart()
    expect(desk.locator("body")).to_have_attribute("data-events", "open", timeout=30_000)
    expect(wrap).to_be_visible()
    assert paused() and WrapUpPause.objects.filter(user=alice).exists()
    wrap.get_by_role("button", name="Готовий(а)").click()
    expect(wrap).to_be_hidden()
    pbx.wait_for(
        lambda: in_state(alice, PresenceState.AVAILABLE), "Alice back in the queue when ready"
    )
    assert not WrapUpPause.objects.exists()

    # Its time ran out while the web process was down: it ends as soon as the desk is back.
    wrap_up_seconds(5)
    talk_and_hang_up(desk, space, artefacts, NUMBERS[1])
    pbx.wait_for(paused, "Asterisk to report Alice paused for the second wrap-up")
    app.stop()
    until = WrapUpPause.objects.get(user=alice).until
    pbx.wait_for(lambda: timezone.now() > until, "the wrap-up's end to pass", seconds=30)
    assert paused(), "nothing but the web process ends the pause"
    app.restart()
    pbx.wait_for(
        lambda: in_state(alice, PresenceState.AVAILABLE),
        "the restarted web process to end the wrap-up whose time is up",
    )
    expect(wrap).to_be_hidden()
    assert not WrapUpPause.objects.exists()
