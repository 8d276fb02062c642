"""Break-glass: a card one does not serve opens by its exact number and a stated reason,
read-only, and every opening is on the audit trail for supervisors."""

from datetime import timedelta

import pytest
from django.urls import reverse

from hotline_audit.models import AuditEvent
from hotline_crm.models import BreakGlass
from tests.crm.conftest import ALICES_NUMBER, break_glass, browser_for, new_consultation

pytestmark = pytest.mark.django_db


def test_number_and_reason_open_the_card_read_only_and_leave_a_trail(bob, alices_client):
    browser = browser_for(bob)
    card = reverse("hotline_crm:client_detail", args=[alices_client.pk])

    opened = break_glass(browser, "0671234567", "Клієнтка на лінії, плаче")

    assert opened.status_code == 302 and opened["Location"] == card
    page = browser.get(card)
    assert page.status_code == 200
    assert reverse("hotline_crm:client_edit", args=[alices_client.pk]) not in page.content.decode()
    assert (
        browser.get(reverse("hotline_crm:client_edit", args=[alices_client.pk])).status_code == 404
    )
    glass = BreakGlass.objects.get()
    assert (glass.user, glass.client, glass.reason) == (bob, alices_client, "caller_on_line")
    event = AuditEvent.objects.get(kind="break_glass")
    assert (event.user, event.client_id) == (bob, alices_client.pk)
    assert "Клієнтка на лінії, плаче" in event.detail


def test_the_card_id_alone_never_opens_it(bob, alices_client):
    browser = browser_for(bob)
    response = browser.post(
        reverse("hotline_crm:break_glass"),
        {"number": str(alices_client.pk), "reason": "other", "explanation": "просто цікаво"},
    )
    assert response.status_code == 400
    assert not BreakGlass.objects.exists()
    assert (
        browser.get(reverse("hotline_crm:client_detail", args=[alices_client.pk])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"number": ALICES_NUMBER, "reason": "caller_on_line", "explanation": ""},
        {"number": ALICES_NUMBER, "reason": "curious", "explanation": "бо так"},
        {"number": "+380509999999", "reason": "other", "explanation": "такого номера нема"},
    ],
    ids=["no-explanation", "unknown-reason", "no-such-number"],
)
def test_no_reason_or_no_card_opens_nothing(bob, alices_client, fields):
    response = browser_for(bob).post(reverse("hotline_crm:break_glass"), fields)
    assert response.status_code == 400
    assert not BreakGlass.objects.exists()
    assert not AuditEvent.objects.filter(kind="break_glass").exists()


def test_writing_a_form_ends_read_only(bob, alices_client):
    browser = browser_for(bob)
    break_glass(browser, ALICES_NUMBER)
    new_consultation(bob, alices_client)
    page = browser.get(reverse("hotline_crm:client_detail", args=[alices_client.pk]))
    assert reverse("hotline_crm:client_edit", args=[alices_client.pk]) in page.content.decode()


def test_the_opening_expires(bob, alices_client, settings):
    browser = browser_for(bob)
    break_glass(browser, ALICES_NUMBER)
    BreakGlass.objects.update(at=BreakGlass.objects.get().at - timedelta(hours=13))
    settings.HOTLINE_BREAK_GLASS_HOURS = 12
    card = reverse("hotline_crm:client_detail", args=[alices_client.pk])
    assert browser.get(card).status_code == 404


def test_the_break_glass_form_is_for_signed_in_staff_only(alices_client):
    response = browser_for(None).post(
        reverse("hotline_crm:break_glass"),
        {"number": ALICES_NUMBER, "reason": "other", "explanation": "анонімно"},
    )
    assert response.status_code == 302
    assert not BreakGlass.objects.exists()
