"""What a connector batch does once, or not at all (issue 16: under 2 ms an event):
the desks' waiting count is counted once as the batch ends, and the wallboard's
consultant row is not read while no wallboard was open at the last look, yet a
wallboard opened during the batch still gets it, read after the commit."""

from collections import deque

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
from hotline_reports.wallboard_events import WALLBOARD_GROUP
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
async def test_a_wallboard_opened_during_a_batch_gets_the_row_read_after_the_commit(
    channel_layer, role_groups, alice_line
):
    applying = connector()
    unheard = notify.unheard_at_last_look()
    assert WALLBOARD_GROUP in unheard  # this loop has not looked yet
    outbox, _outage = await applying.on_db(
        applying._apply_sync, deque(iter_messages(PAUSED)), unheard
    )
    rows = [m for group, m in outbox if group == WALLBOARD_GROUP]
    assert rows and not any(m.get("type") == "wallboard.consultant" for m in rows)  # not read
    layer = get_channel_layer()
    board = await layer.new_channel()
    await layer.group_add(WALLBOARD_GROUP, board)  # the wallboard opens before the check
    try:
        async with inbox(layer, board) as box:
            await notify.deliver(outbox, build_on=applying.on_db)
            message = await box.next(5)
    finally:
        await layer.group_discard(WALLBOARD_GROUP, board)
        await applying.aclose()
    assert message["type"] == "wallboard.consultant"
    assert message["rows"]["uk"]["state"] == PresenceState.PAUSED
    assert message["rows"]["uk"]["pause_reason"]
    # Heard now: the next batch reads the row at once.
    assert WALLBOARD_GROUP not in notify.unheard_at_last_look()


@pytest.mark.django_db(transaction=True)
async def test_nobody_listening_no_row_is_read(channel_layer, role_groups, alice_line):
    applying = connector()
    outbox, _outage = await applying.on_db(
        applying._apply_sync, deque(iter_messages(PAUSED)), notify.unheard_at_last_look()
    )
    built = []

    async def build_on(function, later):
        built.extend(later)
        return function(later)

    await notify.deliver(outbox, build_on=build_on)
    await applying.aclose()
    assert built == []
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
