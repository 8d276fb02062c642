"""Alerts and hands on the desk, with a real call through Asterisk: the desktop
notification (asked once), the flashing title, the chosen ringtone, the keyboard
shortcuts and their help overlay, toggles that say their state, and an unknown
caller's pop that offers «Нова картка» and a search."""

import re

from playwright.sync_api import expect

from hotline_asterisk_connector.models import Call
from hotline_crm.models import AccessReason, Client, ClientAccess, ClientPhone
from tests.e2e import pbx
from tests.e2e.conftest import BROWSER_TEST, go_available, screenshot, sign_in

pytestmark = BROWSER_TEST

CURRENT_CALL = ".call-panel:not([hidden])"
UNKNOWN_NUMBER = "+380501112299"

# The consultant is in another window (document.hasFocus() is false there);
# the desk's notifications are recorded instead of shown by the headless browser.
RECORD_NOTIFICATIONS = """
(() => {
  const Real = window.Notification;
  if (!Real) return;
  window.hotlineNotifications = [];
  function Recorded(title, options) {
    window.hotlineNotifications.push({ title, body: (options || {}).body || "", open: true });
    const shown = window.hotlineNotifications[window.hotlineNotifications.length - 1];
    this.close = () => { shown.open = false; };
    this.addEventListener = () => {};
  }
  Object.defineProperty(Recorded, "permission", { get: () => Real.permission });
  Recorded.requestPermission = () => Real.requestPermission();
  window.Notification = Recorded;
  document.hasFocus = () => false;
})();
"""


def test_unknown_caller_alerts_and_the_keyboard_work_the_call(
    telephony, chromium, alice, artefacts
):
    space, _asterisk, app = telephony
    # A client Alice serves, calling from a number no card has.
    client = Client.objects.create(name="Оксана Петренко")
    ClientPhone.objects.create(client=client, number="+380671234567", raw="067 123 45 67")
    ClientAccess.objects.create(client=client, user=alice, reason=AccessReason.CREATED)
    chromium.add_init_script(RECORD_NOTIFICATIONS)
    desk = sign_in(chromium, app, alice)

    # Notifications are offered once: after the answer the offer never returns.
    expect(desk.locator("#notify-offer")).to_be_visible()
    chromium.grant_permissions(["notifications"], origin=app.url)
    desk.click("#notify-allow")
    expect(desk.locator("#notify-offer")).to_be_hidden()
    desk.reload()
    desk.wait_for_selector("body[data-events=open]")
    expect(desk.locator("#notify-offer")).to_be_hidden()

    # The ringtone is the consultant's choice, kept across reloads.
    desk.locator("details.devices summary").click()
    desk.select_option("#ringtone", "double")
    desk.reload()
    desk.wait_for_selector("body[data-events=open]")
    expect(desk.locator("#ringtone")).to_have_value("double")

    # «?» lists the shortcuts (outside a text field: the CRM's search box has the
    # focus first, and there «?» is typed); Escape closes the list.
    desk.locator("#line-state").click()
    desk.keyboard.press("?")
    help_overlay = desk.locator("#shortcuts")
    expect(help_overlay).to_be_visible()
    expect(help_overlay.locator("dt")).to_have_text(
        ["Alt + A", "Alt + H", "Alt + M", "Alt + U", "Alt + T", "?"]
    )
    expect(help_overlay.locator("dd")).to_have_text(
        [
            "Відповісти",
            "Завершити (або відхилити дзвінок, що надходить)",
            "Вимкнути або увімкнути мікрофон",
            "Утримати або відновити",
            "Переадресувати: вибрати колегу",
            "Цей список",
        ]
    )
    screenshot(desk, "desk-keyboard-shortcuts")
    desk.keyboard.press("Escape")
    expect(help_overlay).to_be_hidden()

    go_available(desk, alice)
    caller = pbx.carrier_call(space, artefacts, UNKNOWN_NUMBER)
    try:
        expect(desk.locator("#ringing")).to_be_visible(timeout=pbx.DEADLINE * 1000)
        # Rung with the chosen tone, the title flashing, a notification with the number.
        expect(desk.locator("body")).to_have_attribute("data-ringtone", "double")
        expect(desk).to_have_title(re.compile(r"^☎ Дзвінок: .*2299$"), timeout=3000)
        notifications = desk.evaluate("() => window.hotlineNotifications")
        assert len(notifications) == 1
        assert notifications[0]["title"] == "Вхідний дзвінок"
        assert re.sub(r"\D", "", notifications[0]["body"]).endswith("501112299")

        # No card has the number: «Нова картка» is open, a search is offered.
        bar = desk.locator(f"{CURRENT_CALL} .unknown-caller")
        expect(bar.get_by_role("button", name="Нова картка")).to_be_visible()
        card = desk.frame_locator(f"{CURRENT_CALL} iframe.card")
        expect(card.locator("input[name='phones-0-number']")).to_have_value(
            re.compile(r"501112299$")
        )
        screenshot(desk, "unknown-caller-new-card-or-search")
        bar.get_by_role("searchbox").fill("Петренко")
        bar.get_by_role("button", name="Знайти").click()
        card.get_by_role("link", name="Оксана Петренко").click()
        expect(card.locator("h1")).to_contain_text("Оксана Петренко")
        expect(bar).to_have_count(0)  # the call now has its client

        # Alt+A answers (the key's place: Alt+Ф on the Ukrainian layout).
        desk.keyboard.press("Alt+KeyA")
        expect(desk.locator("body")).to_have_attribute("data-phone", "talking")
        expect(desk).not_to_have_title(re.compile("☎"))
        assert desk.evaluate("() => window.hotlineNotifications[0].open") is False
        expect(desk.locator("body")).not_to_have_attribute("data-ringtone", "double")
        # The consultation form for the found client opened beside the card.
        form = desk.frame_locator(f"{CURRENT_CALL} iframe.form")
        expect(form.locator("select[name=outcome]")).to_be_visible()

        # Toggles say what they are now, and the keys work from inside the form's frame.
        mute, hold = desk.locator("#mute"), desk.locator("#hold")
        expect(mute).to_have_text("Вимкнути мікрофон")
        form.locator("textarea[name=summary]").press("Alt+KeyM")
        expect(mute).to_have_text("Увімкнути мікрофон")
        expect(mute).to_have_attribute("aria-pressed", "true")
        assert desk.evaluate("() => window.hotlineDesk.phone.muted") is True
        desk.keyboard.press("Alt+KeyM")
        expect(mute).to_have_text("Вимкнути мікрофон")
        expect(mute).to_have_attribute("aria-pressed", "false")
        expect(hold).to_have_text("Утримати")
        desk.keyboard.press("Alt+KeyU")
        expect(hold).to_have_text("Відновити")
        assert desk.evaluate("() => window.hotlineDesk.phone.held") is True
        desk.keyboard.press("Alt+KeyU")
        expect(hold).to_have_text("Утримати")
        desk.keyboard.press("Alt+KeyT")
        expect(desk.locator("#transfer-to")).to_be_focused()

        # Closing the tab mid-call asks first; staying keeps the call.
        asked = []

        def stay(dialog) -> None:
            asked.append(dialog.type)
            dialog.dismiss()

        desk.on("dialog", stay)
        with desk.expect_event("dialog"):
            desk.close(run_before_unload=True)
        desk.remove_listener("dialog", stay)
        assert asked == ["beforeunload"]
        expect(desk.locator("body")).to_have_attribute("data-phone", "talking")

        desk.keyboard.press("Alt+KeyH")
        assert caller.wait(timeout=pbx.DEADLINE) == 0, "sipp did not get the hang-up"
    finally:
        if caller.poll() is None:
            caller.kill()
    expect(desk.locator("body")).to_have_attribute("data-phone", "idle")
    call = pbx.wait_for(
        lambda: Call.objects.filter(caller_number=UNKNOWN_NUMBER, ended_at__isnull=False).first(),
        "the call to end in the journal",
    )
    assert call.client == client
