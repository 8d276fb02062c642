"""The supervisors' audit page: filters, CSV export with formulas neutralised, read-only."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from hotline_audit.models import AuditEvent, Kind

pytestmark = pytest.mark.django_db


def browser_for(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


@pytest.fixture
def trail(alice, bob):
    now = timezone.now()
    return {
        "alice_card": AuditEvent.objects.create(
            kind=Kind.CARD_VIEW, user=alice, username="alice", client_id=7, at=now
        ),
        "bob_card": AuditEvent.objects.create(
            kind=Kind.CARD_VIEW, user=bob, username="bob", client_id=8, at=now
        ),
        "bob_glass": AuditEvent.objects.create(
            kind=Kind.BREAK_GLASS,
            user=bob,
            username="bob",
            client_id=7,
            detail='=HYPERLINK("x")',
            at=now,
        ),
        "old": AuditEvent.objects.create(
            kind=Kind.EXPORT, user=alice, username="alice", at=now - timedelta(days=40)
        ),
    }


def listed(browser, **query) -> list[int]:
    response = browser.get(reverse("hotline_audit:list"), query)
    assert response.status_code == 200
    return [event.pk for event in response.context["page"]]


@pytest.mark.parametrize("persona", ["alice", "bob"])
def test_consultants_cannot_read_the_trail(request, persona, trail):
    browser = browser_for(request.getfixturevalue(persona))
    assert browser.get(reverse("hotline_audit:list")).status_code == 403
    assert browser.get(reverse("hotline_audit:export")).status_code == 403


def test_filters_by_person_card_kind_and_period(carol, bob, trail):
    browser = browser_for(carol)
    today = timezone.localdate().isoformat()
    assert set(listed(browser, user=bob.pk)) == {trail["bob_card"].pk, trail["bob_glass"].pk}
    assert set(listed(browser, card=7)) == {trail["alice_card"].pk, trail["bob_glass"].pk}
    assert listed(browser, kind="break_glass") == [trail["bob_glass"].pk]
    # The filter reads days on Kyiv's calendar: 40 days before now may be another day there.
    old_day = timezone.localdate(trail["old"].at).isoformat()
    assert listed(browser, date_from=old_day, date_to=old_day) == [trail["old"].pk]
    assert trail["old"].pk not in listed(browser, date_from=today)


def test_reading_the_trail_is_on_the_trail(carol, trail):
    browser_for(carol).get(reverse("hotline_audit:list"), {"card": 7})
    row = AuditEvent.objects.get(kind="audit_view")
    assert row.user == carol and row.detail == "card=7"


def test_csv_export_follows_the_filters_and_neutralises_formulas(carol, trail):
    response = browser_for(carol).get(reverse("hotline_audit:export"), {"card": 7})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3  # the header, Alice's card view and Bob's break-glass
    details = [row[-1] for row in rows[1:]]
    assert '\'=HYPERLINK("x")' in details
    assert AuditEvent.objects.filter(kind="export", user=carol).exists()


def test_the_trail_has_no_way_to_change_it(carol, trail):
    browser = browser_for(carol)
    assert browser.post(reverse("hotline_audit:list"), {"kind": "card_view"}).status_code == 405
    assert AuditEvent.objects.filter(kind__in=["card_view", "break_glass", "export"]).count() == 4


def test_supervisors_menu_counts_break_glass_openings(carol, trail):
    page = browser_for(carol).get(reverse("hotline_reports:calls")).content.decode()
    assert "1 картку відкрито в екстреному порядку за 30 днів" in page
    assert reverse("hotline_audit:list") + "?kind=break_glass" in page
