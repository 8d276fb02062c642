"""Recorded AMI streams of the real Asterisk 22 with the project's dialplan, replayed.

Fixtures are the raw events of one scenario each (tests/connector/fixtures/,
see its README). Consultant lines 1001 (Alice) and 1002 (Bob), our Kyivstar
number +380672223344; the caller is 0671234567, "Олена Петренко". Expected
times are read off the recordings' Timestamp headers.
"""

import pytest

from hotline_asterisk_connector.models import Call, ConsultantLine, Disposition
from hotline_crm.models import Client, ClientPhone
from tests.connector.recording import load, replay


@pytest.fixture
def lines(alice, bob):
    ConsultantLine.objects.create(
        user=alice, extension="1001", webrtc_password="a", sip_password="b"
    )
    ConsultantLine.objects.create(user=bob, extension="1002", webrtc_password="c", sip_password="d")


def test_answered_call(lines, alice):
    card = Client.objects.create(name="Олена")
    ClientPhone.objects.create(client=card, number="+380671234567")
    outbox = replay(load("answered"))
    call = Call.objects.get()
    assert call.disposition == Disposition.ANSWERED
    assert (call.caller_number, call.caller_number_raw, call.caller_name) == (
        "+380671234567",
        "0671234567",
        "Олена Петренко",
    )
    assert (call.dialled_number, call.client, call.consultant) == ("+380672223344", card, alice)
    # Queued at +0.90 s, answered at +2.91 s, hung up at +15.91 s.
    assert (call.wait_seconds, call.talk_seconds) == (2, 13)
    assert call.recording_file.endswith(f"{call.linkedid}.wav")
    leg = call.legs.get()
    assert (leg.consultant, leg.ring_seconds) == (alice, 2)
    assert (call.ended_at - leg.ended_at).total_seconds() < 1
    kinds = [(group, message["type"]) for group, message in outbox if group != "wallboard"]
    assert kinds == [
        (f"consultant.{alice.pk}", "call.ringing"),
        (f"consultant.{alice.pk}", "presence.changed"),  # ringing
        (f"consultant.{alice.pk}", "call.answered"),
        (f"consultant.{alice.pk}", "presence.changed"),  # on a call
        (f"consultant.{alice.pk}", "call.ended"),
        (f"consultant.{alice.pk}", "presence.changed"),  # available
    ]


def test_the_whole_stream_twice_changes_nothing(lines):
    events = load("answered")
    replay(events)
    first = Call.objects.values().get()
    replay(events)
    again = Call.objects.values().get()
    assert {k: v for k, v in again.items() if k != "updated_at"} == {
        k: v for k, v in first.items() if k != "updated_at"
    }
