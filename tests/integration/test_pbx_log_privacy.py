"""A callback number typed on the keypad reaches the callback list, never Asterisk's
logs; in Asterisk's own call records it lives only until the retention period."""

import contextlib
import datetime
import sqlite3

import pytest

from hotline_admin.retention import RetentionResult, delete_old_call_records
from tests.support.ami import event, user_event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]

# Keyed in by the caller; the caller ID itself is another number.
TYPED = "0501234567"
CALLER_ID = "0671234567"


@pytest.fixture
def nobody_logged_in(pbx, alice):
    pbx.add_trunks()
    pbx.add_consultant(alice, "101")
    pbx.settings(max_wait_seconds=30)
    pbx.apply()
    return pbx


def cdr_rows(path) -> list[dict]:
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as database:
        database.row_factory = sqlite3.Row
        return [dict(row) for row in database.execute("SELECT * FROM cdr")]


def test_a_typed_callback_number_is_in_no_log_and_leaves_the_cdr_with_retention(
    nobody_logged_in,
):
    pbx = nobody_logged_in
    pbx.call("tollfree", CALLER_ID)
    call = pbx.inbound(CALLER_ID)
    channel = call["Channel"]
    pbx.wait_app(channel, "Read", "busy-menu", since=pbx.mark)
    pbx.press(channel, "2")
    pbx.wait_app(channel, "Read", "callback-confirm", since=pbx.mark)
    # Another number than the caller ID: 0, then the rest, sent as RTP DTMF by sipp.
    pbx.press(channel, TYPED[0])
    pbx.wait_app(channel, "Read", "HOTLINE_REST", since=pbx.mark)
    pbx.press(channel, f"{TYPED[1:]}#")
    pbx.wait_app(channel, "Read", "callback-may-identify", since=pbx.mark)
    pbx.press(channel, "1")
    request = pbx.ami.wait_for(
        user_event("HotlineCallback", Linkedid=call["Linkedid"]), since=pbx.mark
    )
    assert request["Number"] == TYPED
    pbx.ami.wait_for(event("Hangup", Channel=channel), since=pbx.mark, what="the goodbye")

    master = pbx.asterisk.log_dir / "master.db"
    rows = pbx.asterisk.wait_until(
        lambda: [r for r in cdr_rows(master) if r["linkedid"] == call["Linkedid"]],
        "the call's CDR",
    )
    # The CDR keeps it for the connector's recovery of the last days.
    assert f"callback_requested:{TYPED}" in {row["userfield"] for row in rows}

    pbx.asterisk.cli("logger reload")  # flush
    for name in ("full.log", "messages.log"):
        log = (pbx.asterisk.log_dir / name).read_text(errors="replace")
        assert TYPED[1:] not in log, f"{name} holds the typed digits"
        assert "DTMF" not in log, f"{name} logs key presses"
    full = (pbx.asterisk.log_dir / "full.log").read_text(errors="replace")
    assert full.strip(), "full.log is written (the check above is not vacuous)"

    # Retention: past the personal-data period the rows go, and from the file's bytes.
    result = RetentionResult()
    delete_old_call_records(datetime.datetime.now(datetime.UTC), result)
    assert result.call_records_deleted >= len(rows)
    assert result.problems == []
    assert not [r for r in cdr_rows(master) if r["linkedid"] == call["Linkedid"]]
    assert TYPED.encode() not in master.read_bytes()
