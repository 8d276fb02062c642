"""The demo's client with a safe-contact profile, called from her card outside
her safe hours: the desk warns before anything is dialled."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from hotline_asterisk_connector.models import Call
from hotline_audit.models import AuditEvent, Kind
from hotline_crm.models import AccessReason, Client
from hotline_crm.services import grant_card_access
from tests.e2e import pbx
from tests.e2e.conftest import BROWSER_TEST, sign_in

pytestmark = BROWSER_TEST

DEMO_NUMBER = "+380500000002"


def test_calling_the_demo_client_outside_her_safe_hours_warns_first(telephony, chromium, alice):
    _space, _asterisk, app = telephony
    call_command("load_demo_data", stdout=io.StringIO())
    client = Client.objects.get(phones__number=DEMO_NUMBER)
    # Her demo hours are 10:00–12:00; move them so that now is outside whenever this runs.
    now = timezone.localtime()
    client.safe_from = (now + datetime.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    client.safe_until = (now + datetime.timedelta(hours=3)).time().replace(second=0, microsecond=0)
    client.save()
    grant_card_access(alice, client, AccessReason.CALLBACK)

    desk = sign_in(chromium, app, alice, open_path=f"/clients/{client.pk}/")
    expect(desk.locator("#line-state")).to_have_attribute("data-state", "registered")
    card = desk.frame_locator("#frame-main")
    # The card shows how to reach her safely.
    profile = card.locator("[data-safe-contact]")
    expect(profile).to_contain_text("Сказати, що телефонуєте з аптеки")
    expect(profile.locator(".messages-allowed")).to_have_text("не залишати повідомлень")

    warnings: list[str] = []

    def refuse(dialog) -> None:
        warnings.append(dialog.message)
        dialog.dismiss()

    desk.once("dialog", refuse)
    card.locator(f"button[data-dial='{DEMO_NUMBER}']").click()
    expect(desk.locator("#phone-messages")).to_contain_text("Дзвінок скасовано")
    assert "поза безпечними годинами" in warnings[0]
    assert not Call.objects.exists()  # nothing was dialled

    # She calls anyway: the browser rings first, and the decision is in the audit trail.
    desk.once("dialog", lambda dialog: dialog.accept())
    card.locator(f"button[data-dial='{DEMO_NUMBER}']").click()
    expect(desk.locator("#ringing")).to_be_visible(timeout=pbx.DEADLINE * 1000)
    expect(desk.locator("#phone-messages")).to_contain_text("Сказати, що телефонуєте з аптеки")
    override = pbx.wait_for(
        lambda: AuditEvent.objects.filter(kind=Kind.SAFE_CONTACT_OVERRIDE).first(),
        "the confirmed override in the audit trail",
    )
    assert (override.user, override.client_id) == (alice, client.pk)
    desk.click("#decline")
