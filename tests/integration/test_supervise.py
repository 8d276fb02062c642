"""A supervisor listens to, whispers to and barges into a live call through their own phone.

A sipp caller through the 0-800 carrier reaches Alice's smartphone app (sipp);
Carol, the supervisor, has a line outside the queue whose app (sipp,
listen.xml) sends what it hears to the test's RTP receiver. Asterisk itself
reports the spy (ChanSpyStart, the channel running ChanSpy with its options).
"""

import asyncio
from dataclasses import replace

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from hotline_asterisk_connector.connector import Connector
from hotline_asterisk_connector.supervise import Mode, SuperviseError, supervise
from hotline_audit.models import AuditEvent, Kind
from tests.connector.running import forget_call_records
from tests.support.ami import event, user_event
from tests.support.rtp import RtpReceiver
from tests.workspace.test_screen_pop import connect_as, next_pop, no_pops

pytestmark = [
    pytest.mark.asterisk,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("role_groups"),
]

SUPERVISOR_ADDRESS = "127.0.0.29"
OPTIONS = {Mode.LISTEN: "qES", Mode.WHISPER: "qESw", Mode.BARGE: "qESB"}
DEADLINE = 30


@pytest.fixture
def ear():
    receiver = RtpReceiver(SUPERVISOR_ADDRESS)
    yield receiver
    receiver.close()


@pytest.fixture
def answered_call(pbx, alice, carol, ear):
    """Alice talking to a caller on her app; Carol's app registered, listening into `ear`."""
    pbx.add_trunks("tollfree")
    line = pbx.add_consultant(alice, "101")
    own = pbx.add_consultant(carol, "109", in_queue=False)
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    pbx.phone(line)
    pbx.sipp.phone(
        own.sip_endpoint,
        own.sip_password,
        SUPERVISOR_ADDRESS,
        answer="listen.xml",
        keys={"audio_port": str(ear.port)},
    )
    pbx.log_in(line)
    forget_call_records(pbx.asterisk)
    return line


def _consultant_channel(pbx, linkedid: str) -> str:
    answered = pbx.ami.wait_for(
        lambda e: (
            e.event == "DialEnd"
            and e.get("DialStatus") == "ANSWER"
            and e.get("DestChannel", "").startswith("PJSIP/sip101-")
        ),
        since=pbx.mark,
        what="Alice's app answering",
    )
    pbx.ami.wait_for(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    return answered["DestChannel"]


def _join(pbx, carol, alice, mode: Mode, consultant_channel: str):
    """Carol presses the button; returns Asterisk's ChanSpyStart and the spying channel."""
    mark = pbx.ami.mark()
    channel = supervise(carol, alice, mode)
    assert channel.name == consultant_channel
    start = pbx.ami.wait_for(
        event("ChanSpyStart", SpyeeChannel=consultant_channel), since=mark, what=f"{mode} spy"
    )
    spying = [c for c in pbx.channels() if c.get("Application") == "ChanSpy"]
    assert [(c["Channel"], c["ApplicationData"]) for c in spying] == [
        (start["SpyerChannel"], f"{consultant_channel},{OPTIONS[mode]}")
    ]
    # The spy runs on the supervisor's side, which rang her own line only.
    assert start["SpyerChannel"].startswith("Local/109@hotline-supervisor-phone-")
    return start


def test_a_supervisor_listens_whispers_and_barges_into_a_live_call(
    pbx, answered_call, alice, carol, ear
):
    pbx.call("tollfree", "0502223344")
    linkedid = pbx.inbound("0502223344")["Linkedid"]
    consultant_channel = _consultant_channel(pbx, linkedid)

    start = _join(pbx, carol, alice, Mode.LISTEN, consultant_channel)
    # Alice speaks (a key press is followed by seven seconds of speech):
    # Carol's phone hears it.
    pbx.press(consultant_channel, "5")
    pbx.asterisk.wait_until(lambda: ear.speech_packets() >= 50, "speech reaching the supervisor")
    invite = (pbx.sipp.log_dir / "phone-sip109-messages.log").read_text()
    assert "answer-after=0" in invite  # the browser phone answers such a call by itself
    mark = pbx.ami.mark()
    pbx.hang_up(start["SpyerChannel"])
    pbx.ami.wait_for(event("ChanSpyStop", SpyeeChannel=consultant_channel), since=mark)

    for mode in (Mode.WHISPER, Mode.BARGE):
        start = _join(pbx, carol, alice, mode, consultant_channel)
        mark = pbx.ami.mark()
        pbx.hang_up(start["SpyerChannel"])
        pbx.ami.wait_for(event("ChanSpyStop", SpyeeChannel=consultant_channel), since=mark)

    modes = [e["Mode"] for e in pbx.ami.matching(user_event("HotlineSupervise"), since=pbx.mark)]
    assert modes == ["listen", "whisper", "barge"]
    audits = AuditEvent.objects.filter(user=carol).order_by("pk")
    assert [(a.kind, a.detail) for a in audits] == [
        (kind, f"alice {consultant_channel}") for kind in (Kind.LISTEN, Kind.WHISPER, Kind.BARGE)
    ]
    # The caller is still talking to Alice: joining and leaving did not touch the call.
    assert any(c["Channel"] == consultant_channel for c in pbx.channels())
    # No call record of the listening calls (the journal's recovery reads them).
    rows = pbx.asterisk.cdr()
    assert not [r for r in rows if "109" in r["channel"] + r["dstchannel"]], rows


def test_listening_to_a_consultant_without_a_call_is_refused_and_not_audited(
    pbx, answered_call, alice, carol
):
    with pytest.raises(SuperviseError, match="зараз не розмовляє"):
        supervise(carol, alice, Mode.LISTEN)
    assert not AuditEvent.objects.exists()
    assert not pbx.ami.matching(event("OriginateResponse"), since=pbx.mark)


async def test_the_consultants_desk_is_told_of_a_whisper_but_not_of_listening(
    pbx, answered_call, alice, carol
):
    desk = await connect_as("alice")
    connector = Connector(replace(pbx.asterisk.connector_ami, heartbeat_seconds=5))
    stop = asyncio.Event()
    running = asyncio.create_task(connector.run(stop))
    try:
        await asyncio.wait_for(connector.connected.wait(), DEADLINE)
        await asyncio.to_thread(pbx.call, "tollfree", "0502223344")
        inbound = await asyncio.to_thread(pbx.inbound, "0502223344")
        channel = await asyncio.to_thread(_consultant_channel, pbx, inbound["Linkedid"])

        start = await asyncio.to_thread(
            _join_from_a_thread, pbx, carol, alice, Mode.LISTEN, channel
        )
        await asyncio.to_thread(pbx.hang_up, start["SpyerChannel"])
        await asyncio.to_thread(
            pbx.ami.wait_for, user_event("HotlineSuperviseEnded", Mode="listen"), pbx.mark
        )
        assert not [m for m in await _drain(desk) if m["type"].startswith("supervisor.")]

        start = await asyncio.to_thread(
            _join_from_a_thread, pbx, carol, alice, Mode.WHISPER, channel
        )
        joined = await _next_of(desk, "supervisor.joined")
        assert joined == {"type": "supervisor.joined", "mode": "whisper"}
        await asyncio.to_thread(pbx.hang_up, start["SpyerChannel"])
        left = await _next_of(desk, "supervisor.left")
        assert left == {"type": "supervisor.left", "mode": "whisper"}
        await asyncio.to_thread(pbx.hang_up, inbound["Channel"])
    finally:
        stop.set()
        await asyncio.wait_for(running, DEADLINE)
        await desk.disconnect()
    # The listening calls left no trace in the journal: one call, Alice's.
    calls = await sync_to_async(lambda: list(alice.calls.values_list("linkedid", flat=True)))()
    assert calls == [inbound["Linkedid"]]
    await sync_to_async(connections.close_all)()


def _join_from_a_thread(pbx, carol, alice, mode: Mode, consultant_channel: str):
    """_join in a worker thread, closing the database connection it opened there."""
    try:
        return _join(pbx, carol, alice, mode, consultant_channel)
    finally:
        connections.close_all()


async def _next_of(desk, kind: str) -> dict:
    message = await next_pop(desk)
    while message["type"] != kind:
        message = await next_pop(desk)
    return message


async def _drain(desk) -> list[dict]:
    """Whatever the desk was sent until it has been quiet for a second."""
    messages = []
    while not await no_pops(desk, timeout=1.0):
        messages.append(await next_pop(desk))
    return messages
