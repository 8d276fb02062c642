"""The screen pop's fast path (fast_pops.py): a ring of a call already journaled
pops at once, its leg written, while the journal is still busy with other
events; the journal then applies the same ring without a second pop. A
consultant's second ring of a call waits for the journal, so their messages
about it keep their order."""

import asyncio
import threading

import pytest
from channels.layers import get_channel_layer

from hotline_asterisk_connector.connector import Connector
from hotline_asterisk_connector.events import EventRouter
from hotline_asterisk_connector.models import Call, CallLeg
from tests.connector.test_daemon import DEADLINE, Running, inbound, wait_until
from tests.support.inbox import inbox

pytestmark = pytest.mark.django_db(transaction=True)


class HeldJournal(EventRouter):
    """The journal's thread stops at the opening of call "busy" until released:
    it stands for a journal seconds behind Asterisk under load."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()

    def apply(self, message) -> None:
        if message.get("Linkedid") == "busy" and message.get("UserEvent") == "HotlineInbound":
            self.holding.set()
            self.release.wait(DEADLINE)
        super().apply(message)


def ring(linkedid: str, leg: str) -> bytes:
    return (
        f"Event: AgentCalled\r\nQueue: hotline\r\nUniqueid: {linkedid}\r\n"
        f"Linkedid: {linkedid}\r\nCallerIDNum: 0671234567\r\n"
        f"Interface: Local/101@hotline-consultant\r\nMemberName: alice\r\n"
        f"DestChannel: Local/101@hotline-consultant-0000000{leg};1\r\n"
        f"DestUniqueid: {leg}\r\n\r\n"
    ).encode()


def rang_out(linkedid: str, leg: str) -> bytes:
    return (
        f"Event: AgentRingNoAnswer\r\nQueue: hotline\r\nLinkedid: {linkedid}\r\n"
        f"Interface: Local/101@hotline-consultant\r\nDestUniqueid: {leg}\r\n"
        "RingTime: 5000\r\n\r\n"
    ).encode()


@pytest.fixture
async def desk(channel_layer, role_groups, alice_line):
    """Alice's desk: a channel in her consultant group, and the calls' messages it
    received until `timeout` s passed without one."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(f"consultant.{alice_line.pk}", channel)
    async with inbox(layer, channel) as box:

        async def received(timeout: float) -> list[dict]:
            return [m for m in await box.within(timeout) if m["type"].startswith("call.")]

        yield received


async def held_journal(ami, router: HeldJournal) -> Running:
    """A running connector whose call "6.1" is journaled and whose journal is then held."""
    running = Running(Connector(ami.config(), router=router, pops_ahead=True))
    await asyncio.wait_for(running.connector.connected.wait(), DEADLINE)
    await ami.send(inbound("6.1"))

    async def journaled() -> bool:
        return await Call.objects.filter(linkedid="6.1").aexists()

    await wait_until(journaled, "call 6.1 journaled")
    await ami.send(inbound("busy"))
    await asyncio.to_thread(router.holding.wait, DEADLINE)
    return running


async def test_a_ring_pops_at_once_while_the_journal_is_busy_and_only_once(ami, desk):
    router = HeldJournal()
    running = await held_journal(ami, router)
    try:
        await ami.send(ring("6.1", "6.1-a"))
        pops = await desk(timeout=5)
        assert router.holding.is_set() and not router.release.is_set()  # still held
        assert [(m["type"], m["call"]["linkedid"]) for m in pops] == [("call.ringing", "6.1")]
        assert await CallLeg.objects.filter(call__linkedid="6.1", uniqueid="6.1-a").aexists()
    finally:
        router.release.set()

    async def caught_up() -> bool:
        return running.connector.events_applied == 3

    await wait_until(caught_up, "the journal applying the ring too")
    assert await desk(timeout=0.5) == []  # no second pop
    await running.finish()
    assert await CallLeg.objects.acount() == 1
    assert running.connector.popped_ahead == 1


async def test_a_second_ring_of_the_same_consultant_waits_for_the_journal(ami, desk):
    router = HeldJournal()
    running = Running(Connector(ami.config(), router=router, pops_ahead=True))
    await asyncio.wait_for(running.connector.connected.wait(), DEADLINE)
    await ami.send(inbound("6.1"))
    await ami.send(ring("6.1", "6.1-a"))
    await ami.send(rang_out("6.1", "6.1-a"))
    first = await desk(timeout=2)
    assert [m["type"] for m in first] == ["call.ringing", "call.stopped_ringing"]
    try:
        await ami.send(inbound("busy"))
        await asyncio.to_thread(router.holding.wait, DEADLINE)
        await ami.send(ring("6.1", "6.1-b"))
        # Ahead of the journal it could overtake the first ring's events still
        # queued behind "busy": it waits for the journal instead.
        assert await desk(timeout=1) == []
    finally:
        router.release.set()
    second = await desk(timeout=5)
    assert [(m["type"], m["call"]["linkedid"]) for m in second] == [("call.ringing", "6.1")]
    await running.finish()
    assert await CallLeg.objects.filter(call__linkedid="6.1").acount() == 2


def lock_call_row(linkedid: str, locked: threading.Event, release: threading.Event) -> None:
    """Another transaction holds the call's row: the leg a ring writes waits for it."""
    from django.db import connection, transaction

    try:
        with transaction.atomic():
            Call.objects.select_for_update().get(linkedid=linkedid)
            locked.set()
            release.wait(DEADLINE)
    finally:
        connection.close()


async def test_a_ring_held_in_the_database_does_not_hold_up_another_calls_ring(ami, desk):
    """A wave of hang-ups frees consultants together and their next rings come in a
    burst: one ring's wait in the database does not make the others wait."""
    running = Running(Connector(ami.config(), pops_ahead=True))
    await asyncio.wait_for(running.connector.connected.wait(), DEADLINE)
    await ami.send(inbound("6.1"))
    await ami.send(inbound("6.2"))

    async def journaled() -> bool:
        return await Call.objects.filter(linkedid__in=["6.1", "6.2"]).acount() == 2

    await wait_until(journaled, "calls 6.1 and 6.2 journaled")
    locked, release = threading.Event(), threading.Event()
    holding = asyncio.ensure_future(asyncio.to_thread(lock_call_row, "6.1", locked, release))
    try:
        await asyncio.to_thread(locked.wait, DEADLINE)
        await ami.send(ring("6.1", "6.1-a"))
        await ami.send(ring("6.2", "6.2-a"))
        pops = await desk(timeout=2)
        assert not release.is_set()
    finally:
        release.set()
        await holding
    assert [m["call"]["linkedid"] for m in pops if m["type"] == "call.ringing"] == ["6.2"]
    await running.finish()
