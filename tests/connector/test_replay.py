"""Recorded AMI streams of the real Asterisk 22 with the project's dialplan, replayed.

Fixtures are the raw events of one scenario each (tests/connector/fixtures/,
see its README). Consultant lines 1001 (Alice) and 1002 (Bob), our Kyivstar
number +380672223344; the caller is 0671234567, "Олена Петренко". Expected
times are read off the recordings' Timestamp headers.
"""

import pytest

from hotline_asterisk_connector import journal
from hotline_asterisk_connector.events import event_time
from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    CallLeg,
    ConsultantLine,
    Disposition,
    PresenceState,
)
from hotline_crm.models import Client, ClientPhone
from hotline_workspace.models import Kind, WorklistItem
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
    # Every desk heard the caller wait, then nobody waiting once Alice answered.
    waits = [message["count"] for group, message in outbox if group == "desks"]
    assert 1 in waits and waits[-1] == 0
    kinds = [
        (group, message["type"]) for group, message in outbox if group not in {"wallboard", "desks"}
    ]
    assert kinds == [
        (f"consultant.{alice.pk}", "call.ringing"),
        (f"consultant.{alice.pk}", "presence.changed"),  # ringing
        (f"consultant.{alice.pk}", "call.answered"),
        (f"consultant.{alice.pk}", "presence.changed"),  # on a call
        (f"consultant.{alice.pk}", "call.finished"),  # her part ended: the wrap-up starts
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


def pops(outbox, user) -> list[str]:
    return [
        m["type"] for group, m in outbox if group == f"consultant.{user.pk}" and "call" in m["type"]
    ]


def test_consultant_not_answering_then_the_next_one_takes_the_call(lines, alice, bob):
    outbox = replay(load("ring_no_answer_next"))
    call = Call.objects.get()
    assert (call.disposition, call.consultant) == (Disposition.ANSWERED, alice)
    # Joined at +0.90; Bob rang 0.90→5.90 unanswered; Alice rang from 7.90, answered at 9.91;
    # the caller hung up at 22.91.
    assert (call.wait_seconds, call.talk_seconds) == (9, 13)
    legs = [
        (leg.consultant, leg.ring_seconds, leg.answered_at is not None) for leg in call.legs.all()
    ]
    assert legs == [(bob, 5, False), (alice, 2, True)]
    assert pops(outbox, bob) == [
        "call.ringing",
        "call.stopped_ringing",
        "call.answered",
        "call.ended",
    ]
    # Only the consultant who talked is sent into the wrap-up.
    assert pops(outbox, alice) == ["call.ringing", "call.answered", "call.finished", "call.ended"]
    answered_for_bob = [
        m for g, m in outbox if g == f"consultant.{bob.pk}" and m["type"] == "call.answered"
    ]
    assert answered_for_bob[0]["answered_by_you"] is False
    # Bob let it ring out: the queue paused him.
    assert (bob.presence.state, bob.presence.pause_reason) == (PresenceState.PAUSED, "Auto-Pause")
    assert alice.presence.state == PresenceState.AVAILABLE


def test_caller_hanging_up_while_it_rings_is_abandoned(lines, bob):
    outbox = replay(load("hangup_while_ringing"))
    call = Call.objects.get()
    assert call.disposition == Disposition.ABANDONED
    assert (call.consultant, call.answered_at, call.talk_seconds) == (None, None, None)
    assert call.wait_seconds == 3  # joined at +0.90, hung up at +3.91
    leg = call.legs.get()
    assert (leg.consultant, leg.ring_seconds, leg.answered_at) == (bob, 3, None)
    assert pops(outbox, bob) == ["call.ringing", "call.stopped_ringing", "call.ended"]
    assert list(journal.missed_calls()) == [call]


def test_two_calls_from_one_number_at_once_are_two_rows(lines, alice, bob):
    card = Client.objects.create(name="Олена")
    ClientPhone.objects.create(client=card, number="+380671234567")
    replay(load("two_calls_one_number"))
    calls = list(Call.objects.order_by("linkedid"))
    assert [(c.consultant, c.client, c.disposition) for c in calls] == [
        (bob, card, Disposition.ANSWERED),
        (alice, card, Disposition.ANSWERED),
    ]
    assert [(c.wait_seconds, c.talk_seconds) for c in calls] == [(2, 13), (2, 13)]
    assert all(c.legs.count() == 1 for c in calls)


def test_blind_transfer_keeps_one_call_with_both_consultants_legs(lines, alice, bob):
    outbox = replay(load("blind_transfer"))
    call = Call.objects.get()
    assert (call.disposition, call.consultant) == (Disposition.ANSWERED, alice)
    # Alice answered at +2.91 and transferred at +5.96; Bob answered at +7.96;
    # the caller hung up at +30.98.
    assert (call.wait_seconds, call.talk_seconds) == (2, 28)
    alice_leg, bob_leg = call.legs.all()
    assert (alice_leg.consultant, bob_leg.consultant) == (alice, bob)
    assert round((alice_leg.ended_at - alice_leg.answered_at).total_seconds()) == 3
    assert (bob_leg.ring_seconds, round((call.ended_at - bob_leg.answered_at).total_seconds())) == (
        2,
        23,
    )
    # The transferred call pops up on Bob's screen too, and he is told he has it.
    assert pops(outbox, bob) == ["call.ringing", "call.answered", "call.finished", "call.ended"]
    # Alice's part ended with the transfer: her wrap-up starts then.
    assert pops(outbox, alice)[-2:] == ["call.finished", "call.ended"]
    taken = [m for g, m in outbox if g == f"consultant.{bob.pk}" and m["type"] == "call.answered"]
    assert taken[0]["answered_by_you"] is True


def click_to_call_row(alice, events) -> Call:
    """What clicktocall.place_call writes just before its Originate (ChannelId below)."""
    call = Call.objects.create(
        started_at=event_time(next(m for m in events if "Timestamp" in m)),
        linkedid="out-0123456789abcdef",
        uniqueid="out-0123456789abcdef",
        direction=CallDirection.OUTBOUND,
        consultant=alice,
        callee_number="+380501112233",
        dialled_number="+380672223344",
    )
    CallLeg.objects.create(
        call=call,
        uniqueid=call.linkedid,
        consultant=alice,
        interface="Local/1001@hotline-consultant",
        rang_at=call.started_at,
    )
    return call


def test_click_to_call_rings_the_consultant_then_the_number(lines, alice):
    events = load("click_to_call")
    click_to_call_row(alice, events)
    replay(events)
    call = Call.objects.get()
    assert (call.direction, call.disposition, call.consultant) == (
        CallDirection.OUTBOUND,
        Disposition.OUTBOUND_ANSWERED,
        alice,
    )
    assert (call.callee_number, call.dialled_number) == ("+380501112233", "+380672223344")
    # Alice answered at +2.01, the callee at +4.02 and hung up at +10.02.
    assert call.talk_seconds == 6
    leg = call.legs.get()
    assert (leg.consultant, leg.ring_seconds) == (alice, 2)
    assert call.recording_file.endswith("out-0123456789abcdef.wav")


def test_a_call_dialled_out_is_journaled_even_without_a_click(lines, alice):
    replay(load("click_to_call"))
    call = Call.objects.get()
    assert (call.direction, call.disposition, call.consultant, call.callee_number) == (
        CallDirection.OUTBOUND,
        Disposition.OUTBOUND_ANSWERED,
        alice,
        "+380501112233",
    )
    assert call.talk_seconds == 6


# Recorded by tests/integration/test_connector_calls.py (HOTLINE_RECORD_FIXTURES=1):
# the caller is 0671234567 unless said otherwise, consultant line 101.


def test_outside_working_hours(db):
    replay(load("a_call_outside_working_hours"))
    call = Call.objects.get()
    assert (call.disposition, call.dialled_number, call.caller_number) == (
        Disposition.OFF_HOURS,
        "+380800500123",
        "+380671234567",
    )
    assert (call.queued_at, call.wait_seconds, call.talk_seconds) == (None, None, None)
    assert call.recording_file.endswith(f"{call.linkedid}.wav")
    assert list(journal.missed_calls()) == [call]


def test_over_the_channel_limit_while_another_caller_waits_at_the_menu(db):
    replay(load("a_call_over_the_channel_limit"))
    outcomes = dict(Call.objects.values_list("caller_number", "disposition"))
    assert outcomes == {
        "+380501000001": Disposition.NOBODY_AVAILABLE,
        "+380501000002": Disposition.OVER_LIMIT,
    }
    refused = Call.objects.get(caller_number="+380501000002")
    assert (refused.queued_at, refused.recording_file) == (None, "")


def test_nobody_available_then_a_voice_message(db):
    replay(load("nobody_available_and_the_caller_leaves_a_voice_message"))
    call = Call.objects.get()
    assert call.disposition == Disposition.VOICEMAIL
    voicemail = WorklistItem.objects.filter(kind=Kind.VOICEMAIL).get(call=call)
    assert voicemail.audio_file.endswith(f"{call.linkedid}-0671234567.wav")
    assert (voicemail.caller_number, voicemail.dialled_number) == ("+380671234567", "+380671110011")
    assert voicemail.duration_seconds == 0  # the test caller said nothing


def test_nobody_available_and_the_caller_hangs_up_at_the_menu(db):
    replay(load("nobody_available_and_the_caller_hangs_up_at_the_menu"))
    call = Call.objects.get()
    assert call.disposition == Disposition.NOBODY_AVAILABLE
    assert call.wait_seconds == 0  # the queue had nobody: the caller left it at once


def test_click_to_call_when_the_consultants_phone_is_off(alice):
    ConsultantLine.objects.create(
        user=alice, extension="101", webrtc_password="a", sip_password="b"
    )
    events = load("click_to_call_when_the_consultants_phone_is_off")
    linkedid = next(m["Uniqueid"] for m in events if m.event == "OriginateResponse")
    Call.objects.create(
        linkedid=linkedid,
        uniqueid=linkedid,
        direction=CallDirection.OUTBOUND,
        consultant=alice,
        callee_number="+380501112233",
        started_at=event_time(next(m for m in events if "Timestamp" in m)),
    )
    replay(events)
    call = Call.objects.get()
    assert (call.disposition, call.answered_at, call.talk_seconds) == (
        Disposition.OUTBOUND_NOT_ANSWERED,
        None,
        None,
    )
    assert call.ended_at is not None


def test_nobody_available_then_a_callback_number_confirmed(db):
    replay(load("nobody_available_and_the_caller_asks_to_be_called_back"))
    call = Call.objects.get()
    assert (call.disposition, call.dialled_number) == (
        Disposition.CALLBACK_REQUESTED,
        "+380631110033",
    )
    request = WorklistItem.objects.filter(kind=Kind.CALLBACK).get(call=call)
    assert (request.number_to_call, request.status) == ("+380671234567", "pending")
