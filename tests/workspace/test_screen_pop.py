"""A consultant's open desk gets the screen pop on its one websocket when a call rings."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client as HttpClient
from django.utils import timezone

from hotline.asgi import application
from hotline_asterisk_connector.ami.client import AmiConfig
from hotline_asterisk_connector.ami.protocol import Message
from hotline_asterisk_connector.connector import Connector
from hotline_asterisk_connector.models import Call, ConsultantLine
from hotline_crm.models import Client, ClientPhone
from tests.conftest import PASSWORD

# Every test here runs on the in-process layer and on the Redis one.
pytestmark = pytest.mark.usefixtures("channel_layer")

DEADLINE = 10
LINKEDID = "1732500000.11"


def inbound(number: str, name: str) -> list[Message]:
    channel = {
        "Channel": "PJSIP/carrier-00000005",
        "Uniqueid": LINKEDID,
        "Linkedid": LINKEDID,
        "CallerIDNum": number,
        "CallerIDName": name,
    }
    return [
        Message(
            {"Event": "UserEvent", "UserEvent": "HotlineInbound", "Did": "0800500123"} | channel
        ),
        Message({"Event": "QueueCallerJoin", "Queue": "hotline", "Position": "1"} | channel),
        Message(
            {
                "Event": "AgentCalled",
                "Queue": "hotline",
                "Interface": "Local/1001@hotline-consultant",
                "MemberName": "alice",
                "DestChannel": "Local/1001@hotline-consultant-00000001;1",
                "DestUniqueid": "1732500000.12",
                "DestLinkedid": LINKEDID,
            }
            | channel
        ),
    ]


async def connect_as(username: str) -> WebsocketCommunicator:
    http = HttpClient()
    await sync_to_async(http.login)(username=username, password=PASSWORD)
    cookie = f"{settings.SESSION_COOKIE_NAME}={http.cookies[settings.SESSION_COOKIE_NAME].value}"
    communicator = WebsocketCommunicator(
        application,
        "/ws/desk/",
        headers=[
            (b"cookie", cookie.encode()),
            (b"origin", b"http://127.0.0.1"),
            (b"host", b"127.0.0.1"),
        ],
    )
    connected, _code = await communicator.connect(timeout=DEADLINE)
    assert connected
    return communicator


@pytest.mark.django_db(transaction=True)
async def test_every_desk_hears_how_many_callers_wait_and_since_when(lines, alice, bob):
    alice_page = await connect_as("alice")
    bob_page = await connect_as("bob")
    # On connecting: nobody waits.
    for page in (alice_page, bob_page):
        assert await page.receive_json_from(timeout=DEADLINE) == {
            "type": "queue.waiting",
            "count": 0,
            "longest_since": None,
        }
    connector = Connector(AmiConfig("127.0.0.1", 1, "x", "y"))
    await connector.apply(inbound("0671234567", ""))
    await connector.aclose()
    call = await sync_to_async(Call.objects.get)(linkedid=LINKEDID)
    for page in (alice_page, bob_page):
        latest = None
        while latest is None or latest["count"] != 1:
            message = await page.receive_json_from(timeout=DEADLINE)
            if message["type"] == "queue.waiting":
                latest = message
        assert latest["longest_since"] == call.queued_at.isoformat()
    await alice_page.disconnect()
    await bob_page.disconnect()


async def next_pop(page: WebsocketCommunicator) -> dict:
    """The next message about the consultant's own calls (every desk also hears the
    queue's waiting callers: docs/websocket-messages.md)."""
    while True:
        message = await page.receive_json_from(timeout=DEADLINE)
        if message["type"] != "queue.waiting":
            return message


async def no_pops(page: WebsocketCommunicator, timeout: float) -> bool:
    """Nothing about the consultant's own calls arrives within `timeout`."""
    while not await page.receive_nothing(timeout=timeout):
        if (await page.receive_json_from())["type"] != "queue.waiting":
            return False
    return True


@pytest.fixture
def lines(role_groups, alice, bob):
    ConsultantLine.objects.create(
        user=alice, extension="1001", webrtc_password="a", sip_password="b"
    )
    ConsultantLine.objects.create(user=bob, extension="1002", webrtc_password="c", sip_password="d")


@pytest.mark.django_db(transaction=True)
async def test_ringing_consultant_gets_the_identified_client(lines, alice):
    card = await Client.objects.acreate(name="Оксана")
    await ClientPhone.objects.acreate(client=card, number="+380671234567")
    alice_page = await connect_as("alice")
    bob_page = await connect_as("bob")
    connector = Connector(AmiConfig("127.0.0.1", 1, "x", "y"))

    await connector.apply(inbound("0671234567", "Оксана К."))
    await connector.aclose()

    pop = await next_pop(alice_page)
    assert pop["type"] == "call.ringing"
    call = pop["call"]
    assert call["client"] == {"id": card.pk, "name": "Оксана"}
    assert call["new_card_number"] == ""
    assert (call["caller_number"], call["caller_name"], call["dialled_number"]) == (
        "+380671234567",
        "Оксана К.",
        "0800500123",
    )
    assert call["linkedid"] == LINKEDID
    # Bob's device did not ring: nothing for him.
    assert await no_pops(bob_page, timeout=0.2)
    await alice_page.disconnect()
    await bob_page.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_unknown_caller_pop_offers_a_new_card_for_the_number(lines, alice):
    alice_page = await connect_as("alice")
    connector = Connector(AmiConfig("127.0.0.1", 1, "x", "y"))
    await connector.apply(inbound("+380501112233", ""))
    await connector.aclose()
    pop = await next_pop(alice_page)
    assert pop["call"]["client"] is None
    assert pop["call"]["new_card_number"] == "+380501112233"
    assert await Client.objects.acount() == 0  # no empty card was created
    await alice_page.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_desk_that_reconnects_shows_the_call_it_is_in(lines, alice, bob):
    """The web app restarted under an answered call (an upgrade): the desk that
    comes back gets the call's tab again, answered by her; a call that ended does not."""
    now = timezone.now()
    talking = await Call.objects.acreate(
        linkedid="1732500000.21",
        caller_number="+380671234567",
        consultant=alice,
        answered_at=now,
    )
    await Call.objects.acreate(
        linkedid="1732500000.20",
        caller_number="+380501112233",
        consultant=alice,
        answered_at=now,
        ended_at=now,
    )
    alice_page = await connect_as("alice")
    bob_page = await connect_as("bob")

    ringing = await next_pop(alice_page)
    assert ringing["type"] == "call.ringing"
    assert (ringing["call"]["call_id"], ringing["call"]["caller_number"]) == (
        talking.pk,
        "+380671234567",
    )
    assert await next_pop(alice_page) == {
        "type": "call.answered",
        "call_id": talking.pk,
        "linkedid": "1732500000.21",
        "answered_by_you": True,
    }
    assert await no_pops(alice_page, timeout=0.2)
    assert await no_pops(bob_page, timeout=0.2)
    await alice_page.disconnect()
    await bob_page.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_websocket_without_a_login_is_closed(db):
    communicator = WebsocketCommunicator(
        application,
        "/ws/desk/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")],
    )
    connected, code = await communicator.connect(timeout=DEADLINE)
    assert not connected
    assert code == 4403
    # As Daphne does after a refused handshake: the consumer ends the usual way,
    # not cancelled amid a Redis receive when the test's loop closes (that hung CI).
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_the_consultants_page_hears_that_the_app_went_away_and_stays_open(lines, alice):
    """A DeviceStateChange of her app: the page is told, and keeps receiving pops."""
    alice_page = await connect_as("alice")
    connector = Connector(AmiConfig("127.0.0.1", 1, "x", "y"))
    gone = Message(
        {"Event": "DeviceStateChange", "Device": "PJSIP/sip1001", "State": "UNAVAILABLE"}
    )
    await sync_to_async(_registered_app)(alice)

    await connector.apply([gone])
    message = await next_pop(alice_page)
    assert message == {"type": "devices.changed", "browser": False, "app": False}

    await connector.apply(inbound("0671234567", "Оксана К."))
    await connector.aclose()
    pop = await next_pop(alice_page)
    assert pop["type"] == "call.ringing"
    await alice_page.disconnect()


def _registered_app(user) -> None:
    from hotline_asterisk_connector.models import ConsultantState

    ConsultantState.objects.create(user=user, app_reachable=True)
