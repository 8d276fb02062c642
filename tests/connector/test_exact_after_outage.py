"""After the connector was away, the journal says what Asterisk's records say.

The scenario the issue found with `kill -9`: a call was queued and ringing when
the connector died, a consultant answered it meanwhile, the connector came
back while it went on, and then it ended. Before, the Hangup filed it as
abandoned with a wait up to the hang-up, a missed-call task was made at once,
and the records' merge only filled empty fields. Times below are worked out by
hand from the rows and events.
"""

from datetime import UTC, datetime, timedelta

import pytest

from hotline_asterisk_connector import journal, notify, recovery
from hotline_asterisk_connector.ami.protocol import Message
from hotline_asterisk_connector.events import EventRouter
from hotline_asterisk_connector.models import Call, Disposition
from hotline_workspace.models import Kind, WorklistItem

T0 = datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC)
LINKEDID = "hotline-1764064800.1"
CALLER_CHANNEL = "PJSIP/trunk-kyivstar-00000001"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def epoch(seconds: float) -> str:
    return f"{at(seconds).timestamp():.6f}"


def answered_rows() -> list[dict]:
    """The caller's row to the queue's Local channel, and the Local channel's row to
    the browser that answered at 8.3 s; the call ended at 30 s."""
    common = {"linkedid": LINKEDID, "clid": '"" <0671234567>', "src": "0671234567"}
    return [
        common
        | {
            "AcctId": "1",
            "start_epoch": epoch(0),
            "answer_epoch": epoch(0.2),
            "end_epoch": epoch(30),
            "dcontext": "hotline-call",
            "channel": CALLER_CHANNEL,
            "dstchannel": "Local/101@hotline-consultant-00000001;1",
            "disposition": "ANSWERED",
            "uniqueid": LINKEDID,
            "did": "+380800500123",
        },
        common
        | {
            "AcctId": "2",
            "start_epoch": epoch(5),
            "answer_epoch": epoch(8.3),
            "end_epoch": epoch(30),
            "dcontext": "hotline-consultant",
            "channel": "Local/101@hotline-consultant-00000001;2",
            "dstchannel": "PJSIP/web101-00000002",
            "disposition": "ANSWERED",
            "uniqueid": "hotline-1764064805.3",
        },
    ]


def event(name: str, seconds: float, **fields: str) -> Message:
    return Message(
        {
            "Event": name,
            "Channel": CALLER_CHANNEL,
            "Uniqueid": LINKEDID,
            "Linkedid": LINKEDID,
            "CallerIDNum": "0671234567",
            "CallerIDName": "",
            "Timestamp": f"{at(seconds).timestamp():.6f}",
        }
        | fields
    )


def before_the_kill(router: EventRouter, alice) -> None:
    """What the connector saw before it died: the call queued and ringing Alice."""
    router.apply(
        event("UserEvent", 0, UserEvent="HotlineInbound", Did="+380800500123", Trunk="kyivstar")
    )
    router.apply(event("QueueCallerJoin", 4, Queue="hotline"))
    router.apply(
        event(
            "AgentCalled",
            5,
            Interface="Local/101@hotline-consultant",
            DestChannel="Local/101@hotline-consultant-00000001;1",
            DestUniqueid="hotline-1764064805.2",
        )
    )


@pytest.mark.django_db(transaction=True)
def test_a_call_answered_while_the_connector_was_away_is_answered_with_asterisks_times(
    role_groups, records, alice_line
):
    router = EventRouter()
    with notify.collecting():
        before_the_kill(router, alice_line)
        # Back: the call is still up (CoreShowChannels lists it), no records yet.
        recovery.resynchronise(router, [], [Message({"Linkedid": LINKEDID, "Uniqueid": LINKEDID})])
        router.apply(event("Hangup", 30))

    call = Call.objects.get(linkedid=LINKEDID)
    assert call.records_pending and router.records_due
    # Not final yet: no missed-call task for a call that may have been answered.
    assert not WorklistItem.objects.filter(kind=Kind.MISSED).exists()

    records(*answered_rows())
    _outbox, waiting = recovery.sweep(router, set())
    call.refresh_from_db()
    assert not waiting and not call.records_pending
    assert (call.disposition, call.consultant) == (Disposition.ANSWERED, alice_line)
    assert call.answered_at == at(8.3)
    assert (call.wait_seconds, call.talk_seconds) == (4, 22)  # 4→8.3 queued, 8.3→30 talking
    assert call.ended_at == at(30)
    [leg] = call.legs.all()
    assert (leg.consultant, leg.answered_at, leg.ring_seconds) == (alice_line, at(8.3), 3)
    assert not WorklistItem.objects.filter(kind=Kind.MISSED).exists()
    # Merging again changes nothing.
    assert journal.recover_call(*_summaries()) is None


def _summaries():
    from hotline_asterisk_connector import cdr
    from hotline_asterisk_connector.directory import ConsultantDirectory

    return cdr.calls_from_rows(cdr.read_rows(T0 - timedelta(days=1)), ConsultantDirectory())


@pytest.mark.django_db(transaction=True)
def test_a_call_that_ended_while_away_is_closed_from_its_records_not_at_reconnection(
    role_groups, records, alice_line
):
    router = EventRouter()
    records(*answered_rows())
    with notify.collecting():
        before_the_kill(router, alice_line)
        # Back after the call ended: no channel of it left.
        recovery.resynchronise(router, [], [])
    call = Call.objects.get(linkedid=LINKEDID)
    assert (call.disposition, call.consultant, call.ended_at) == (
        Disposition.ANSWERED,
        alice_line,
        at(30),
    )
    assert (call.wait_seconds, call.talk_seconds) == (4, 22)
    assert not call.records_pending
    assert not WorklistItem.objects.filter(kind=Kind.MISSED).exists()


@pytest.mark.django_db(transaction=True)
def test_an_unanswered_call_seen_in_part_is_missed_once_its_records_say_so(
    role_groups, records, alice_line
):
    router = EventRouter()
    with notify.collecting():
        before_the_kill(router, alice_line)
        recovery.resynchronise(router, [], [Message({"Linkedid": LINKEDID, "Uniqueid": LINKEDID})])
        router.apply(event("QueueCallerAbandon", 20, Queue="hotline", HoldTime="16"))
        router.apply(event("Hangup", 20))
    assert not WorklistItem.objects.filter(kind=Kind.MISSED).exists()
    rows = answered_rows()[:1]
    rows[0] |= {"dstchannel": "", "answer_epoch": "", "end_epoch": epoch(20)}
    records(*rows)
    recovery.sweep(router, set())
    call = Call.objects.get(linkedid=LINKEDID)
    assert (call.disposition, call.wait_seconds, call.talk_seconds) == (
        Disposition.ABANDONED,
        16,
        None,
    )
    assert WorklistItem.objects.filter(kind=Kind.MISSED).get().call == call


@pytest.mark.django_db(transaction=True)
def test_a_missed_call_task_is_withdrawn_when_the_records_show_it_answered(
    role_groups, records, alice_line
):
    router = EventRouter()
    with notify.collecting():
        before_the_kill(router, alice_line)
        router.apply(event("Hangup", 30))  # its answer was never heard
    assert WorklistItem.objects.filter(kind=Kind.MISSED).exists()
    journal.mark_records_pending({LINKEDID})
    records(*answered_rows())
    recovery.sweep(router, set())
    assert Call.objects.get().disposition == Disposition.ANSWERED
    assert not WorklistItem.objects.filter(kind=Kind.MISSED).exists()


@pytest.mark.django_db(transaction=True)
def test_ended_calls_whose_records_never_come_are_settled_as_they_are(
    role_groups, records, alice_line
):
    router = EventRouter()
    with notify.collecting():
        before_the_kill(router, alice_line)
        recovery.resynchronise(router, [], [Message({"Linkedid": LINKEDID, "Uniqueid": LINKEDID})])
        router.apply(event("Hangup", 30))
    Call.objects.update(ended_at=datetime.now(tz=UTC))  # it ended just now
    _outbox, waiting = recovery.sweep(router, set())
    assert waiting  # the call's records may still come
    Call.objects.update(ended_at=datetime.now(tz=UTC) - timedelta(minutes=5))
    _outbox, waiting = recovery.sweep(router, set())
    assert not waiting
    assert not Call.objects.get().records_pending
    assert WorklistItem.objects.filter(
        kind=Kind.MISSED
    ).exists()  # abandoned, as the journal saw it


@pytest.mark.django_db
def test_asterisks_talk_time_wins_over_a_replay_without_timestamps(alice_line):
    """A stream with no Timestamp headers, replayed fast: the events' arrival
    times say 0 s of talk; AgentComplete's TalkTime says 9."""
    router = EventRouter()
    untimed = [
        Message({k: v for k, v in message.items() if k != "Timestamp"})
        for message in (
            event("UserEvent", 0, UserEvent="HotlineInbound", Did="+380800500123"),
            event("QueueCallerJoin", 0, Queue="hotline"),
            event(
                "AgentConnect",
                0,
                Interface="Local/101@hotline-consultant",
                DestChannel="Local/101@hotline-consultant-00000001;1",
                DestUniqueid="L.2",
                HoldTime="3",
                RingTime="2",
            ),
            event(
                "AgentComplete",
                0,
                Interface="Local/101@hotline-consultant",
                DestChannel="Local/101@hotline-consultant-00000001;1",
                DestUniqueid="L.2",
                HoldTime="3",
                TalkTime="9",
                Reason="caller",
            ),
            event("Hangup", 0),
        )
    ]
    with notify.collecting():
        for message in untimed:
            router.apply(message)
    call = Call.objects.get()
    assert (call.wait_seconds, call.talk_seconds) == (3, 9)


@pytest.mark.django_db
def test_caller_id_from_the_queue_events_when_the_users_event_is_missing(alice_line):
    router = EventRouter()
    with notify.collecting():
        router.apply(event("QueueCallerJoin", 4, Queue="hotline", CallerIDName="Олена"))
    call = Call.objects.get()
    assert (call.caller_number, call.caller_number_raw, call.caller_name) == (
        "+380671234567",
        "0671234567",
        "Олена",
    )
