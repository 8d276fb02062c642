"""The desk's click-to-call and status endpoints: who may use them, and what bad input gets."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from hotline_asterisk_connector.models import Call, ConsultantLine
from tests.conftest import PASSWORD

DIAL = reverse("hotline_workspace:dial")
STATUS = reverse("hotline_workspace:status")


@pytest.fixture
def alice_client(client, alice):
    client.login(username="alice", password=PASSWORD)
    return client


def test_anonymous_user_is_sent_to_the_login_page(client, db):
    response = client.post(DIAL, {"number": "0671234567"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_without_a_role_is_refused(client, db):
    User.objects.create_user("mallory", password=PASSWORD)
    client.login(username="mallory", password=PASSWORD)
    assert client.post(DIAL, {"number": "0671234567"}).status_code == 403
    assert client.post(STATUS, {"state": "available"}).status_code == 403


def test_a_number_that_is_no_number_gets_a_message_in_ukrainian(alice_client):
    response = alice_client.post(DIAL, {"number": "абв"})
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "«абв» — це не номер телефону."}
    assert not Call.objects.exists()


def test_a_consultant_without_a_line_is_told_to_ask_the_administrator(alice_client):
    response = alice_client.post(DIAL, {"number": "067 123 45 67"})
    assert response.status_code == 400
    assert "адміністратора" in response.json()["error"]


def test_a_pause_needs_a_known_reason(alice_client, alice):
    ConsultantLine.objects.create(
        user=alice, extension="1001", webrtc_password="x", sip_password="y"
    )
    response = alice_client.post(STATUS, {"state": "paused", "reason": "nap"})
    assert response.status_code == 400
    assert response.json()["error"] == "Оберіть причину паузи."


def test_an_unknown_status_is_refused(alice_client):
    response = alice_client.post(STATUS, {"state": "dancing"})
    assert response.status_code == 400
    assert response.json()["error"] == "Оберіть статус."


def test_a_line_that_is_no_number_is_refused(alice_client):
    response = alice_client.post(DIAL, {"number": "067 123 45 67", "trunk": "first"})
    assert response.status_code == 400
    assert response.json()["error"] == "Оберіть одну з наведених ліній."


def test_the_old_queue_state_api_is_gone(alice_client):
    assert alice_client.get("/calls/state/").status_code == 404
    assert alice_client.post("/calls/queue/login/").status_code == 404
    assert alice_client.post("/calls/dial/", {"number": "0671234567"}).status_code == 404
