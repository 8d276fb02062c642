"""Round trips to the database per event: one answered call's whole event stream
(answered.ami), applied as the connector applies a batch (no savepoints), takes
the queries worked out below. A change that adds a query to the common events
shows here (issue 16: under 2 ms per event on PostgreSQL)."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline_asterisk_connector import journal, notify
from hotline_asterisk_connector.events import EventRouter
from hotline_asterisk_connector.models import ConsultantLine
from hotline_crm.models import Client, ClientPhone
from tests.connector.recording import load

# Per event the journal uses, in the stream's order: what each query is for.
EXPECTED = [
    ("HotlineInbound", 3),  # read the call (none yet), find the card by phone, insert the call
    ("VarSet", 2),  # read the call, write the recording's file
    ("QueueCallerJoin", 3),  # read the call, write queued_at, the desks' waiting count
    ("AgentCalled", 3),  # read the call with its card, find a leg (none), insert the leg
    ("DialBegin", 2),  # Local half dials the phone: read the call, find the leg (the same one)
    ("DialBegin", 2),  # the same for the phone's channel
    ("QueueMemberStatus", 3),  # read the state, write it, the wallboard's row (one join)
    ("DialEnd", 6),  # the phone answered: read the call, find the leg, write the leg,
    # write the call, whom the call rang (call.answered), the desks' waiting count
    ("DialEnd", 2),  # the Local half's answer: read the call, find the leg (answered)
    ("QueueCallerLeave", 1),  # read the call (the wait is already known)
    ("AgentConnect", 2),  # read the call, find the leg (answered already)
    ("QueueMemberStatus", 3),
    ("AgentComplete", 4),  # find the leg, end it; read the call, write Asterisk's talk time
    ("Hangup", 1),  # the phone's channel: find its leg (ended)
    ("Hangup", 5),  # the caller's: read the call, write it, end open legs, whom the call
    # rang (call.ended), the worklist withdraws a missed call of it (none)
    ("Hangup", 1),  # the Local halves: find their leg (ended)
    ("Hangup", 1),
    ("QueueMemberStatus", 3),
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


def test_one_answered_calls_events_take_the_queries_worked_out(lines):
    card = Client.objects.create(name="Олена")
    ClientPhone.objects.create(client=card, number="+380671234567")
    router = EventRouter()
    router.directory.reload()
    counted = []
    for message in todays(load("answered")):
        if not router.wants(message):
            continue
        with (
            CaptureQueriesContext(connection) as queries,
            notify.collecting(),
            journal.without_savepoints(),
        ):
            router.apply(message)
        counted.append((message.get("UserEvent") or message.event, len(queries)))
    assert counted == EXPECTED
    assert sum(n for _event, n in counted) == 47
