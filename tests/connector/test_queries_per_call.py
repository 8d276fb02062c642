"""Round trips to the database per event: one answered call's whole event stream
(answered.ami), applied as the connector applies a batch (no savepoints), takes
the queries worked out below. A change that adds a query to the common events
shows here (issue 16: under 2 ms per event on PostgreSQL)."""

import time
from contextlib import ExitStack, nullcontext

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hotline_asterisk_connector import journal, notify, presence
from hotline_asterisk_connector.ami.protocol import Message
from hotline_asterisk_connector.events import EventRouter
from hotline_asterisk_connector.models import Call, CallDirection, ConsultantLine, Disposition
from hotline_crm.models import Client, ClientPhone
from tests.connector.recording import load

# Per event the journal uses, in the stream's order: the queries when the event is
# its batch's only one (under a light load), then when the whole call is one batch
# (under load the journal lags and a batch holds many events of each call): the
# batch reads each call's row once (journal.keeping_calls), so every "read the
# call" after the first is gone, 11 of the 43 (VarSet, QueueCallerJoin,
# AgentCalled, both DialBegins and DialEnds, QueueCallerLeave, AgentConnect,
# AgentComplete and the caller's Hangup), and the desks' waiting count is
# counted once, as the batch ends (notify.summaries_once), not after
# QueueCallerJoin and the answering DialEnd, and the consultant's state is read
# once, not at each QueueMemberStatus: 28 and that one. The wallboard's rows are
# its consumer's to read, never the connector's. What each query is for:
EXPECTED = [
    # Find the card by phone, insert the call: a call the batch has not seen is not
    # read first (journal._unread; a row there after all fails the INSERT).
    ("HotlineInbound", 2, 2),
    ("VarSet", 2, 1),  # read the call, write the recording's file
    ("QueueCallerJoin", 3, 1),  # read the call, write queued_at, (alone) the desks' waiting count
    ("AgentCalled", 3, 2),  # read the call with its card, find a leg (none), insert the leg
    ("DialBegin", 2, 1),  # Local half dials the phone: read the call, find the leg (the same one)
    ("DialBegin", 2, 1),  # the same for the phone's channel
    ("QueueMemberStatus", 2, 2),  # read the state, write it (then kept: presence.keeping_states)
    ("DialEnd", 6, 4),  # the phone answered: read the call, find the leg, write the leg,
    # write the call, whom the call rang (call.answered), (alone) the desks' waiting count
    ("DialEnd", 2, 1),  # the Local half's answer: read the call, find the leg (answered)
    ("QueueCallerLeave", 1, 0),  # read the call (the wait is already known)
    ("AgentConnect", 2, 1),  # read the call, find the leg (answered already)
    ("QueueMemberStatus", 2, 1),
    ("AgentComplete", 4, 3),  # find the leg, end it; read the call, write Asterisk's talk time
    ("Hangup", 1, 1),  # the phone's channel: find its leg (ended)
    ("Hangup", 5, 4),  # the caller's: read the call, write it, end open legs, whom the call
    # rang (call.ended), the worklist withdraws a missed call of it (none)
    ("Hangup", 1, 1),  # the Local halves: find their leg (ended)
    ("Hangup", 1, 1),
    ("QueueMemberStatus", 2, 1),
]
# The whole call as one batch: the desks' waiting count, once, as the batch ends.
AT_THE_BATCHS_END = 1


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


def as_a_batch() -> ExitStack:
    """What the connector wraps a batch in (Connector._apply_batch)."""
    stack = ExitStack()
    stack.enter_context(journal.keeping_calls())
    stack.enter_context(presence.keeping_states())
    stack.enter_context(notify.summaries_once())
    return stack


def counted_queries(batch: bool) -> tuple[list[tuple[str, int]], int]:
    """Apply answered.ami as the connector applies its batches (no savepoints, each
    call's row kept for the batch), each event a batch of its own or, with `batch`,
    the whole stream one batch; the queries of each event (with its batch's end
    when alone), and those of the whole stream's batch's end."""
    router = EventRouter()
    router.directory.reload()
    counted = []
    with CaptureQueriesContext(connection) as everything, as_a_batch() if batch else nullcontext():
        for message in todays(load("answered")):
            if not router.wants(message):
                continue
            with (
                CaptureQueriesContext(connection) as queries,
                notify.collecting(),
                journal.without_savepoints(),
                nullcontext() if batch else as_a_batch(),
            ):
                router.apply(message)
            counted.append((message.get("UserEvent") or message.event, len(queries)))
    return counted, len(everything) - sum(n for _event, n in counted)


@pytest.fixture
def card():
    card = Client.objects.create(name="Олена")
    ClientPhone.objects.create(client=card, number="+380671234567")
    return card


def test_one_answered_calls_events_take_the_queries_worked_out(lines, card):
    counted, at_the_end = counted_queries(batch=False)
    assert counted == [(event, alone) for event, alone, _batched in EXPECTED]
    assert (sum(n for _event, n in counted), at_the_end) == (43, 0)


def test_in_one_batch_the_calls_row_is_read_once(lines, card):
    counted, at_the_end = counted_queries(batch=True)
    assert counted == [(event, batched) for event, _alone, batched in EXPECTED]
    assert (sum(n for _event, n in counted), at_the_end) == (28, AT_THE_BATCHS_END)
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


def dial_out(linkedid: str, uniqueid: str) -> Message:
    """The dialplan dials +380671234567 through a trunk for alice (extension 1001)."""
    return Message(
        {
            "Event": "UserEvent",
            "UserEvent": "HotlineOutbound",
            "Channel": "PJSIP/web1001-00000001",
            "Linkedid": linkedid,
            "Uniqueid": uniqueid,
            "Timestamp": f"{time.time():.6f}",
            "Number": "0671234567",
            "Did": "0443334455",
        }
    )


def apply_in_a_batch(message: Message) -> int:
    router = EventRouter()
    router.directory.reload()
    with (
        CaptureQueriesContext(connection) as queries,
        as_a_batch(),
        notify.collecting(),
        journal.without_savepoints(),
    ):
        router.apply(message)
    return len(queries)


def test_a_consultants_own_dialling_is_written_without_a_read_first(lines, card, alice):
    # Its first channel dials, so the call is new: find the card, insert the call.
    assert apply_in_a_batch(dial_out("hotline-1.1", "hotline-1.1")) == 2
    call = Call.objects.get()
    assert (call.direction, call.consultant, call.client, call.callee_number) == (
        CallDirection.OUTBOUND,
        alice,
        card,
        "+380671234567",
    )


def test_click_to_call_and_a_passed_on_call_are_read_first(lines, card, alice):
    # Click-to-call wrote its row, with its card, before dialling (place_call): the
    # row is read, and the event adds nothing to it.
    originated = journal.originated_linkedid()
    written = Call.objects.create(
        linkedid=originated,
        uniqueid=originated,
        direction=CallDirection.OUTBOUND,
        consultant=alice,
        callee_number="+380671234567",
        dialled_number="+380443334455",
        client=card,
        started_at=timezone.now(),
    )
    assert apply_in_a_batch(dial_out(originated, originated)) == 1
    assert Call.objects.get(linkedid=originated).updated_at == written.updated_at
    # One it wrote bare is read and filled in; its card is the one click-to-call found.
    bare = journal.originated_linkedid()
    Call.objects.create(linkedid=bare, uniqueid=bare, started_at=timezone.now())
    assert apply_in_a_batch(dial_out(bare, bare)) == 2
    call = Call.objects.get(linkedid=bare)
    assert (call.direction, call.consultant, call.callee_number, call.client) == (
        CallDirection.OUTBOUND,
        alice,
        "+380671234567",
        None,
    )
    # An inbound call passed on to an outside number: the dialling channel is not the
    # call's first; it is read, and stays the caller's inbound call.
    Call.objects.create(
        linkedid="hotline-2.1",
        uniqueid="hotline-2.1",
        dialled_number="0800500123",
        started_at=timezone.now(),
    )
    assert apply_in_a_batch(dial_out("hotline-2.1", "hotline-2.7")) == 1
    assert Call.objects.get(linkedid="hotline-2.1").direction == CallDirection.INBOUND
