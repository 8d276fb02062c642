"""The daemon's promises: bad events skipped, reconnect with backoff, database outages
retried without losing events, and a graceful stop that applies what was received."""

import asyncio

import pytest
from django.db import OperationalError

from hotline_asterisk_connector.connector import Backoff, Connector
from hotline_asterisk_connector.events import EventRouter
from hotline_asterisk_connector.models import Call, Reconciliation

DEADLINE = 10


def inbound(linkedid: str) -> bytes:
    return (
        f"Event: UserEvent\r\nUserEvent: HotlineInbound\r\nUniqueid: {linkedid}\r\n"
        f"Linkedid: {linkedid}\r\nCallerIDNum: 0671234567\r\nCallerIDName: Іван\r\n"
        "Did: +380800500123\r\n\r\n"
    ).encode()


async def wait_until(predicate, what: str) -> None:
    async with asyncio.timeout(DEADLINE):
        while not await predicate():
            await asyncio.sleep(0.02)


async def calls() -> set[str]:
    return {linkedid async for linkedid in Call.objects.values_list("linkedid", flat=True)}


class Running:
    def __init__(self, connector: Connector) -> None:
        self.connector = connector
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(connector.run(self.stop))

    async def finish(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, DEADLINE)


@pytest.mark.django_db(transaction=True)
async def test_a_malformed_event_is_skipped_and_the_next_one_applied(ami):
    running = Running(Connector(ami.config()))
    await asyncio.wait_for(running.connector.connected.wait(), DEADLINE)
    await ami.send(b"Event: AgentCalled\r\nLinkedid: X\r\n\r\n")  # no DestUniqueid
    await ami.send(b"Event: UserEvent\r\nUserEvent: HotlineVoicemail\r\nLinkedid: Y\r\n\r\n")
    await ami.send(inbound("1.1"))

    async def applied() -> bool:
        return "1.1" in await calls()

    await wait_until(applied, "the valid event")
    await running.finish()
    assert await calls() == {"1.1"}


@pytest.mark.django_db(transaction=True)
async def test_reconnects_after_the_connection_drops_and_resynchronises(ami):
    running = Running(Connector(ami.config()))
    await asyncio.wait_for(ami.connected.wait(), DEADLINE)
    await asyncio.wait_for(running.connector.connected.wait(), DEADLINE)
    ami.drop_connections()
    await asyncio.wait_for(ami.connected.wait(), DEADLINE)  # logged in again
    await asyncio.wait_for(running.connector.connected.wait(), DEADLINE)
    await ami.send(inbound("2.1"))

    async def applied() -> bool:
        return "2.1" in await calls()

    await wait_until(applied, "the event after reconnecting")
    await running.finish()
    asked = [action["Action"] for action in ami.actions]
    assert ami.connections == 2
    assert asked.count("QueueStatus") == 2
    assert asked.count("CoreShowChannels") == 2
    # Each reconnection checked the journal against Asterisk's records.
    assert await Reconciliation.objects.filter(trigger="reconnect").acount() == 2


@pytest.mark.django_db(transaction=True)
async def test_a_lost_action_reply_fails_that_action_only_and_is_said_once(ami, caplog):
    ami.silent.add("QueueStatus")
    connector = Connector(ami.config(timeout_seconds=0.3), sweep_seconds=0.2)
    running = Running(connector)
    await asyncio.wait_for(connector.connected.wait(), DEADLINE)
    # The session lives on: its events are applied.
    await ami.send(inbound("3.1"))

    async def applied() -> bool:
        return "3.1" in await calls()

    await wait_until(applied, "the event after the lost reply")

    async def asked_again() -> bool:
        return [action["Action"] for action in ami.actions].count("QueueStatus") >= 3

    await wait_until(asked_again, "QueueStatus asked again by the sweep")
    await running.finish()
    assert ami.connections == 1
    said = [record for record in caplog.records if "QueueStatus failed" in record.getMessage()]
    assert len([record for record in said if record.levelname == "ERROR"]) == 1


class FlakyDatabase(EventRouter):
    """The database is down for the first `outages` attempts."""

    def __init__(self, outages: int) -> None:
        super().__init__()
        self.outages = outages

    def apply(self, message) -> None:
        if self.outages > 0:
            self.outages -= 1
            raise OperationalError("connection to server at 127.0.0.1 failed")
        super().apply(message)


@pytest.mark.django_db(transaction=True)
async def test_a_database_outage_is_retried_without_losing_events(ami):
    connector = Connector(ami.config(), router=FlakyDatabase(outages=3))
    running = Running(connector)
    await asyncio.wait_for(connector.connected.wait(), DEADLINE)
    for n in range(5):
        await ami.send(inbound(f"3.{n}"))

    async def all_applied() -> bool:
        return len(await calls()) == 5

    await wait_until(all_applied, "all five calls")
    await running.finish()
    assert await calls() == {f"3.{n}" for n in range(5)}


@pytest.mark.django_db(transaction=True)
async def test_stopping_applies_what_was_already_received(ami):
    connector = Connector(ami.config())
    running = Running(connector)
    await asyncio.wait_for(connector.connected.wait(), DEADLINE)
    await ami.send(b"".join(inbound(f"4.{n}") for n in range(20)))

    async def received_all() -> bool:
        return connector.events_applied > 0

    await wait_until(received_all, "the first event")
    await running.finish()
    assert len(await calls()) == 20


def test_backoff_grows_to_its_ceiling_and_resets():
    backoff = Backoff(initial=0.5, maximum=30)
    delays = [backoff.next_delay() for _ in range(10)]
    assert 0.4 <= delays[0] <= 0.6
    assert 0.8 <= delays[1] <= 1.2
    assert all(delay <= 36 for delay in delays)
    assert delays[-1] >= 24
    backoff.reset()
    assert backoff.next_delay() <= 0.6


def test_a_bad_event_amid_a_batch_is_skipped_and_the_rest_of_its_batch_kept(db, caplog):
    """The batch is applied without savepoints; the bad event makes it roll back and
    be done again event by event, so only that event is lost."""
    from collections import deque

    from hotline_asterisk_connector.ami.client import AmiConfig
    from hotline_asterisk_connector.ami.protocol import iter_messages

    connector = Connector(AmiConfig("127.0.0.1", 1, "hotline", "unused"))
    batch = deque(
        iter_messages(
            inbound("5.1")
            + b"Event: AgentCalled\r\nLinkedid: 5.1\r\n\r\n"  # no DestUniqueid
            + inbound("5.2")
        )
    )
    outbox, outage = connector._apply_sync(batch)
    connector._db.shutdown()
    assert outage is None and not batch
    assert set(Call.objects.values_list("linkedid", flat=True)) == {"5.1", "5.2"}
    assert connector.events_applied == 2
    skipped = [r for r in caplog.records if "could not be applied" in r.getMessage()]
    assert len(skipped) == 1 and "AgentCalled" in skipped[0].getMessage()
    # What the rolled-back first try produced is not sent: one message per call.
    opened = [c["call"]["id"] for _group, m in outbox for c in m.get("calls", [])]
    assert sorted(opened) == sorted(Call.objects.values_list("pk", flat=True))
