"""Finding a client: by exact number across all cards, by name among one's own."""

import pytest
from django.urls import reverse

from hotline_crm.models import Client
from tests.crm.conftest import browser_for, new_client


def search(user, query):
    return browser_for(user).get(reverse("hotline_crm:workspace"), {"q": query})


@pytest.mark.parametrize("query", ["олена", "ОЛЕНА", "Олена", "лен"])
def test_name_search_ignores_case_of_cyrillic_letters(alice, query):
    client = new_client(alice, "+380671234567", name="Олена Шевчук")
    page = search(alice, query)
    assert reverse("hotline_crm:client_detail", args=[client.pk]) in page.content.decode()


def test_name_search_ignores_which_apostrophe_was_typed(alice):
    client = new_client(alice, "+380671234567", name="Дар’я")
    page = search(alice, "дар'я")
    assert reverse("hotline_crm:client_detail", args=[client.pk]) in page.content.decode()


def test_unknown_number_offers_a_new_card_with_that_number(alice):
    page = search(alice, "050 111 22 33")
    text = page.content.decode()
    assert "Картки з номером 050 111 2233 немає." in text
    assert reverse("hotline_crm:client_create") + "?phone=050%20111%2022%2033" in text


def test_number_kept_raw_is_found_by_its_raw_text(alice):
    client = new_client(alice, "112")
    found = search(alice, "112")
    assert found["Location"] == reverse("hotline_crm:client_detail", args=[client.pk])


def test_name_search_result_lists_the_clients_numbers(alice):
    new_client(alice, "+380671234567", name="Олена")
    assert "067 123 4567" in search(alice, "Олена").content.decode()


def test_saving_keeps_the_folded_name_in_step_with_the_name(alice):
    client = new_client(alice, "+380671234567", name="Олена")
    client.name = "ІРИНА"
    client.save(update_fields=["name"])
    assert Client.objects.get(pk=client.pk).name_key == "ірина"
