"""`manage.py load_demo_data`: idempotent, passwords printed once, a demo consultant can work."""

import datetime
import io
import re

from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from hotline_crm.models import Client, Consultation
from hotline_crm.roles import is_administrator, is_consultant, is_supervisor


def load(monkeypatch, password: str | None = None) -> str:
    if password is None:
        monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("DEMO_PASSWORD", password)
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def printed_passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\S+)\s+\(\w+\) password: (\S+)$", output, re.M))


def test_demo_users_get_their_roles_and_printed_passwords_that_work(monkeypatch, db):
    passwords = printed_passwords(load(monkeypatch))

    assert sorted(passwords) == ["admin", "consultant", "consultant2", "supervisor"]
    assert len(set(passwords.values())) == 4
    for username, password in passwords.items():
        assert User.objects.get(username=username).check_password(password)
    assert is_consultant(User.objects.get(username="consultant"))
    assert is_consultant(User.objects.get(username="consultant2"))
    assert is_supervisor(User.objects.get(username="supervisor"))
    assert is_administrator(User.objects.get(username="admin"))


def test_loading_twice_changes_nothing_and_prints_no_password(monkeypatch, db):
    load(monkeypatch)
    counts = (User.objects.count(), Client.objects.count(), Consultation.objects.count())

    again = load(monkeypatch)

    assert printed_passwords(again) == {}
    assert "password unchanged" in again
    assert (User.objects.count(), Client.objects.count(), Consultation.objects.count()) == counts
    assert counts[1:] == (5, 5)


def test_demo_password_from_the_environment(monkeypatch, db):
    passwords = printed_passwords(load(monkeypatch, password="demo-pass-123"))
    assert set(passwords.values()) == {"demo-pass-123"}
    assert User.objects.get(username="supervisor").check_password("demo-pass-123")


def test_demo_consultant_finds_a_client_edits_the_card_and_saves_a_consultation(
    monkeypatch, db, client
):
    passwords = printed_passwords(load(monkeypatch))
    assert client.login(username="consultant", password=passwords["consultant"])

    found = client.get(reverse("hotline_crm:workspace"), {"q": "067 000 00 01"})
    card = Client.objects.get(phones__number="+380670000001")
    assert found["Location"] == reverse("hotline_crm:client_detail", args=[card.pk])
    assert "Марія" in client.get(found["Location"]).content.decode()

    phone = card.phones.get()
    edited = client.post(
        reverse("hotline_crm:client_edit", args=[card.pk]),
        {
            "name": "Марія",
            "age": "25",
            "age_status": "known",
            "gender": "female",
            "oblast": "UA-12",
            "settlement_type": "city",
            "settlement": "Дніпро",
            "idp_status": "",
            "is_confidential": "on",
            "callback_safety": "safe",
            "messages_allowed": "none",
            "notes": "Зручно дзвонити ввечері.",
            "phones-TOTAL_FORMS": "1",
            "phones-INITIAL_FORMS": "1",
            "phones-0-id": str(phone.pk),
            "phones-0-number": "067 000 0001",
            "phones-0-label": "",
        },
    )
    assert edited.status_code == 302

    topic = card.consultations.first().topics.first()
    saved = client.post(
        reverse("hotline_crm:consultation_create", args=[card.pk]),
        {
            "card-age": "25",
            "card-age_status": "known",
            "card-gender": "female",
            "card-oblast": "UA-12",
            "card-settlement_type": "city",
            "caller_relation": "self",
            "topics": [str(topic.pk)],
            "summary": "Повторне звернення.",
            "outcome": "informed",
        },
    )
    assert saved.status_code == 302
    card.refresh_from_db()
    assert card.notes == "Зручно дзвонити ввечері."
    newest = card.consultations.order_by("-created_at").first()
    assert (newest.summary, newest.snapshot_age) == ("Повторне звернення.", 25)


def test_the_demo_has_a_client_with_a_safe_contact_profile(db):
    call_command("load_demo_data", stdout=io.StringIO())
    client = Client.objects.get(phones__number="+380500000002")
    assert (client.callback_safety, client.messages_allowed) == ("safe", "none")
    assert (client.safe_from, client.safe_until) == (datetime.time(10), datetime.time(12))
    assert client.code_word and client.if_someone_else_answers
