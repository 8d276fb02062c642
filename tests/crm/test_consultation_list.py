"""The consultations list: filters by period, topic and outcome, a search, and paging
by a cursor that walks every form exactly once; a consultant never sees another's."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hotline_crm.consultation_list import Cursor, page_of
from hotline_crm.models import Consultation, Outcome
from tests.crm.conftest import ALICES_NUMBER, browser_for, new_client, new_consultation

pytestmark = pytest.mark.django_db
URL = reverse("hotline_crm:consultation_list")
KYIV = datetime.timezone(datetime.timedelta(hours=2))  # 1 March is winter time


def _at(consultation: Consultation, moment: datetime.datetime) -> Consultation:
    Consultation.objects.filter(pk=consultation.pk).update(created_at=moment)
    consultation.refresh_from_db()
    return consultation


@pytest.fixture
def forms(alice, bob, alices_client):
    """Alice's three forms on 1, 2 and 3 March (Kyiv), and one of Bob's on 2 March."""
    march = [datetime.datetime(2025, 3, day, 12, 0, tzinfo=KYIV) for day in (1, 2, 3)]
    first = _at(
        new_consultation(alice, alices_client, summary="Питання про контрацепцію"), march[0]
    )
    second = _at(
        new_consultation(
            alice,
            alices_client,
            "gbv-psychological-abuse",
            outcome=Outcome.REFERRED,
            summary="Направлено до центру",
        ),
        march[1],
    )
    third = _at(new_consultation(alice, alices_client, action_taken="Дала номер 1547"), march[2])
    bobs_card = new_client(bob, "+380501112233", name="Олена")
    bobs = _at(new_consultation(bob, bobs_card, summary="Питання про контрацепцію"), march[1])
    return first, second, third, bobs


def _shown(response) -> list[int]:
    """The forms listed, by the links to them, in order."""
    text = response.content.decode()
    return [
        int(part.split("/", 1)[0])
        for part in text.split('href="/consultations/')[1:]
        if part[0].isdigit()
    ]


def test_the_period_topic_and_outcome_filters_narrow_the_list(alice, forms):
    first, second, third, _bobs = forms
    browser = browser_for(alice)
    assert _shown(browser.get(URL)) == [third.pk, second.pk, first.pk]
    assert _shown(browser.get(URL, {"date_from": "2025-03-02", "date_to": "2025-03-02"})) == [
        second.pk
    ]
    topic = second.topics.get()
    assert _shown(browser.get(URL, {"topic": topic.pk})) == [second.pk]
    assert _shown(browser.get(URL, {"outcome": "referred"})) == [second.pk]
    assert _shown(browser.get(URL, {"outcome": "informed", "date_from": "2025-03-02"})) == [
        third.pk
    ]


def test_the_search_finds_the_summary_the_action_and_the_clients_name_and_number(
    alice, carol, forms
):
    first, second, third, bobs = forms
    browser = browser_for(alice)
    assert _shown(browser.get(URL, {"q": "контрацеп"})) == [first.pk]  # not Bob's
    assert _shown(browser.get(URL, {"q": "1547"})) == [third.pk]
    assert _shown(browser.get(URL, {"q": "Петренко"})) == [third.pk, second.pk, first.pk]
    assert _shown(browser.get(URL, {"q": ALICES_NUMBER})) == [third.pk, second.pk, first.pk]
    everyone = browser_for(carol).get(URL, {"q": "контрацеп"})
    assert _shown(everyone) == [bobs.pk, first.pk]


def test_bad_filters_say_so_in_ukrainian_and_do_not_filter(alice, forms):
    *_earlier, third, _bobs = forms
    response = browser_for(alice).get(
        URL,
        {
            "date_from": "2025-03-03",
            "date_to": "2025-03-01",
            "topic": "999999",
            "outcome": "won",
            "before": "x" * 5000,
            "after": "99999999999999999999999.1",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Дата початку пізніша за дату кінця." in text
    assert _shown(response) == [third.pk]  # date_from alone was valid


def test_paging_by_cursor_walks_every_form_once_both_ways(alice, alices_client):
    start = timezone.now() - datetime.timedelta(days=1)
    made = []
    for minute in range(7):
        made.append(_at(new_consultation(alice, alices_client), start))  # all at one moment
        if minute % 2:
            start += datetime.timedelta(minutes=1)
    newest_first = sorted(made, key=lambda c: (c.created_at, c.pk), reverse=True)
    everything = Consultation.objects.filter(consultant=alice)

    seen, cursor = [], None
    while True:
        page = page_of(everything, before=cursor, size=3)
        seen += page.consultations
        if page.older is None:
            break
        cursor = page.older
    assert [c.pk for c in seen] == [c.pk for c in newest_first]

    back = page_of(everything, after=Cursor.of(newest_first[3]), size=3)
    assert [c.pk for c in back.consultations] == [c.pk for c in newest_first[:3]]
    assert back.newer is None and back.older == Cursor.of(newest_first[2])


def test_the_pages_links_keep_the_filters(alice, alices_client):
    for _ in range(51):
        new_consultation(alice, alices_client, outcome=Outcome.REFERRED)
    text = browser_for(alice).get(URL, {"outcome": "referred"}).content.decode()
    assert "outcome=referred&amp;before=" in text
    assert "after=" not in text
