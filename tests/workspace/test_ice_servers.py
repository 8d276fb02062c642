"""The browser phone's STUN/TURN servers: coturn's time-limited credentials
(use-auth-secret), for the signed-in consultant's own line only."""

import base64
import hashlib
import hmac
import time

import pytest

from hotline_asterisk_connector.models import ConsultantLine
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
SECRET = "shared-with-coturn"


@pytest.fixture
def turn(settings):
    settings.HOTLINE_TURN_SECRET = SECRET
    settings.HOTLINE_TURN_HOST = ""
    settings.HOTLINE_TURN_PORT = 3478
    settings.HOTLINE_TURN_TLS_PORT = 443
    settings.HOTLINE_TURN_TTL_SECONDS = 3600
    settings.ALLOWED_HOSTS = ["hotline.example.org", "testserver"]


def line_for(user, extension: str) -> ConsultantLine:
    return ConsultantLine.objects.create(
        user=user, extension=extension, webrtc_password="w", sip_password="s"
    )


def ice_of(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client.get("/desk/ice", HTTP_HOST="hotline.example.org")


def test_consultant_gets_stun_and_turn_on_udp_tcp_and_tls(client, alice, turn):
    line = line_for(alice, "1001")
    before = int(time.time())
    response = ice_of(client, alice)
    assert response["Cache-Control"] == "no-store"
    stun, relay = response.json()["iceServers"]
    assert stun == {"urls": ["stun:hotline.example.org:3478"]}
    assert relay["urls"] == [
        "turn:hotline.example.org:3478?transport=udp",
        "turn:hotline.example.org:3478?transport=tcp",
        "turns:hotline.example.org:443?transport=tcp",
    ]
    expires, name = relay["username"].split(":")
    assert name == line.webrtc_endpoint
    assert before + 3600 <= int(expires) <= int(time.time()) + 3600
    # What coturn computes from the same secret: base64(HMAC-SHA1(secret, username)).
    expected = hmac.new(SECRET.encode(), relay["username"].encode(), hashlib.sha1).digest()
    assert relay["credential"] == base64.b64encode(expected).decode()


def test_each_consultant_gets_credentials_of_their_own_line(client, alice, bob, turn):
    line_for(alice, "1001")
    bob_line = line_for(bob, "1002")
    relay = ice_of(client, bob).json()["iceServers"][1]
    assert relay["username"].endswith(":" + bob_line.webrtc_endpoint)


def test_without_a_turn_secret_the_phone_gets_no_servers(client, alice, turn, settings):
    settings.HOTLINE_TURN_SECRET = ""
    line_for(alice, "1001")
    assert ice_of(client, alice).json() == {"iceServers": []}


def test_a_user_without_a_line_gets_none(client, carol, turn):
    assert ice_of(client, carol).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, turn):
    response = client.get("/desk/ice")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "/accounts/login" in response["Location"]
