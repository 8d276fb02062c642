"""Journal filters: dates in Kyiv time, direction, outcome, line number, consultant, phone."""

import datetime

import pytest
from django.urls import reverse

from hotline_asterisk_connector.models import CallDirection, Disposition
from tests.conftest import PASSWORD
from tests.workspace.conftest import KYIV, make_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def journal(client, carol, alice, bob):
    client.login(username=carol.username, password=PASSWORD)
    calls = {
        # 23:30 Kyiv on 1 March is 21:30 UTC: it belongs to 1 March, not 2 March.
        "late_evening": make_call(
            "f.1",
            started_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=KYIV),
            consultant=alice,
        ),
        "morning": make_call(
            "f.2",
            started_at=datetime.datetime(2026, 3, 2, 0, 15, tzinfo=KYIV),
            consultant=bob,
            caller_number="+380501112233",
            dialled_number="+380671000000",
        ),
        "abandoned": make_call(
            "f.3",
            started_at=datetime.datetime(2026, 3, 2, 9, 0, tzinfo=KYIV),
            disposition=Disposition.ABANDONED,
        ),
        "outbound": make_call(
            "f.4",
            started_at=datetime.datetime(2026, 3, 3, 12, 0, tzinfo=KYIV),
            direction=CallDirection.OUTBOUND,
            disposition=Disposition.OUTBOUND_ANSWERED,
            caller_number="",
            callee_number="+380931234567",
            consultant=alice,
        ),
    }

    def shown(**params) -> set[str]:
        response = client.get(reverse("hotline_workspace:journal"), params)
        assert response.status_code == 200
        ids = {call.pk for call in response.context["page"]}
        return {name for name, call in calls.items() if call.pk in ids}

    return shown


def test_one_day_in_kyiv_time(journal):
    assert journal(date_from="2026-03-02", date_to="2026-03-02") == {"morning", "abandoned"}
    assert journal(date_to="2026-03-01") == {"late_evening"}


def test_direction_and_outcome(journal):
    assert journal(direction="outbound") == {"outbound"}
    assert journal(disposition="abandoned") == {"abandoned"}


def test_line_number(journal):
    assert journal(dialled_number="+380671000000") == {"morning"}


def test_consultant(journal, alice):
    assert journal(consultant=alice.pk) == {"late_evening", "outbound"}


def test_phone_whole_or_fragment(journal):
    assert journal(phone="050 111 22 33") == {"morning"}
    assert journal(phone="093 123 45 67") == {"outbound"}
    assert journal(phone="1112") == {"morning"}


def test_start_after_end_is_refused_with_a_message(client, journal):
    response = client.get(
        reverse("hotline_workspace:journal"), {"date_from": "2026-03-03", "date_to": "2026-03-01"}
    )
    assert list(response.context["page"]) == []
    assert "Дата початку пізніша за дату кінця." in str(response.context["form"].errors)


def test_consultant_cannot_filter_for_someone_else(client, alice, bob):
    make_call("f.5", consultant=bob)
    client.login(username=alice.username, password=PASSWORD)
    response = client.get(reverse("hotline_workspace:journal"), {"consultant": bob.pk})
    assert list(response.context["page"]) == []
