"""Creating and editing a card: phone numbers, validation messages, nothing typed is lost."""

import pytest
from django.urls import reverse

from hotline_crm.models import AgeStatus, Client, ClientPhone, Gender, Oblast
from tests.crm.conftest import ALICES_NUMBER, browser_for, new_client


def card_data(phones: list[tuple[str, str]] = (), existing: list[ClientPhone] = (), **fields):
    """A POST of the card form as the browser sends it."""
    data = {
        "name": "",
        "age": "",
        "age_status": AgeStatus.UNKNOWN,
        "gender": "",
        "oblast": "",
        "settlement_type": "",
        "settlement": "",
        "idp_status": "",
        "is_confidential": "on",
        "notes": "",
        "phones-TOTAL_FORMS": str(len(existing) + len(phones)),
        "phones-INITIAL_FORMS": str(len(existing)),
        "phones-MIN_NUM_FORMS": "0",
        "phones-MAX_NUM_FORMS": "1000",
    }
    for index, phone in enumerate(existing):
        data[f"phones-{index}-id"] = str(phone.pk)
        data[f"phones-{index}-number"] = phone.number
        data[f"phones-{index}-label"] = phone.label
    for offset, (number, label) in enumerate(phones):
        index = len(existing) + offset
        data[f"phones-{index}-number"] = number
        data[f"phones-{index}-label"] = label
    data.update(fields)
    return data


def create(user, data):
    return browser_for(user).post(reverse("hotline_crm:client_create"), data)


def test_new_card_stores_every_number_in_e164_and_opens_the_card(alice):
    data = card_data(
        [("(067) 123-45-67", "мобільний"), ("8 050 111 22 33", "сестра")],
        name="Олена",
        age="31",
        gender=Gender.FEMALE,
        oblast=Oblast.ZAPORIZHZHIA,
    )
    response = create(alice, data)

    client = Client.objects.get(name="Олена")
    assert response.status_code == 302
    assert response["Location"] == reverse("hotline_crm:client_detail", args=[client.pk])
    assert list(client.phones.values_list("number", "raw", "label")) == [
        ("+380671234567", "(067) 123-45-67", "мобільний"),
        ("+380501112233", "8 050 111 22 33", "сестра"),
    ]
    # Typing an age is knowing it, even if the "known" mark was left alone.
    assert (client.age, client.age_status) == (31, AgeStatus.KNOWN)
    assert client.created_by == alice
    assert client.is_confidential


def test_a_card_may_have_no_name_and_no_demographics(alice):
    response = create(alice, card_data([("0931234567", "")]))
    assert response.status_code == 302
    assert ClientPhone.objects.get(number="+380931234567").client.name == ""


def test_number_from_the_search_is_prefilled_and_saved_unchanged(alice):
    page = browser_for(alice).get(reverse("hotline_crm:client_create"), {"phone": "0671234567"})
    assert 'value="0671234567"' in page.content.decode()

    # The browser sends the prefilled number back exactly as it was shown.
    data = card_data([("0671234567", "")])
    assert create(alice, data).status_code == 302
    assert ClientPhone.objects.filter(number=ALICES_NUMBER).exists()


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("067 123 45 6", "Закороткий: повний номер має 10 цифр"),
        ("067 123 45 678", "Задовгий: повний номер має 10 цифр"),
        ("012 345 67 89", "починаються з 012"),
        ("067 12З 45 67", "лише цифри"),  # a Cyrillic З typed for a 3
    ],
)
def test_invalid_number_says_why_and_keeps_everything_typed(alice, typed, reason):
    data = card_data([(typed, "мобільний")], name="Олена", settlement="Вільнянськ", notes="Нотатка")
    response = create(alice, data)

    text = response.content.decode()
    assert response.status_code == 200
    assert reason in text
    assert "Нічого ще не збережено" in text
    for kept in (typed, "мобільний", "Олена", "Вільнянськ", "Нотатка"):
        assert kept in text
    assert not Client.objects.exists()


def test_number_on_another_card_is_refused_naming_that_card(alice, alices_client):
    response = create(alice, card_data([("+380 67 123 45 67", "")], name="Друга картка"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Цей номер уже є в іншій картці" in text
    link = reverse("hotline_crm:client_detail", args=[alices_client.pk])
    assert f'<a href="{link}">Марія Петренко</a>' in text
    assert "Друга картка" in text
    assert Client.objects.count() == 1


def test_consultant_who_may_not_see_the_other_card_gets_its_number_not_its_name(bob, alices_client):
    response = create(bob, card_data([("0671234567", "")]))

    text = response.content.decode()
    assert "Цей номер уже є в іншій картці" in text
    assert "Марія Петренко" not in text
    search = reverse("hotline_crm:workspace") + "?q=%2B380671234567"
    assert f'<a href="{search}">картка №{alices_client.pk}</a>' in text


def test_same_number_twice_on_one_card_is_refused(alice):
    response = create(alice, card_data([("0671234567", ""), ("+380671234567", "")]))
    assert "Цей номер уже введено вище." in response.content.decode()
    assert not Client.objects.exists()


def test_age_marked_known_needs_the_age(alice):
    response = create(alice, card_data([("0671234567", "")], age_status=AgeStatus.KNOWN))
    assert "Введіть вік у роках" in response.content.decode()
    assert not Client.objects.exists()


def test_age_over_120_is_refused(alice):
    response = create(alice, card_data([("0671234567", "")], age="130"))
    assert response.status_code == 200
    assert "120" in response.content.decode()
    assert not Client.objects.exists()


def test_edit_changes_the_card_and_its_numbers(alice, alices_client):
    phone = alices_client.phones.get()
    data = card_data(
        [("0501112233", "робочий")],
        existing=[phone],
        name="Марія П.",
        oblast=Oblast.KYIV_CITY,
    )
    data["phones-0-label"] = "основний"
    url = reverse("hotline_crm:client_edit", args=[alices_client.pk])

    response = browser_for(alice).post(url, data)

    assert response.status_code == 302
    alices_client.refresh_from_db()
    assert alices_client.name == "Марія П."
    assert alices_client.oblast == Oblast.KYIV_CITY
    assert list(alices_client.phones.values_list("number", "label")) == [
        (ALICES_NUMBER, "основний"),
        ("+380501112233", "робочий"),
    ]


def test_a_number_can_be_removed_from_a_card(alice, alices_client):
    phone = alices_client.phones.get()
    data = card_data(existing=[phone], name=alices_client.name)
    data["phones-0-DELETE"] = "on"
    url = reverse("hotline_crm:client_edit", args=[alices_client.pk])
    assert browser_for(alice).post(url, data).status_code == 302
    assert not alices_client.phones.exists()


def test_a_raw_caller_id_on_a_card_survives_an_edit(alice):
    # The connector keeps withheld or short caller IDs raw; editing the card must not trip on them.
    client = new_client(alice, "112")
    phone = client.phones.get()
    url = reverse("hotline_crm:client_edit", args=[client.pk])
    response = browser_for(alice).post(url, card_data(existing=[phone], name="Невідома"))
    assert response.status_code == 302
    assert list(client.phones.values_list("number", flat=True)) == ["112"]


def test_number_of_another_card_cannot_be_claimed_by_editing(alice, alices_client):
    other = new_client(alice, "+380501112233", name="Інша")
    phone = other.phones.get()
    data = card_data(existing=[phone], name="Інша")
    data["phones-0-number"] = "067 123 45 67"
    response = browser_for(alice).post(reverse("hotline_crm:client_edit", args=[other.pk]), data)
    assert "Цей номер уже є в іншій картці" in response.content.decode()
    assert list(other.phones.values_list("number", flat=True)) == ["+380501112233"]


def test_card_page_shows_numbers_the_way_ukrainians_write_them(alice, alices_client):
    page = browser_for(alice).get(reverse("hotline_crm:client_detail", args=[alices_client.pk]))
    assert "067 123 4567" in page.content.decode()
