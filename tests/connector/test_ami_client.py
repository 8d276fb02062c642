"""The AMI client against a loopback peer speaking Asterisk's protocol."""

import asyncio

import pytest

from hotline_asterisk_connector.ami.client import AmiClient, AmiError, ConnectionLost
from tests.connector.scripted_ami import ScriptedAmi

DEADLINE = 10


@pytest.fixture
async def ami():
    server = await ScriptedAmi().start()
    yield server
    await server.stop()


async def test_login_sends_credentials_and_wants_events(ami):
    async with AmiClient(ami.config()):
        pass
    login = ami.actions[0]
    assert (login["Action"], login["Username"], login["Secret"], login["Events"]) == (
        "Login",
        "hotline",
        "s3cret",
        "on",
    )


async def test_refused_login_raises(ami):
    with pytest.raises(AmiError, match="Authentication failed"):
        await AmiClient(ami.config(secret="wrong")).connect()


async def test_events_arrive_in_order_even_when_cut_mid_letter(ami):
    client = AmiClient(ami.config())
    await client.connect()
    stream = "".join(
        f"Event: Newexten\r\nUniqueid: 1.{n}\r\nAppData: Привіт, світе {n}\r\n\r\n"
        for n in range(50)
    ).encode()
    for start in range(0, len(stream), 7):  # 7-byte pieces split Cyrillic letters
        await ami.send(stream[start : start + 7])
    events = client.events()
    received = [await asyncio.wait_for(anext(events), DEADLINE) for _ in range(50)]
    assert [m["Uniqueid"] for m in received] == [f"1.{n}" for n in range(50)]
    assert received[49]["AppData"] == "Привіт, світе 49"
    await client.close()


async def test_list_action_collects_its_events_and_leaves_the_stream_alone(ami):
    ami.list_replies["QueueStatus"] = [
        b"Event: QueueMember\r\nQueue: hotline\r\nLocation: PJSIP/web1001\r\n\r\n",
        b"Event: QueueMember\r\nQueue: hotline\r\nLocation: PJSIP/web1002\r\n\r\n",
    ]
    async with AmiClient(ami.config()) as client:
        members = await client.action_list("QueueStatus")
        assert [m["Location"] for m in members] == ["PJSIP/web1001", "PJSIP/web1002"]
        assert client.take_buffered(10) == []


async def test_a_dropped_connection_ends_the_event_stream(ami):
    client = AmiClient(ami.config())
    await client.connect()
    await ami.send(b"Event: FullyBooted\r\n\r\n")
    ami.drop_connections()
    events = client.events()
    assert (await asyncio.wait_for(anext(events), DEADLINE)).event == "FullyBooted"
    with pytest.raises(ConnectionLost):
        await asyncio.wait_for(anext(events), DEADLINE)
    await client.close()


async def test_a_peer_that_stops_answering_pings_is_dropped():
    silent = await ScriptedAmi(answers_pings=False).start()
    client = AmiClient(silent.config(heartbeat_seconds=0.05, timeout_seconds=0.2))
    await client.connect()
    with pytest.raises(ConnectionLost):
        await asyncio.wait_for(anext(client.events()), DEADLINE)
    await client.close()
    await silent.stop()
