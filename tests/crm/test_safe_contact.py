"""The safe-contact profile: when a callback goes against what the client asked."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from hotline_crm import safe_contact
from hotline_crm.models import CallbackSafety, Client, MessagePolicy

KYIV = ZoneInfo("Europe/Kyiv")


def at(hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 12, 1, hour, minute, tzinfo=KYIV)


def card(**fields) -> Client:
    return Client(**fields)


def test_no_profile_no_warnings():
    assert safe_contact.warnings(card(), "+380501234567", at(3)) == []
    assert safe_contact.warnings(None, "+380501234567", at(3)) == []


def test_no_callback_warns_at_any_hour():
    client = card(callback_safety=CallbackSafety.NEVER)
    assert safe_contact.warnings(client, "+380501234567", at(11)) == [
        "Клієнт(ка) просить не передзвонювати."
    ]


@pytest.mark.parametrize(
    ("hour", "minute", "outside"),
    [(9, 59, True), (10, 0, False), (11, 59, False), (12, 0, True), (23, 0, True)],
)
def test_outside_the_safe_hours_warns(hour, minute, outside):
    client = card(safe_from=datetime.time(10), safe_until=datetime.time(12))
    found = safe_contact.warnings(client, "", at(hour, minute))
    assert found == (
        ["Зараз поза безпечними годинами клієнта(ки) (10:00–12:00)."] if outside else []
    )


def test_safe_hours_may_run_past_midnight():
    client = card(safe_from=datetime.time(22), safe_until=datetime.time(7))
    assert safe_contact.within_safe_hours(client, at(23)) is True
    assert safe_contact.within_safe_hours(client, at(6, 30)) is True
    assert safe_contact.within_safe_hours(client, at(12)) is False


def test_another_number_than_the_safe_one_warns():
    client = card(safe_number="+380501234567")
    assert safe_contact.warnings(client, "+380501234567", at(11)) == []
    assert safe_contact.warnings(client, "+380671112233", at(11)) == [
        "Клієнт(ка) просить телефонувати лише на 050 123 4567."
    ]


@pytest.mark.django_db
def test_a_new_confidential_card_leaves_no_messages():
    assert Client.objects.create().messages_allowed == MessagePolicy.NONE
    assert Client.objects.create(is_confidential=False).messages_allowed == ""
