"""The journal's service functions: idempotent, order-tolerant, outcomes that only grow."""

from datetime import UTC, datetime, timedelta

import pytest

from hotline_asterisk_connector import journal, notify
from hotline_asterisk_connector.ami.protocol import Message
from hotline_asterisk_connector.events import EventRouter
from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    CallLeg,
    Disposition,
)
from hotline_crm.models import Client, ClientPhone
from hotline_workspace.models import Kind, WorklistItem

T0 = datetime(2026, 11, 25, 9, 0, 0, tzinfo=UTC)
CALLER = journal.Caller.from_asterisk("0671234567", "Олена Петренко")


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture(autouse=True)
def quiet():
    """Collect websocket messages instead of sending them."""
    with notify.collecting() as outbox:
        yield outbox


def answered_call(alice) -> Call:
    journal.open_inbound_call("L1", "L1", at(0), CALLER, "0800500123")
    journal.mark_queued("L1", at(4))
    journal.record_leg_rung("L1", "L1.leg", at(5), "Local/1001@hotline-consultant", alice.pk)
    journal.record_leg_answered("L1", "L1.leg", at(12), "", alice.pk)
    journal.end_call("L1", at(72))
    return Call.objects.get(linkedid="L1")


def test_answered_call_has_wait_talk_and_consultant(alice):
    call = answered_call(alice)
    assert call.disposition == Disposition.ANSWERED
    assert call.consultant == alice
    assert (call.wait_seconds, call.talk_seconds) == (8, 60)  # 4→12 queued, 12→72 talking
    assert (call.caller_number, call.caller_number_raw, call.caller_name) == (
        "+380671234567",
        "0671234567",
        "Олена Петренко",
    )
    leg = call.legs.get()
    assert (leg.ring_seconds, leg.ended_at) == (7, at(72))


def test_the_same_events_twice_change_nothing(alice):
    first = answered_call(alice)
    again = answered_call(alice)
    assert Call.objects.count() == 1
    assert CallLeg.objects.count() == 1
    assert (again.wait_seconds, again.talk_seconds, again.ended_at) == (
        first.wait_seconds,
        first.talk_seconds,
        first.ended_at,
    )


def test_a_known_number_links_the_card_and_an_unknown_one_creates_none(db):
    card = Client.objects.create(name="Олена")
    ClientPhone.objects.create(client=card, number="+380671234567")
    known = journal.open_inbound_call("K", "K", at(0), CALLER, "0800500123")
    stranger = journal.open_inbound_call(
        "U", "U", at(0), journal.Caller.from_asterisk("<unknown>", "<unknown>"), "0800500123"
    )
    assert known.client == card
    assert stranger.client is None
    assert (stranger.caller_number, stranger.caller_name) == ("", "")
    assert Client.objects.count() == 1


def test_events_before_the_call_opened_still_land_on_one_row(alice):
    journal.record_leg_rung("L2", "L2.leg", at(5), "", alice.pk)
    journal.open_inbound_call("L2", "L2", at(0), CALLER, "0800500123")
    call = Call.objects.get(linkedid="L2")
    assert (call.started_at, call.dialled_number, call.legs.count()) == (at(0), "0800500123", 1)


def test_outcome_only_moves_to_a_stronger_one(db):
    journal.open_inbound_call("L3", "L3", at(0), CALLER, "0800500123")
    journal.record_outcome("L3", at(30), Disposition.NOBODY_AVAILABLE)
    journal.record_voicemail("L3", at(40), "/elsewhere/vm-L3.wav", 12)
    journal.record_outcome("L3", at(41), Disposition.NOBODY_AVAILABLE)  # late duplicate
    journal.end_call("L3", at(60))
    call = Call.objects.get(linkedid="L3")
    assert call.disposition == Disposition.VOICEMAIL
    voicemail = WorklistItem.objects.filter(kind=Kind.VOICEMAIL).get(call=call)
    assert (voicemail.audio_file, voicemail.duration_seconds, voicemail.caller_number) == (
        "/elsewhere/vm-L3.wav",
        12,
        "+380671234567",
    )


def test_callback_number_is_stored_in_e164(db):
    journal.open_inbound_call("L4", "L4", at(0), CALLER, "0800500123")
    journal.record_callback_request("L4", at(20), "0501112233")
    journal.record_callback_request("L4", at(20), "0501112233")
    journal.end_call("L4", at(25))
    request = WorklistItem.objects.filter(kind=Kind.CALLBACK).get()
    assert request.number_to_call == "+380501112233"
    assert Call.objects.get().disposition == Disposition.CALLBACK_REQUESTED


def test_unanswered_inbound_call_is_abandoned_and_outbound_is_not_answered(alice):
    journal.open_inbound_call("L5", "L5", at(0), CALLER, "0800500123")
    journal.mark_queued("L5", at(3))
    journal.end_call("L5", at(20))
    inbound = Call.objects.get(linkedid="L5")
    assert (inbound.disposition, inbound.wait_seconds, inbound.talk_seconds) == (
        Disposition.ABANDONED,
        17,
        None,
    )
    Call.objects.create(
        linkedid="out-1", direction=CallDirection.OUTBOUND, consultant=alice, started_at=at(0)
    )
    journal.end_call("out-1", at(30))
    assert Call.objects.get(linkedid="out-1").disposition == Disposition.OUTBOUND_NOT_ANSWERED


def test_missed_calls_list_every_kind_and_nothing_answered(alice):
    answered_call(alice)
    for linkedid, disposition in [
        ("M1", Disposition.OFF_HOURS),
        ("M2", Disposition.OVER_LIMIT),
        ("M3", Disposition.NOBODY_AVAILABLE),
    ]:
        journal.open_inbound_call(linkedid, linkedid, at(1), CALLER, "0800500123")
        journal.record_outcome(linkedid, at(2), disposition)
        journal.end_call(linkedid, at(3))
    journal.open_inbound_call("M4", "M4", at(1), CALLER, "0800500123")
    journal.end_call("M4", at(3))
    journal.open_inbound_call("M5", "M5", at(1), CALLER, "0800500123")
    journal.record_voicemail("M5", at(2), "vm.wav", 3)
    journal.open_inbound_call("M6", "M6", at(1), CALLER, "0800500123")
    journal.record_callback_request("M6", at(2), "0501112233")
    # Still at the «nobody is free» menu, or holding on: not missed (yet).
    journal.open_inbound_call("M7", "M7", at(1), CALLER, "0800500123")
    journal.record_outcome("M7", at(2), Disposition.NOBODY_AVAILABLE)
    missed = {call.linkedid: call.disposition for call in journal.missed_calls()}
    assert missed == {
        "M1": Disposition.OFF_HOURS,
        "M2": Disposition.OVER_LIMIT,
        "M3": Disposition.NOBODY_AVAILABLE,
        "M4": Disposition.ABANDONED,
        "M5": Disposition.VOICEMAIL,
        "M6": Disposition.CALLBACK_REQUESTED,
    }


def test_screen_pop_goes_to_the_rung_consultant_only(alice, bob, quiet):
    journal.open_inbound_call("L6", "L6", at(0), CALLER, "0800500123")
    journal.record_leg_rung("L6", "L6.a", at(1), "", alice.pk)
    journal.record_leg_rung("L6", "L6.a", at(1), "", alice.pk)  # duplicate event: one pop
    pops = [(group, m) for group, m in quiet if m["type"] == "call.ringing"]
    assert [group for group, _m in pops] == [f"consultant.{alice.pk}"]
    journal.record_leg_ended("L6.a", at(21), ring_seconds=20)
    journal.record_leg_rung("L6", "L6.b", at(21), "", bob.pk)
    journal.record_leg_answered("L6", "L6.b", at(24), "", bob.pk)
    answered = {group: m["answered_by_you"] for group, m in quiet if m["type"] == "call.answered"}
    assert answered == {f"consultant.{alice.pk}": False, f"consultant.{bob.pk}": True}
    call = Call.objects.get(linkedid="L6")
    assert call.consultant == bob
    assert [(leg.consultant, leg.ring_seconds) for leg in call.legs.all()] == [
        (alice, 20),
        (bob, 3),
    ]


def test_a_lost_consultant_is_noted_once_and_the_call_goes_on_to_its_next_answer(alice, bob):
    journal.open_inbound_call("L1", "L1", at(0), CALLER, "0800500123")
    journal.record_leg_rung("L1", "L1.a", at(5), "Local/1001@hotline-consultant", alice.pk)
    journal.record_leg_answered("L1", "L1.a", at(8), "", alice.pk)
    router = EventRouter()
    router.directory._users = {"1001": alice.pk, "1002": bob.pk}
    router.directory._loaded_at = float("inf")  # the map above, not the database's
    lost = Message(
        {
            "Event": "UserEvent",
            "UserEvent": "HotlineConsultantLost",
            "Linkedid": "L1",
            "Consultant": "PJSIP/web1001-0000002a",
            "Timestamp": str(at(40).timestamp()),
        }
    )
    router.apply(lost)
    router.apply(lost)  # seen twice: still one loss, at the first time
    journal.record_leg_rung("L1", "L1.b", at(41), "Local/1002@hotline-consultant", bob.pk)
    journal.record_leg_answered("L1", "L1.b", at(44), "", bob.pk)
    journal.end_call("L1", at(100))

    call = Call.objects.get(linkedid="L1")
    assert (call.consultant_lost_at, call.lost_consultant) == (at(40), alice)
    assert call.disposition == Disposition.ANSWERED
