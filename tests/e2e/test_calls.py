"""Whole calls through the real Asterisk: sipp plays the carriers, Chromium is the
consultant's phone, the connector and the web app run as in `make run`."""

import re

from playwright.sync_api import expect

from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    ConsultantLine,
    ConsultantState,
    Disposition,
    PresenceState,
)
from hotline_crm.models import AccessReason, Client, ClientAccess, ClientPhone, Topic
from tests.e2e import pbx
from tests.e2e.conftest import (
    BROWSER_TEST,
    go_available,
    media_flows_both_ways,
    screenshot,
    sign_in,
)

pytestmark = BROWSER_TEST

CURRENT_CALL = ".call-panel:not([hidden])"


def test_card_pops_consultant_answers_talks_fills_the_form_and_finds_the_recording(
    telephony, chromium, alice, artefacts
):
    space, _asterisk, app = telephony
    client = Client.objects.create(name="Оксана")
    ClientPhone.objects.create(client=client, number="+380671234567", raw="067 123 45 67")
    desk = sign_in(chromium, app, alice)
    go_available(desk, alice)

    caller = pbx.carrier_call(space, artefacts, "+380671234567")
    try:
        # The card pops with the right client, and the phone rings with the name.
        expect(desk.locator("#ringing")).to_be_visible(timeout=pbx.DEADLINE * 1000)
        expect(desk.locator("#ring-name")).to_have_text("Оксана")
        # While it rings the caller waits in the queue, and the header says so.
        expect(desk.locator("#queue-waiting")).to_contain_text("У черзі: 1 · найдовше 0:")
        expect(desk.locator("#tabs .call-tab")).to_contain_text("Оксана")
        card = desk.frame_locator(f"{CURRENT_CALL} iframe.card")
        expect(card.locator("h1")).to_contain_text("Оксана")
        screenshot(desk, "ringing-call-with-card")

        desk.click("#answer")
        expect(desk.locator("body")).to_have_attribute("data-phone", "talking")
        expect(desk.locator("#queue-waiting")).to_have_text("У черзі: 0")
        stats = media_flows_both_ways(desk)
        assert stats["packetsSent"] > 100 and stats["packetsReceived"] > 100

        form = desk.frame_locator(f"{CURRENT_CALL} iframe.form")
        topic = Topic.objects.filter(category__kind="srh").order_by("pk").first()
        form.locator(f"input[name=topics][value='{topic.pk}']").check()
        form.locator("select[name=outcome]").select_option("informed")
        form.locator("textarea[name=summary]").fill("Консультація щодо контрацепції")
        screenshot(desk, "consultation-form")

        desk.click("#hangup")
        assert caller.wait(timeout=pbx.DEADLINE) == 0, "sipp did not get the hang-up"
        # The form stays open after the hang-up, for the wrap-up.
        form.get_by_role("button", name="Зберегти консультацію").click()
    finally:
        if caller.poll() is None:
            caller.kill()

    call = pbx.wait_for(
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
    expect(row.locator("audio")).to_have_count(1)
    recording = desk.request.get(
        f"{app.url}/journal/{call.pk}/recording", headers={"Range": "bytes=0-43"}
    )
    assert recording.status == 206
    assert recording.body()[:4] == b"RIFF"


def test_unknown_caller_gets_a_new_card_with_the_number(telephony, chromium, alice, artefacts):
    space, _asterisk, app = telephony
    desk = sign_in(chromium, app, alice)
    go_available(desk, alice)

    caller = pbx.carrier_call(space, artefacts, "+380501112233")
    try:
        expect(desk.locator("#ringing")).to_be_visible(timeout=pbx.DEADLINE * 1000)
        card = desk.frame_locator(f"{CURRENT_CALL} iframe.card")
        expect(card.locator("input[name='phones-0-number']")).to_have_value(
            re.compile(r"501112233$")
        )
        desk.click("#answer")
        expect(desk.locator("body")).to_have_attribute("data-phone", "talking")
        card.locator("input[name=name]").fill("Марія")
        card.get_by_role("button", name="Зберегти картку").click()
        # The new card is tied to the call, so its consultation form opens beside it.
        form = desk.frame_locator(f"{CURRENT_CALL} iframe.form")
        expect(form.locator("textarea[name=summary]")).to_be_visible()
        desk.click("#hangup")
        assert caller.wait(timeout=pbx.DEADLINE) == 0
    finally:
        if caller.poll() is None:
            caller.kill()

    client = Client.objects.get(phones__number="+380501112233")
    assert client.name == "Марія"
    call = pbx.wait_for(
        lambda: Call.objects.filter(caller_number="+380501112233", client=client).first(),
        "the call tied to the new card",
    )
    assert call.consultant == alice


def test_click_to_call_from_a_card_rings_the_browser_then_the_callee(
    telephony, chromium, alice, artefacts
):
    space, _asterisk, app = telephony
    client = Client.objects.create(name="Оксана")
    ClientPhone.objects.create(client=client, number="+380671234567", raw="067 123 45 67")
    # Need-to-know: a consultant opens by number only a card she serves.
    ClientAccess.objects.create(client=client, user=alice, reason=AccessReason.CREATED)
    desk = sign_in(chromium, app, alice)
    expect(desk.locator("#line-state")).to_have_attribute("data-state", "registered")
    # Alice finds the card she made by its number.
    page = desk.frame_locator("#frame-main")
    page.locator("input[name=q]").fill("067 123 45 67")
    page.locator("input[name=q]").press("Enter")
    expect(page.locator("h1")).to_contain_text("Оксана")

    callee = pbx.callee(space, artefacts)
    try:
        page.locator("button[data-dial='+380671234567']").click()
        # Asterisk rings the consultant's own browser first…
        expect(desk.locator("#ringing")).to_be_visible(timeout=pbx.DEADLINE * 1000)
        desk.click("#answer")
        # …then dials the number through the mobile line, where sipp answers.
        expect(desk.locator("body")).to_have_attribute("data-phone", "talking")
        media_flows_both_ways(desk)
        pbx.wait_for(
            lambda: Call.objects.filter(
                direction=CallDirection.OUTBOUND, disposition=Disposition.OUTBOUND_ANSWERED
            ).exists(),
            "the callee to answer",
        )
        desk.click("#hangup")
        assert callee.wait(timeout=pbx.DEADLINE) == 0, "sipp (the callee) did not get the hang-up"
    finally:
        if callee.poll() is None:
            callee.kill()

    invite = (artefacts / "callee-messages.log").read_text(errors="replace")
    assert f"INVITE sip:{'0671234567'}@" in invite
    call = pbx.wait_for(
        lambda: Call.objects.filter(
            direction=CallDirection.OUTBOUND, ended_at__isnull=False
        ).first(),
        "the outgoing call in the journal",
    )
    assert (call.consultant, call.callee_number, call.client) == (alice, "+380671234567", client)
    assert call.disposition == Disposition.OUTBOUND_ANSWERED
    assert call.dialled_number == "+380671000000"  # the mobile line it went out on


def test_status_switch_drives_the_queue_and_closing_the_tab_logs_out(telephony, chromium, alice):
    _space, _asterisk, app = telephony
    desk = sign_in(chromium, app, alice)
    go_available(desk, alice)

    desk.select_option("#availability", "paused:break")
    pbx.wait_for(
        lambda: ConsultantState.objects.filter(
            user=alice, state=PresenceState.PAUSED, pause_reason="break"
        ).exists(),
        "Asterisk to report Alice paused for a break",
    )
    expect(desk.locator("#queue-state")).to_contain_text("Перерва")

    desk.select_option("#availability", "available")
    pbx.wait_for(
        lambda: ConsultantState.objects.filter(user=alice, state=PresenceState.AVAILABLE).exists(),
        "Asterisk to report Alice available again",
    )

    # The tab closes without a word; after the grace period she leaves the queue.
    desk.close()
    pbx.wait_for(
        lambda: ConsultantState.objects.filter(user=alice, state=PresenceState.LOGGED_OUT).exists(),
        "the queue to drop a consultant whose desk closed",
    )


def test_a_refused_registration_is_reported(telephony, chromium, alice):
    _space, _asterisk, app = telephony
    # The running Asterisk still knows the old password: the browser is refused.
    ConsultantLine.objects.filter(user=alice).update(webrtc_password="changed-meanwhile")
    desk = sign_in(chromium, app, alice)
    expect(desk.locator("#line-state")).to_have_attribute(
        "data-state", "failed", timeout=pbx.DEADLINE * 1000
    )
    expect(desk.locator("#phone-messages")).to_contain_text("Телефон не зміг зареєструватися")


def test_two_calls_in_a_row_keep_two_separate_forms(telephony, chromium, alice, artefacts):
    space, _asterisk, app = telephony
    clients = {}
    for name, number in [("Оксана", "+380671234567"), ("Ірина", "+380931234567")]:
        clients[name] = Client.objects.create(name=name)
        ClientPhone.objects.create(client=clients[name], number=number)
    topic = Topic.objects.filter(category__kind="srh").order_by("pk").first()
    desk = sign_in(chromium, app, alice)
    go_available(desk, alice)

    def take_call(number: str, summary: str):
        caller = pbx.carrier_call(space, artefacts, number)
        try:
            expect(desk.locator("#ringing")).to_be_visible(timeout=pbx.DEADLINE * 1000)
            desk.click("#answer")
            expect(desk.locator("body")).to_have_attribute("data-phone", "talking")
            form = desk.frame_locator(f"{CURRENT_CALL} iframe.form")
            form.locator(f"input[name=topics][value='{topic.pk}']").check()
            form.locator("select[name=outcome]").select_option("informed")
            form.locator("textarea[name=summary]").fill(summary)
            desk.click("#hangup")
            assert caller.wait(timeout=pbx.DEADLINE) == 0
        finally:
            if caller.poll() is None:
                caller.kill()
        return form

    # The first form stays open, unsaved, while the second call comes in.
    take_call("+380671234567", "Перша розмова")
    expect(desk.locator("#availability")).to_have_value("available")
    pbx.wait_for(
        lambda: ConsultantState.objects.filter(user=alice, state=PresenceState.AVAILABLE).exists(),
        "Alice free again after the first call",
    )
    take_call("+380931234567", "Друга розмова")
    expect(desk.locator("#tabs .call-tab")).to_have_count(2)
    desk.locator("#tabs .call-tab", has_text="Ірина").click()
    second = desk.frame_locator(f"{CURRENT_CALL} iframe.form")
    expect(second.locator("textarea[name=summary]")).to_have_value("Друга розмова")
    second.get_by_role("button", name="Зберегти консультацію").click()

    desk.locator("#tabs .call-tab", has_text="Оксана").click()
    first = desk.frame_locator(f"{CURRENT_CALL} iframe.form")
    expect(first.locator("textarea[name=summary]")).to_have_value("Перша розмова")
    first.get_by_role("button", name="Зберегти консультацію").click()

    for name, summary in [("Оксана", "Перша розмова"), ("Ірина", "Друга розмова")]:
        call = pbx.wait_for(
            lambda name=name: Call.objects.filter(
                client=clients[name], consultation__isnull=False
            ).first(),
            f"{name}'s call linked to its form",
        )
        assert call.consultation.client == clients[name]
        assert call.consultation.summary == summary


def test_blind_transfer_to_a_colleague(telephony, chromium, second_chromium, alice, bob, artefacts):
    space, _asterisk, app = telephony
    alices_desk = sign_in(chromium, app, alice)
    go_available(alices_desk, alice)
    bobs_desk = sign_in(second_chromium, app, bob)
    expect(bobs_desk.locator("#line-state")).to_have_attribute("data-state", "registered")

    caller = pbx.carrier_call(space, artefacts, "+380671234567")
    try:
        expect(alices_desk.locator("#ringing")).to_be_visible(timeout=pbx.DEADLINE * 1000)
        alices_desk.click("#answer")
        expect(alices_desk.locator("body")).to_have_attribute("data-phone", "talking")
        alices_desk.select_option("#transfer-to", "1002")
        alices_desk.click("#transfer")

        expect(bobs_desk.locator("#ringing")).to_be_visible(timeout=pbx.DEADLINE * 1000)
        # Alice's part is over once the transfer is done.
        expect(alices_desk.locator("body")).to_have_attribute(
            "data-phone", "idle", timeout=pbx.DEADLINE * 1000
        )
        bobs_desk.click("#answer")
        expect(bobs_desk.locator("body")).to_have_attribute("data-phone", "talking")
        # The caller now talks with Bob: his browser sends and gets sipp's echo back.
        media_flows_both_ways(bobs_desk)
        bobs_desk.click("#hangup")
        assert caller.wait(timeout=pbx.DEADLINE) == 0, "the caller did not get Bob's hang-up"
    finally:
        if caller.poll() is None:
            caller.kill()
