"""The desk tells the consultant plainly when the phone server cannot be reached."""

from playwright.sync_api import expect

from hotline_asterisk_connector.models import ConsultantLine
from tests.e2e.conftest import BROWSER_TEST, sign_in
from tests.support import browser

pytestmark = BROWSER_TEST


def test_unreachable_phone_server_is_reported_and_pages_open_inside_the_desk(web, chromium, alice):
    ConsultantLine.objects.create(
        user=alice, extension="1001", webrtc_password="web-secret", sip_password="sip-secret"
    )
    desk = sign_in(chromium, web, alice, "/consultations/")
    expect(desk.locator("#phone-messages")).to_contain_text(
        "З'єднання з телефонним сервером обірвалося"
    )
    expect(desk.locator("#line-state")).to_have_attribute("data-state", "disconnected")
    # The microphone itself is fine here: no word about it.
    expect(desk.locator("#phone-messages")).not_to_contain_text("Мікрофон")
    # The page opened inside the desk, without a second menu of its own.
    page = desk.frame_locator("#frame-main")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("header.topbar")).to_be_hidden()
    assert desk.url.endswith("/desk/?open=%2Fconsultations%2F")


def test_a_blocked_microphone_is_reported(web, playwright, namespace, artefacts, alice):
    ConsultantLine.objects.create(
        user=alice, extension="1001", webrtc_password="web-secret", sip_password="sip-secret"
    )
    space, _bridge = namespace
    with browser.chromium(
        playwright, space, artefacts / "blocked-browser", microphone_blocked=True
    ) as context:
        desk = sign_in(context, web, alice)
        expect(desk.locator("#phone-messages")).to_contain_text("Мікрофон заблоковано")
