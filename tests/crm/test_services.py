"""The write functions themselves: all or nothing, and a race for a number loses cleanly."""

import pytest

from hotline_crm import services
from hotline_crm.models import Client, ClientAccess, ClientPhone
from tests.crm.conftest import ALICES_NUMBER, new_client


def test_a_card_whose_number_was_just_taken_is_not_saved_at_all(bob, alices_client):
    # Validation passed on Bob's screen; Alice's card got the number first.
    card = Client(name="Друга")
    with pytest.raises(services.PhoneNumberTaken) as taken:
        services.create_client(
            by=bob,
            client=card,
            phones=[ClientPhone(number="+380501112233"), ClientPhone(number=ALICES_NUMBER)],
        )
    assert taken.value.number == ALICES_NUMBER
    assert list(Client.objects.all()) == [alices_client]
    assert not ClientPhone.objects.filter(number="+380501112233").exists()
    assert not ClientAccess.objects.filter(user=bob).exists()


def test_an_edit_losing_the_race_for_a_number_changes_nothing(alice, alices_client):
    other = new_client(alice, "+380501112233", name="Інша")
    other.name = "Змінена"
    with pytest.raises(services.PhoneNumberTaken):
        services.update_client(by=alice, client=other, phones=[ClientPhone(number=ALICES_NUMBER)])
    other.refresh_from_db()
    assert other.name == "Інша"
    assert list(other.phones.values_list("number", flat=True)) == ["+380501112233"]


def test_a_number_can_move_between_rows_of_one_card_in_one_save(alice, alices_client):
    old = alices_client.phones.get()
    services.update_client(
        by=alice,
        client=alices_client,
        phones=[ClientPhone(number=ALICES_NUMBER, label="новий рядок")],
        removed=[old],
    )
    assert list(alices_client.phones.values_list("number", "label")) == [
        (ALICES_NUMBER, "новий рядок")
    ]


def test_supervisors_need_no_access_record(carol, alices_client):
    services.grant_card_access(carol, alices_client, "call")
    assert not ClientAccess.objects.filter(user=carol).exists()


def test_access_is_recorded_once_with_its_first_reason(bob, alices_client):
    services.grant_card_access(bob, alices_client, "call")
    services.grant_card_access(bob, alices_client, "phone_lookup")
    assert list(ClientAccess.objects.filter(user=bob).values_list("reason", flat=True)) == ["call"]
