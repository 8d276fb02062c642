"""Round trips to the database per event: one answered call's whole event stream
(answered.ami), applied as the connector applies a batch (no savepoints), takes
the queries worked out below. A change that adds a query to the common events
shows here (issue 16: under 2 ms per event on PostgreSQL)."""

import time
from contextlib import nullcontext

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline_asterisk_connector import journal, notify
from hotline_asterisk_connector.events import EventRouter
from hotline_asterisk_connector.models import Call, ConsultantLine, Disposition
from hotline_crm.models import Client, ClientPhone
from tests.connector.recording import load

# Per event the journal uses, in the stream's order: the queries when the event is
# its batch's only one (under a light load), then when the whole call is one batch
# (under load the journal lags and a batch holds many events of each call): the
# batch reads each call's row once (journal.keeping_calls), so every "read the
# call" after the first is gone, 11 of the 47 (VarSet, QueueCallerJoin,
# AgentCalled, both DialBegins and DialEnds, QueueCallerLeave, AgentConnect,
# AgentComplete and the caller's Hangup): 36. What each query is for:
EXPECTED = [
    ("HotlineInbound", 3, 3),  # read the call (none yet), find the card by phone, insert the call
    ("VarSet", 2, 1),  # read the call, write the recording's file
    ("QueueCallerJoin", 3, 2),  # read the call, write queued_at, the desks' waiting count
    ("AgentCalled", 3, 2),  # read the call with its card, find a leg (none), insert the leg
    ("DialBegin", 2, 1),  # Local half dials the phone: read the call, find the leg (the same one)
    ("DialBegin", 2, 1),  # the same for the phone's channel
    ("QueueMemberStatus", 3, 3),  # read the state, write it, the wallboard's row (one join)
    ("DialEnd", 6, 5),  # the phone answered: read the call, find the leg, write the leg,
    # write the call, whom the call rang (call.answered), the desks' waiting count
    ("DialEnd", 2, 1),  # the Local half's answer: read the call, find the leg (answered)
    ("QueueCallerLeave", 1, 0),  # read the call (the wait is already known)
    ("AgentConnect", 2, 1),  # read the call, find the leg (answered already)
    ("QueueMemberStatus", 3, 3),
    ("AgentComplete", 4, 3),  # find the leg, end it; read the call, write Asterisk's talk time
    ("Hangup", 1, 1),  # the phone's channel: find its leg (ended)
    ("Hangup", 5, 4),  # the caller's: read the call, write it, end open legs, whom the call
    # rang (call.ended), the worklist withdraws a missed call of it (none)
    ("Hangup", 1, 1),  # the Local halves: find their leg (ended)
    ("Hangup", 1, 1),
    ("QueueMemberStatus", 3, 3),
]


@pytest.fixture
def lines(alice, bob):
    ConsultantLine.objects.create(
        user=alice, extension="1001", webrtc_password="a", sip_password="b"
    )
    ConsultantLine.objects.create(user=bob, extension="1002", webrtc_password="c", sip_password="d")


def todays(messages):
    """The recording moved to a minute ago: a call of a past day also tells the
    reports' roll-up (two more queries a write), which a live call never does."""
    first = min(float(m["Timestamp"]) for m in messages if m.get("Timestamp"))
    shift = time.time() - 60 - first
    for message in messages:
        if message.get("Timestamp"):
            message["Timestamp"] = f"{float(message['Timestamp']) + shift:.6f}"
    return messages


def counted_queries(batch: bool) -> list[tuple[str, int]]:
    """Apply answered.ami as the connector applies its batches (no savepoints, each
    call's row kept for the batch), each event a batch of its own or, with `batch`,
    the whole stream one batch; the queries of each event."""
    router = EventRouter()
    router.directory.reload()
    counted = []
    kept = journal.keeping_calls()
    with kept if batch else nullcontext():
        for message in todays(load("answered")):
            if not router.wants(message):
                continue
            with (
                CaptureQueriesContext(connection) as queries,
                notify.collecting(),
                journal.without_savepoints(),
                nullcontext() if batch else journal.keeping_calls(),
            ):
                router.apply(message)
            counted.append((message.get("UserEvent") or message.event, len(queries)))
    return counted


@pytest.fixture
def card():
    card = Client.objects.create(name="Олена")
    ClientPhone.objects.create(client=card, number="+380671234567")
    return card


def test_one_answered_calls_events_take_the_queries_worked_out(lines, card):
    counted = counted_queries(batch=False)
    assert counted == [(event, alone) for event, alone, _batched in EXPECTED]
    assert sum(n for _event, n in counted) == 47


def test_in_one_batch_the_calls_row_is_read_once(lines, card):
    counted = counted_queries(batch=True)
    assert counted == [(event, batched) for event, _alone, batched in EXPECTED]
    assert sum(n for _event, n in counted) == 36
    # The same row as event by event: answered at 520.46, hung up at 533.46 (the
    # recording's Timestamps), AgentComplete's HoldTime 2 and TalkTime 13.
    call = Call.objects.get()
    assert (call.client, call.disposition, call.wait_seconds, call.talk_seconds) == (
        card,
        Disposition.ANSWERED,
        2,
        13,
    )


def test_a_card_the_web_links_during_the_batch_is_not_written_over(lines):
    """The caller's number is on no card: the consultant creates one while the
    phone rings and the desk links it to the call (attach_client, the web
    process's write). The batch goes on with the call's row it kept from before
    the link; every write of it names its fields, so the card stays."""
    router = EventRouter()
    router.directory.reload()
    messages = [m for m in todays(load("answered")) if router.wants(m)]
    ringing = next(i for i, m in enumerate(messages) if m.event == "AgentCalled") + 1
    with journal.keeping_calls(), notify.collecting(), journal.without_savepoints():
        for message in messages[:ringing]:
            router.apply(message)
        call = Call.objects.get()
        assert call.client is None
        new_card = Client.objects.create(name="Нова картка")
        Call.objects.filter(pk=call.pk, client__isnull=True).update(client=new_card)
        for message in messages[ringing:]:
            router.apply(message)
    call.refresh_from_db()
    assert (call.client, call.disposition, call.ended_at is not None) == (
        new_card,
        Disposition.ANSWERED,
        True,
    )
