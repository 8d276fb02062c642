"""Recovery from Asterisk's call records: a call rebuilt from its CDR rows matches the
one the events journaled, and merging records into a journal the events already
made adds nothing. Rows and events were recorded together, from one real call each
(tests/integration/test_connector_calls.py with HOTLINE_RECORD_FIXTURES=1)."""

import pytest

from hotline_asterisk_connector import cdr, journal
from hotline_asterisk_connector.directory import ConsultantDirectory
from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    CallLeg,
    ConsultantLine,
    Disposition,
)
from hotline_workspace.models import Kind, WorklistItem
from tests.connector.recording import load, load_call_records, replay


@pytest.fixture
def line(alice):
    return ConsultantLine.objects.create(
        user=alice, extension="101", webrtc_password="a", sip_password="b"
    )


def recovered(name: str) -> Call:
    (summary,) = cdr.calls_from_rows(load_call_records(name), ConsultantDirectory())
    assert journal.recover_call(summary) is not None
    # Merging the same records again changes nothing.
    assert journal.recover_call(summary) is None
    return Call.objects.get(linkedid=summary.linkedid)


def from_events(name: str) -> Call:
    Call.objects.all().delete()
    replay(load(name))
    return Call.objects.get()


def test_an_answered_call_rebuilt_from_its_records_matches_the_journal(line, alice):
    rebuilt = recovered("answered_call")
    legs = [(leg.consultant, leg.answered_at is not None) for leg in rebuilt.legs.all()]
    journaled = from_events("answered_call")
    assert legs == [(alice, True)]
    for field in ("direction", "disposition", "consultant", "caller_number", "dialled_number"):
        assert getattr(rebuilt, field) == getattr(journaled, field), field
    assert rebuilt.recording_file == journaled.recording_file
    assert abs((rebuilt.answered_at - journaled.answered_at).total_seconds()) < 0.5
    assert abs((rebuilt.ended_at - journaled.ended_at).total_seconds()) < 0.5
    assert abs(rebuilt.talk_seconds - journaled.talk_seconds) <= 1


def test_records_merged_into_a_journal_the_events_made_add_nothing(line):
    replay(load("answered_call"))
    before = list(Call.objects.values())
    legs = CallLeg.objects.count()
    (summary,) = cdr.calls_from_rows(load_call_records("answered_call"), ConsultantDirectory())
    assert journal.recover_call(summary) is None
    assert list(Call.objects.values()) == before
    assert CallLeg.objects.count() == legs


def test_a_voice_message_is_found_by_its_file_name(db, settings, tmp_path):
    settings.VOICEMAIL_DIR = tmp_path
    rows = load_call_records("nobody_available_and_the_caller_leaves_a_voice_message")
    linkedid = rows[0]["linkedid"]
    message = tmp_path / "2026" / "11" / "25" / f"{linkedid}-0671234567.wav"
    message.parent.mkdir(parents=True)
    message.write_bytes(bytes(44 + 3 * 16000))  # a header and three seconds

    call = recovered("nobody_available_and_the_caller_leaves_a_voice_message")
    assert call.disposition == Disposition.VOICEMAIL
    voicemail = WorklistItem.objects.filter(kind=Kind.VOICEMAIL).get(call=call)
    assert (voicemail.audio_file, voicemail.duration_seconds) == ("2026/11/25/" + message.name, 3)


def test_a_callback_request_comes_back_with_its_number(db):
    call = recovered("nobody_available_and_the_caller_asks_to_be_called_back")
    assert (call.disposition, call.dialled_number) == (
        Disposition.CALLBACK_REQUESTED,
        "+380631110033",
    )
    assert (
        WorklistItem.objects.filter(kind=Kind.CALLBACK).get(call=call).number_to_call
        == "+380671234567"
    )


def test_a_click_to_call_comes_back_as_an_answered_outgoing_call(line, alice):
    call = recovered("click_to_call_rings_the_consultant_then_the_number")
    assert (call.direction, call.disposition, call.consultant) == (
        CallDirection.OUTBOUND,
        Disposition.OUTBOUND_ANSWERED,
        alice,
    )
    assert (call.callee_number, call.dialled_number) == ("+380501112233", "+380671110011")


def test_rows_without_times_are_skipped_not_fatal(db):
    rows = load_call_records("answered_call")
    broken = [{**row, "end_epoch": "", "linkedid": "broken"} for row in rows]
    calls = cdr.calls_from_rows(broken + rows, ConsultantDirectory())
    assert [summary.linkedid for summary in calls] == [rows[0]["linkedid"]]
