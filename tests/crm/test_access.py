"""Who may open what: every CRM page and object, for each role.

Tests that pick a persona by name ask for `db` themselves: pytest-django
orders tests by the fixtures it can see, and would otherwise run them after
the transactional tests that empty the role groups.

Alice (consultant) created the card and wrote the form; Bob (consultant) did
neither; Carol (supervisor) and Dave (administrator) see everything.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from hotline_asterisk_connector.models import Call, CallLeg, Disposition
from hotline_crm.models import Client, ClientAccess
from tests.crm.conftest import (
    ALICES_NUMBER,
    SECRET_SUMMARY,
    break_glass,
    browser_for,
    new_client,
    new_consultation,
)

PERSONAS = ["alice", "bob", "carol", "dave"]


@pytest.fixture
def nobody(db) -> User:
    """Signed in, but in no role: a disabled colleague or a half-made account."""
    return User.objects.create_user("nobody", password="x-unused-x")


@pytest.mark.parametrize("name", ["workspace", "client_create", "consultation_list"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_opens_the_general_pages(db, request, persona, name):
    user = request.getfixturevalue(persona)
    assert browser_for(user).get(reverse(f"hotline_crm:{name}")).status_code == 200


@pytest.mark.parametrize("name", ["workspace", "client_create", "consultation_list"])
def test_anonymous_visitor_is_sent_to_the_login_page(db, name):
    response = browser_for(None).get(reverse(f"hotline_crm:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["workspace", "client_create", "consultation_list"])
def test_user_without_a_role_is_refused(nobody, name):
    assert browser_for(nobody).get(reverse(f"hotline_crm:{name}")).status_code == 403


def test_user_without_a_role_cannot_open_a_card(nobody, alices_client):
    url = reverse("hotline_crm:client_detail", args=[alices_client.pk])
    assert browser_for(nobody).get(url).status_code == 403


@pytest.mark.parametrize(
    ("persona", "expected"), [("alice", 200), ("bob", 404), ("carol", 200), ("dave", 200)]
)
@pytest.mark.parametrize("name", ["client_detail", "client_edit", "consultation_create"])
def test_card_pages_by_role(request, alices_client, persona, expected, name):
    user = request.getfixturevalue(persona)
    url = reverse(f"hotline_crm:{name}", args=[alices_client.pk])
    assert browser_for(user).get(url).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"), [("alice", 200), ("bob", 404), ("carol", 200), ("dave", 200)]
)
@pytest.mark.parametrize("name", ["consultation_detail", "consultation_edit"])
def test_form_pages_by_role(request, alices_form, persona, expected, name):
    user = request.getfixturevalue(persona)
    url = reverse(f"hotline_crm:{name}", args=[alices_form.pk])
    assert browser_for(user).get(url).status_code == expected


def test_consultant_cannot_open_another_consultants_form_even_after_breaking_the_glass(
    bob, alices_client, alices_form
):
    browser = browser_for(bob)
    opened = break_glass(browser, "067 123 45 67")
    assert opened["Location"] == reverse("hotline_crm:client_detail", args=[alices_client.pk])

    assert browser.get(opened["Location"]).status_code == 200
    for name in ["consultation_detail", "consultation_edit"]:
        url = reverse(f"hotline_crm:{name}", args=[alices_form.pk])
        assert browser.get(url).status_code == 404


def test_consultant_sees_that_another_consultants_form_exists_but_not_its_text(
    bob, alices_client, alices_form
):
    ClientAccess.objects.create(user=bob, client=alices_client, reason="call")
    page = browser_for(bob).get(reverse("hotline_crm:client_detail", args=[alices_client.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Аліна" in text  # who wrote it, so Bob can ask her
    assert SECRET_SUMMARY not in text
    assert "Психологічне або емоційне насильство" not in text  # nor its topics
    assert reverse("hotline_crm:consultation_detail", args=[alices_form.pk]) not in text


def test_author_and_supervisor_read_the_form_text_on_the_card(alice, carol, alices_form):
    url = reverse("hotline_crm:client_detail", args=[alices_form.client_id])
    for user in (alice, carol):
        assert SECRET_SUMMARY in browser_for(user).get(url).content.decode()


def test_consultant_cannot_change_a_card_they_may_not_see(bob, alices_client):
    url = reverse("hotline_crm:client_edit", args=[alices_client.pk])
    response = browser_for(bob).post(url, {"name": "Змінено", "age_status": "unknown"})
    assert response.status_code == 404
    alices_client.refresh_from_db()
    assert alices_client.name == "Марія Петренко"


def test_consultant_cannot_write_a_form_for_a_card_they_may_not_see(bob, alices_client):
    url = reverse("hotline_crm:consultation_create", args=[alices_client.pk])
    response = browser_for(bob).post(url, {"outcome": "informed"})
    assert response.status_code == 404
    assert not alices_client.consultations.exists()


def test_consultant_cannot_correct_another_consultants_form(bob, alices_form):
    url = reverse("hotline_crm:consultation_edit", args=[alices_form.pk])
    response = browser_for(bob).post(url, {"summary": "переписано", "outcome": "informed"})
    assert response.status_code == 404
    alices_form.refresh_from_db()
    assert alices_form.summary == SECRET_SUMMARY


def test_my_consultations_lists_only_my_own(alice, bob, alices_form):
    bobs_client = new_client(bob, "+380501112233", name="Оксана")
    bobs_form = new_consultation(bob, bobs_client, summary="Бобова консультація")

    alices_list = browser_for(alice).get(reverse("hotline_crm:consultation_list"))
    bobs_list = browser_for(bob).get(reverse("hotline_crm:consultation_list"))

    alices_link = reverse("hotline_crm:consultation_detail", args=[alices_form.pk])
    bobs_link = reverse("hotline_crm:consultation_detail", args=[bobs_form.pk])
    assert alices_link in alices_list.content.decode()
    assert bobs_link not in alices_list.content.decode()
    assert bobs_link in bobs_list.content.decode()
    assert alices_link not in bobs_list.content.decode()


def test_supervisor_lists_everyones_forms_or_only_her_own(carol, bob, alices_form):
    bobs_form = new_consultation(bob, new_client(bob, "+380501112233"))
    everyone = browser_for(carol).get(reverse("hotline_crm:consultation_list")).content.decode()
    mine = (
        browser_for(carol)
        .get(reverse("hotline_crm:consultation_list"), {"mine": "1"})
        .content.decode()
    )
    for form in (alices_form, bobs_form):
        link = reverse("hotline_crm:consultation_detail", args=[form.pk])
        assert link in everyone
        assert link not in mine


def test_consultant_asking_for_everyones_forms_still_gets_only_her_own(alice, bob, alices_form):
    bobs_form = new_consultation(bob, new_client(bob, "+380501112233"))
    page = browser_for(alice).get(reverse("hotline_crm:consultation_list"), {"mine": "0"})
    assert reverse("hotline_crm:consultation_detail", args=[bobs_form.pk]) not in (
        page.content.decode()
    )


def test_search_by_name_finds_only_cards_the_consultant_served(alice, bob, carol, alices_client):
    for user, found in ((alice, True), (bob, False), (carol, True)):
        page = browser_for(user).get(reverse("hotline_crm:workspace"), {"q": "Петренко"})
        link = reverse("hotline_crm:client_detail", args=[alices_client.pk])
        assert (link in page.content.decode()) is found, user.username


def test_exact_phone_search_alone_opens_nothing_and_offers_break_glass(bob, alices_client):
    browser = browser_for(bob)
    url = reverse("hotline_crm:client_detail", args=[alices_client.pk])

    found = browser.get(reverse("hotline_crm:workspace"), {"q": "(067) 123-45-67"})

    assert found.status_code == 200
    text = found.content.decode()
    assert url not in text and "Марія" not in text
    assert reverse("hotline_crm:break_glass") in text
    assert browser.get(url).status_code == 404
    assert not ClientAccess.objects.filter(user=bob).exists()


def test_old_exact_number_accesses_open_nothing_any_more(bob, alices_client):
    ClientAccess.objects.create(user=bob, client=alices_client, reason="phone_lookup")
    url = reverse("hotline_crm:client_detail", args=[alices_client.pk])
    assert browser_for(bob).get(url).status_code == 404


def test_part_of_a_number_finds_nothing_and_opens_nothing(bob, alices_client):
    page = browser_for(bob).get(reverse("hotline_crm:workspace"), {"q": "067 123 45"})
    assert page.status_code == 200
    assert reverse("hotline_crm:client_detail", args=[alices_client.pk]) not in (
        page.content.decode()
    )
    assert not ClientAccess.objects.filter(user=bob).exists()


def _call(client: Client, linkedid: str, **fields) -> Call:
    return Call.objects.create(
        linkedid=linkedid, client=client, caller_number=ALICES_NUMBER, **fields
    )


def test_consultant_rung_for_a_call_may_open_the_callers_card(bob, alices_client):
    call = _call(alices_client, "1700000000.1")
    CallLeg.objects.create(call=call, uniqueid="1700000000.2", consultant=bob)
    url = reverse("hotline_crm:client_detail", args=[alices_client.pk])
    assert browser_for(bob).get(url).status_code == 200


def test_consultant_who_answered_a_call_may_open_the_callers_card(bob, alices_client):
    _call(alices_client, "1700000000.1", consultant=bob, disposition=Disposition.ANSWERED)
    url = reverse("hotline_crm:client_detail", args=[alices_client.pk])
    assert browser_for(bob).get(url).status_code == 200


def test_history_shows_own_and_missed_calls_but_only_the_time_of_colleagues_calls(
    alice, bob, alices_client
):
    own = _call(alices_client, "1.1", consultant=alice, disposition=Disposition.ANSWERED)
    missed = _call(alices_client, "1.2", disposition=Disposition.ABANDONED)
    colleagues = _call(alices_client, "1.3", consultant=bob, disposition=Disposition.ANSWERED)

    from hotline_crm.access import client_history

    entries = {entry.item.pk: entry for entry in client_history(alice, alices_client)}
    assert not entries[own.pk].restricted
    assert not entries[missed.pk].restricted
    assert entries[colleagues.pk].restricted
