"""What a connector batch does once, or not at all (issue 16: under 2 ms an event):
the desks' waiting count is counted once as the batch ends, and the wallboard's
consultant rows are never read by the connector."""

from collections import deque
from contextlib import asynccontextmanager

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from hotline_asterisk_connector import notify
from hotline_asterisk_connector.ami.client import AmiConfig
from hotline_asterisk_connector.ami.protocol import iter_messages
from hotline_asterisk_connector.connector import Connector
from hotline_asterisk_connector.models import Call, CallLeg, ConsultantState, PresenceState
from hotline_reports.wallboard_events import CHANGES, WALLBOARD_GROUP
from hotline_workspace.queue_waiting import DESKS_GROUP
from tests.support.inbox import inbox

PAUSED = (
    b"Event: QueueMemberPause\r\nQueue: hotline\r\nInterface: Local/101@hotline-consultant\r\n"
    b"Status: 1\r\nPaused: 1\r\nPausedReason: break\r\nInCall: 0\r\n\r\n"
)


def inbound(linkedid: str) -> bytes:
    return (
        f"Event: UserEvent\r\nUserEvent: HotlineInbound\r\nUniqueid: {linkedid}\r\n"
        f"Linkedid: {linkedid}\r\nCallerIDNum: 0671234567\r\nDid: +380800500123\r\n\r\n"
    ).encode()


def queued(linkedid: str) -> bytes:
    return (
        inbound(linkedid)
        + (
            f"Event: QueueCallerJoin\r\nQueue: hotline\r\nUniqueid: {linkedid}\r\n"
            f"Linkedid: {linkedid}\r\nPosition: 1\r\nCount: 1\r\n\r\n"
        ).encode()
    )


def connector() -> Connector:
    return Connector(AmiConfig("127.0.0.1", 1, "hotline", "unused"))


@asynccontextmanager
async def open_wallboard(applying: Connector):
    """A wallboard's inbox while `applying` runs; the connector closed afterwards."""
    layer = get_channel_layer()
    board = await layer.new_channel()
    await layer.group_add(WALLBOARD_GROUP, board)
    try:
        async with inbox(layer, board) as box:
            yield box
    finally:
        await layer.group_discard(WALLBOARD_GROUP, board)
        await applying.aclose()


@pytest.mark.django_db(transaction=True)
def test_the_desks_waiting_count_is_counted_once_a_batch():
    applying = connector()
    batch = deque(iter_messages(queued("7.1") + queued("7.2") + queued("7.3")))
    with CaptureQueriesContext(connection) as queries:
        outbox, outage = applying._apply_sync(batch)
    applying._db.shutdown()
    assert outage is None and not batch
    count = 'SELECT "hotline_asterisk_connector_call"."queued_at" AS'  # waiting_calls()
    counts = [q for q in queries if q["sql"].startswith(count)]
    assert len(counts) == 1  # three callers joined the queue, one count
    waiting = [m for group, m in outbox if group == DESKS_GROUP]
    assert [m["count"] for m in waiting] == [3]


@pytest.mark.django_db(transaction=True)
async def test_a_consultants_change_costs_the_connector_no_read_for_an_open_wallboard(
    channel_layer, role_groups, alice_line
):
    """The wallboard is open: the connector tells it whose row changed and reads
    nothing for it (the wallboard's consumer reads the row, tests/reports)."""
    applying = connector()

    def apply_paused() -> tuple[list, list[dict]]:
        with CaptureQueriesContext(connection) as queries:
            outbox, _outage = applying._apply_sync(deque(iter_messages(PAUSED)))
        return outbox, list(queries)

    async with open_wallboard(applying) as box:
        outbox, queries = await applying.on_db(apply_paused)
        await notify.deliver(outbox)
        message = await box.next(5)
    assert message == {"type": CHANGES, "consultants": [alice_line.pk]}
    users = [q for q in queries if 'FROM "auth_user"' in q["sql"]]
    assert users == []  # no consultant's row read
    state = await ConsultantState.objects.aget(user=alice_line)
    assert state.state == PresenceState.PAUSED  # the state itself is written
    await sync_to_async(connections.close_all)()  # the connection aget used


@pytest.mark.django_db(transaction=True)
def test_a_calls_first_event_is_written_without_a_read_and_once_if_seen_again(caplog):
    applying = connector()
    with CaptureQueriesContext(connection) as queries:
        applying._apply_sync(deque(iter_messages(inbound("8.1"))))
    table = '"hotline_asterisk_connector_call"'
    of_the_call = [
        q["sql"].split(" ", 1)[0]
        for q in queries
        if f"FROM {table}" in q["sql"] or f"INTO {table}" in q["sql"]
    ]
    assert of_the_call == ["INSERT"]  # no SELECT of the call first
    # The same event again (another connector process wrote it, a replay): the INSERT
    # fails, the batch is applied again reading first, and the call is left as it was.
    _outbox, outage = applying._apply_sync(deque(iter_messages(queued("8.1"))))
    applying._db.shutdown()
    assert outage is None
    assert Call.objects.filter(linkedid="8.1").count() == 1
    assert Call.objects.get(linkedid="8.1").queued_at is not None
    assert not [r for r in caplog.records if "could not be applied" in r.getMessage()]


@pytest.mark.django_db(transaction=True)
def test_a_consultants_phone_hanging_up_ends_her_leg_found_without_a_join(role_groups, alice_line):
    """Her phone's channel is not the leg's own (the queue rang a Local channel): the
    leg is found by the call's key. Found by a join on the call's linkedid, ORed
    with the channel's uniqueid, PostgreSQL read every leg of the journal
    (a sequential scan, at every Hangup of a consultant's phone)."""
    applying = connector()
    rung = (
        b"Event: AgentCalled\r\nQueue: hotline\r\nUniqueid: 9.1\r\nLinkedid: 9.1\r\n"
        b"Interface: Local/101@hotline-consultant\r\nDestUniqueid: 9.2\r\n"
        b"DestChannel: Local/101@hotline-consultant-00000001;1\r\n\r\n"
    )
    hung_up = (
        b"Event: Hangup\r\nChannel: PJSIP/web101-00000002\r\nUniqueid: 9.3\r\nLinkedid: 9.1\r\n\r\n"
    )
    applying._apply_sync(deque(iter_messages(queued("9.1") + rung)))
    for batch in (rung + hung_up, hung_up):  # the call's row kept in the batch, or not
        with CaptureQueriesContext(connection) as queries:
            applying._apply_sync(deque(iter_messages(batch)))
        found = [
            q["sql"] for q in queries if 'FROM "hotline_asterisk_connector_callleg"' in q["sql"]
        ]
        joined = '"hotline_asterisk_connector_call"."linkedid"'  # (a subquery's is U0's)
        assert found and not any(joined in sql.split(" WHERE ", 1)[1] for sql in found)
    applying._db.shutdown()
    leg = CallLeg.objects.get(uniqueid="9.2")
    assert (leg.consultant, leg.ended_at is not None) == (alice_line, True)


@pytest.mark.django_db(transaction=True)
def test_a_consultants_state_is_read_once_a_batch_and_each_write_keeps_the_others_fields(
    role_groups, alice_line
):
    applying = connector()
    registered = b"Event: DeviceStateChange\r\nDevice: PJSIP/web101\r\nState: NOT_INUSE\r\n\r\n"
    with CaptureQueriesContext(connection) as queries:
        outbox, _outage = applying._apply_sync(deque(iter_messages(PAUSED + registered + PAUSED)))
    applying._db.shutdown()
    state_table = 'FROM "hotline_asterisk_connector_consultantstate"'
    assert len([q for q in queries if state_table in q["sql"]]) == 1
    state = ConsultantState.objects.get(user=alice_line)
    assert (state.state, state.pause_reason, state.browser_reachable) == (
        PresenceState.PAUSED,
        "break",
        True,
    )
    # The second pause changed nothing: the desk hears of the pause once.
    pauses = [m for _group, m in outbox if m.get("type") == "presence.changed"]
    assert len(pauses) == 1


@pytest.mark.django_db(transaction=True)
async def test_a_batchs_call_changes_reach_an_open_wallboard_as_one_message(channel_layer):
    """Each group_send is a round trip on Redis, one after another: a batch of three
    callers who rang and joined the queue is one message to the wallboard."""
    applying = connector()
    async with open_wallboard(applying) as box:
        batch = deque(iter_messages(queued("8.1") + queued("8.2") + queued("8.3")))
        outbox, _outage = await applying.on_db(applying._apply_sync, batch)
        await notify.deliver(outbox)
        [message] = await box.within(1)
    assert message["type"] == CHANGES
    # Each call twice: opened (not yet waiting), then in the queue.
    ids = {c.linkedid: c.pk for c in await sync_to_async(list)(Call.objects.all())}
    changes = [(change["call"]["id"], change["waiting"]) for change in message["calls"]]
    assert changes == [(ids[f"8.{n}"], waiting) for n in (1, 2, 3) for waiting in (False, True)]
    await sync_to_async(connections.close_all)()
