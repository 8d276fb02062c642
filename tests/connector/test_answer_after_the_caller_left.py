"""A consultant's phone that picks up just as the caller hangs up.

Seen at 100 concurrent calls on a loaded machine: the caller left the queue,
Asterisk took a few seconds to take the ring back, the phone answered into
nothing (its MixMonitor started and wrote no audio), and the journal filed the
call as answered after its end, while the records held an ANSWERED row whose
answer is 0. Nobody talked: the call is abandoned by both sources, ends when
the caller hung up, and has no recording. Times are those of the rows below.
"""

import pytest

from hotline_asterisk_connector import cdr, notify
from hotline_asterisk_connector.directory import ConsultantDirectory
from hotline_asterisk_connector.events import RECORDING_VARIABLE, EventRouter
from hotline_asterisk_connector.models import Call, Disposition
from tests.connector.test_exact_after_outage import (
    LINKEDID,
    answered_rows,
    at,
    before_the_kill,
    epoch,
    event,
)

PHONE = "PJSIP/web101-00000002"


@pytest.mark.django_db(transaction=True)
def test_a_phone_answering_after_the_caller_hung_up_does_not_answer_the_call(
    role_groups, alice_line
):
    router = EventRouter()
    with notify.collecting():
        before_the_kill(router, alice_line)  # queued at 4 s, ringing Alice from 5 s
        router.apply(event("QueueCallerAbandon", 25, Queue="hotline", HoldTime="21"))
        router.apply(event("Hangup", 25))
        router.apply(
            event(
                "DialEnd",
                31,
                Channel="Local/101@hotline-consultant-00000001;2",
                DestChannel=PHONE,
                DestUniqueid="hotline-1764064805.3",
                DialStatus="ANSWER",
            )
        )
        router.apply(
            event("VarSet", 31, Variable=RECORDING_VARIABLE, Value="/rec/2026/11/25/x.wav")
        )

    call = Call.objects.get(linkedid=LINKEDID)
    assert call.disposition == Disposition.ABANDONED
    assert (call.answered_at, call.consultant, call.talk_seconds) == (None, None, None)
    assert (call.ended_at, call.wait_seconds) == (at(25), 21)
    assert call.recording_file == ""


def records_of_a_phone_answering_late(answer_epoch: str) -> list[dict]:
    """The caller's row ends at 25 s; Alice's phone row says ANSWERED and ends at 32 s."""
    caller, phone = answered_rows()
    caller |= {"end_epoch": epoch(25), "disposition": "ANSWERED"}
    phone |= {"answer_epoch": answer_epoch, "end_epoch": epoch(32), "recording": "x.wav"}
    return [caller, phone]


@pytest.mark.parametrize("answer", [epoch(31), "0.000000", "0", ""], ids=str)
@pytest.mark.django_db
def test_the_records_of_such_a_call_say_nobody_answered(alice_line, answer):
    (recovered,) = cdr.calls_from_rows(
        records_of_a_phone_answering_late(answer), ConsultantDirectory()
    )
    assert (recovered.answered_at, recovered.consultant_id) == (None, None)
    assert recovered.ended_at == at(25)  # the caller's row; the phone's answered nothing
    assert recovered.recording == ""
    assert [leg.answered_at for leg in recovered.legs] == [None]


def phone_answers(router: EventRouter, second: float) -> None:
    router.apply(
        event(
            "DialEnd",
            second,
            Channel="Local/101@hotline-consultant-00000001;2",
            DestChannel=PHONE,
            DestUniqueid="hotline-1764064805.3",
            DialStatus="ANSWER",
        )
    )


@pytest.mark.django_db(transaction=True)
def test_a_phone_answering_as_the_queue_gives_the_caller_up_does_not_answer_the_call(
    role_groups, alice_line
):
    """Seen at 200 concurrent calls on a loaded machine: the phone's answer came
    first, then the queue's QueueCallerAbandon (it never connected them, so no
    AgentConnect), and Asterisk's records show no answer before the caller's end."""
    router = EventRouter()
    with notify.collecting():
        before_the_kill(router, alice_line)  # queued at 4 s, ringing Alice from 5 s
        phone_answers(router, 24.9)
        router.apply(event("QueueCallerAbandon", 25, Queue="hotline", HoldTime="21"))
        router.apply(event("Hangup", 25.2))

    call = Call.objects.get(linkedid=LINKEDID)
    assert call.disposition == Disposition.ABANDONED
    assert (call.answered_at, call.consultant, call.talk_seconds) == (None, None, None)
    assert (call.ended_at, call.wait_seconds) == (at(25.2), 21)


@pytest.mark.django_db(transaction=True)
def test_a_caller_who_talked_and_then_gave_up_waiting_again_stays_answered(role_groups, alice_line):
    """Alice answered at 6 s and passed the caller back to the queue, where they
    waited 5 s more and hung up at 40 s: the call was answered, by Alice."""
    router = EventRouter()
    with notify.collecting():
        before_the_kill(router, alice_line)
        phone_answers(router, 6)
        router.apply(event("QueueCallerAbandon", 40, Queue="hotline", HoldTime="5"))
        router.apply(event("Hangup", 40))

    call = Call.objects.get(linkedid=LINKEDID)
    assert call.disposition == Disposition.ANSWERED
    assert (call.answered_at, call.consultant) == (at(6), alice_line)
    assert call.ended_at == at(40)
