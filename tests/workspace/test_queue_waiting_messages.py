"""Every open desk hears the queue's waiting callers, but only when a change can
move a caller into or out of them: an answered call's life sends each desk two
messages (queued, answered), not one per journal change."""

from datetime import UTC, datetime, timedelta

import pytest

from hotline_asterisk_connector import journal, notify
from hotline_workspace.queue_waiting import DESKS_GROUP

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 25, 10, 0, 0, tzinfo=UTC)
LINKEDID = "qw-1"


def desk_messages(step) -> list[dict]:
    with notify.collecting() as outbox:
        step()
    return [message for group, message in outbox if group == DESKS_GROUP]


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_an_answered_calls_life_tells_the_desks_twice(alice):
    caller = journal.Caller.from_asterisk("0671234567", "Олена")
    steps = [
        lambda: journal.open_inbound_call(LINKEDID, LINKEDID, at(0), caller, "+380800500123"),
        lambda: journal.mark_queued(LINKEDID, at(4)),
        lambda: journal.record_leg_rung(LINKEDID, "leg-1", at(5), "Local/1001", alice.pk),
        lambda: journal.record_leg_answered(LINKEDID, "leg-1", at(8), "Local/1001", alice.pk),
        lambda: journal.record_recording(LINKEDID, at(8), "/rec/qw-1.wav"),
        lambda: journal.record_agent_complete(
            LINKEDID, at(30), alice.pk, hold_seconds=4, talk_seconds=22
        ),
        lambda: journal.end_call(LINKEDID, at(30)),
    ]
    sent = [desk_messages(step) for step in steps]
    assert [len(messages) for messages in sent] == [0, 1, 0, 1, 0, 0, 0]
    assert (sent[1][0]["count"], sent[1][0]["longest_since"]) == (1, at(4).isoformat())
    assert (sent[3][0]["count"], sent[3][0]["longest_since"]) == (0, None)


def test_a_caller_who_gives_up_waiting_is_told_and_one_summary_per_batch(db):
    caller = journal.Caller.from_asterisk("0671234567", "")

    def batch() -> None:
        for n in range(3):
            journal.open_inbound_call(f"qw-{n}", f"qw-{n}", at(n), caller, "+380800500123")
            journal.mark_queued(f"qw-{n}", at(n + 1))

    [summary] = desk_messages(batch)  # three changes, the newest summary only
    assert (summary["count"], summary["longest_since"]) == (3, at(1).isoformat())
    [summary] = desk_messages(lambda: journal.end_call("qw-0", at(20)))
    assert (summary["count"], summary["longest_since"]) == (2, at(2).isoformat())
