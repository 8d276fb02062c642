"""The desk, the card and the form on a smartphone's screen (390 px wide): a
consultant on mobile data in a power cut still reads the card and writes the form."""

from playwright.sync_api import expect

from hotline_asterisk_connector.models import ConsultantLine
from hotline_crm.models import AccessReason, Client, ClientPhone
from hotline_crm.services import grant_card_access
from tests.e2e.conftest import BROWSER_TEST, sign_in

pytestmark = BROWSER_TEST

PHONE_WIDTH = 390

FITS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
FITS_FRAME = "(html) => html.scrollWidth <= html.clientWidth"


def test_desk_card_and_form_fit_a_phone(web, chromium, alice):
    ConsultantLine.objects.create(
        user=alice, extension="1001", webrtc_password="web-secret", sip_password="sip-secret"
    )
    client = Client.objects.create(name="Оксана", code_word="замовлення з аптеки")
    ClientPhone.objects.create(client=client, number="+380671234567")
    grant_card_access(alice, client, AccessReason.CALLBACK)
    page = chromium.pages[0] if chromium.pages else chromium.new_page()
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})

    desk = sign_in(chromium, web, alice, f"/clients/{client.pk}/")
    assert desk.evaluate(FITS), "the desk scrolls sideways"
    # The phone sits above the page, and the page has the whole width.
    phone, frame = desk.locator("#phone").bounding_box(), desk.locator("#frame-main").bounding_box()
    assert frame["y"] >= phone["y"] + phone["height"] - 1
    assert frame["width"] >= PHONE_WIDTH - 20
    card = desk.frame_locator("#frame-main")
    expect(card.locator("h1")).to_contain_text("Оксана")
    expect(card.locator("[data-safe-contact]")).to_contain_text("замовлення з аптеки")
    assert card.locator("html").evaluate(FITS_FRAME)

    # The consultation form, opened from the card, fits too and can be sent.
    card.locator("a", has_text="Нова консультація").first.click()
    expect(card.locator("textarea[name=summary]")).to_be_visible()
    assert card.locator("html").evaluate(FITS_FRAME)
    box = card.locator("textarea[name=summary]").bounding_box()
    assert box["width"] >= 250, box
    expect(card.locator("button[type=submit]").last).to_be_visible()
