"""Click-to-call and queue endpoints: who may use them, and what bad input gets."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from hotline_asterisk_connector.models import Call, ConsultantLine, ConsultantState, PresenceState
from tests.conftest import PASSWORD


@pytest.fixture
def alice_client(client, alice):
    client.login(username="alice", password=PASSWORD)
    return client


def test_anonymous_user_is_sent_to_the_login_page(client, db):
    response = client.post(reverse("hotline_asterisk_connector:dial"), {"number": "0671234567"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_without_a_role_is_refused(client, db):
    User.objects.create_user("mallory", password=PASSWORD)
    client.login(username="mallory", password=PASSWORD)
    assert (
        client.post(
            reverse("hotline_asterisk_connector:dial"), {"number": "0671234567"}
        ).status_code
        == 403
    )
    assert client.get(reverse("hotline_asterisk_connector:state")).status_code == 403


def test_a_number_that_is_no_number_gets_a_message_in_ukrainian(alice_client):
    response = alice_client.post(reverse("hotline_asterisk_connector:dial"), {"number": "абв"})
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "«абв» — це не номер телефону."}
    assert not Call.objects.exists()


def test_a_consultant_without_a_line_is_told_to_ask_the_administrator(alice_client):
    response = alice_client.post(
        reverse("hotline_asterisk_connector:dial"), {"number": "067 123 45 67"}
    )
    assert response.status_code == 400
    assert "адміністратора" in response.json()["error"]


def test_a_pause_needs_a_known_reason(alice_client, alice):
    ConsultantLine.objects.create(
        user=alice, extension="1001", webrtc_password="x", sip_password="y"
    )
    response = alice_client.post(
        reverse("hotline_asterisk_connector:queue", args=["pause"]), {"reason": "nap"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "Оберіть причину перерви."


def test_an_unknown_queue_action_is_404(alice_client):
    response = alice_client.post(reverse("hotline_asterisk_connector:queue", args=["dance"]))
    assert response.status_code == 404


def test_state_is_the_consultants_own(alice_client, alice, bob):
    ConsultantState.objects.create(user=bob, state=PresenceState.ON_CALL)
    ConsultantState.objects.create(user=alice, state=PresenceState.PAUSED, pause_reason="break")
    body = alice_client.get(reverse("hotline_asterisk_connector:state")).json()
    assert (body["state"], body["label"], body["pause_reason"]) == ("paused", "Перерва", "break")
