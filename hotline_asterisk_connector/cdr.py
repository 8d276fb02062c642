"""Asterisk's own call records (cdr_sqlite3_custom, rendered by the PBX templates),
read back to recover calls that ended while the connector was not listening.

One call (linkedid) has several rows, one per pair of channels Asterisk
bridged or dialled. The dialplan writes each outcome into `userfield`
(`off_hours`, `voicemail`, `callback_requested:<number>`…) and the dialled
hotline number and recording file into `did` and `recording`.
"""

import contextlib
import logging
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from hotline_asterisk_connector.directory import ConsultantDirectory
from hotline_asterisk_connector.models import CallDirection, Disposition

log = logging.getLogger(__name__)

_CLID = re.compile(r'^"(?P<name>.*)" <(?P<number>[^>]*)>$')
_OUTCOMES = {
    "off_hours": Disposition.OFF_HOURS,
    "over_limit": Disposition.OVER_LIMIT,
    "nobody_available": Disposition.NOBODY_AVAILABLE,
    "voicemail": Disposition.VOICEMAIL,
    "callback_requested": Disposition.CALLBACK_REQUESTED,
}
OUTBOUND_CONTEXT = "hotline-outbound"


@dataclass
class RecoveredLeg:
    key: str
    consultant_id: int
    rang_at: datetime
    answered_at: datetime | None
    ended_at: datetime


@dataclass
class RecoveredCall:
    linkedid: str
    direction: str
    started_at: datetime
    ended_at: datetime
    caller_number: str = ""
    caller_name: str = ""
    dialled_number: str = ""
    callee_number: str = ""
    recording: str = ""
    consultant_id: int | None = None
    answered_at: datetime | None = None
    outcomes: list[Disposition] = field(default_factory=list)
    callback_number: str = ""
    legs: list[RecoveredLeg] = field(default_factory=list)


def database_path() -> Path:
    return Path(settings.HOTLINE_ASTERISK_DIR) / "log" / "master.db"


# Asterisk appends a leg's row as the leg ends, so AcctId (the table's integer
# primary key) grows with end_epoch, give or take the CDR engine's batching
# delay. Rows ending after a moment are found from the first row that ended
# this long before it, by a binary search on the key: a range of the primary
# key, never a scan of years of rows (end_epoch has no index and is text).
ORDER_MARGIN_SECONDS = 3600


def read_rows(since: datetime, path: Path | None = None) -> list[dict]:
    """Rows of calls that ended at or after `since`, oldest first; [] when there is no database."""
    path = path or database_path()
    if not path.exists():
        return []
    try:
        with contextlib.closing(
            sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        ) as database:
            database.row_factory = sqlite3.Row
            first = first_row_ending_after(database, since.timestamp() - ORDER_MARGIN_SECONDS)
            rows = database.execute(
                "SELECT * FROM cdr WHERE AcctId >= ? AND CAST(end_epoch AS INTEGER) >= ?"
                " ORDER BY AcctId",
                (first, int(since.timestamp())),
            )
            return [dict(row) for row in rows]
    except sqlite3.Error as error:
        log.error("Could not read Asterisk's call records in %s: %s", path, error)
        return []


def first_row_ending_after(database: sqlite3.Connection, epoch: float) -> int:
    """The smallest AcctId whose row ended at or after `epoch` (rows in key order)."""
    # Two queries: SQLite answers a lone min() or max() of the key from the index,
    # both in one query by scanning every row.
    low = database.execute("SELECT min(AcctId) FROM cdr").fetchone()[0]
    if low is None:
        return 0
    high = database.execute("SELECT max(AcctId) FROM cdr").fetchone()[0] + 1
    while low < high:
        middle = (low + high) // 2
        found = database.execute(
            "SELECT AcctId, end_epoch FROM cdr WHERE AcctId >= ? ORDER BY AcctId LIMIT 1",
            (middle,),
        ).fetchone()
        if found is not None and _epoch(found[1]) < epoch:
            low = found[0] + 1
        else:
            high = middle
    return low


def _epoch(text) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return 0.0


def calls_from_rows(rows: list[dict], directory: ConsultantDirectory) -> list[RecoveredCall]:
    by_call: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row.get("linkedid"):
            by_call[row["linkedid"]].append(row)
    calls = []
    for linkedid, call_rows in by_call.items():
        try:
            calls.append(_call_from_rows(linkedid, call_rows, directory))
        except (KeyError, ValueError) as error:
            log.warning("Skipped unreadable call records of %s: %s", linkedid, error)
    return calls


def _call_from_rows(
    linkedid: str, rows: list[dict], directory: ConsultantDirectory
) -> RecoveredCall:
    first = next((row for row in rows if row["uniqueid"] == linkedid), rows[0])
    outbound = any(row["dcontext"] == OUTBOUND_CONTEXT for row in rows)
    # The call ends with its first channel and, when answered, the consultant's
    # leg (see below), as in the journal: a phone that picked up into nothing
    # after the caller left does not make it longer.
    own = [row for row in rows if row["uniqueid"] == linkedid] or rows
    call = RecoveredCall(
        linkedid=linkedid,
        direction=CallDirection.OUTBOUND if outbound else CallDirection.INBOUND,
        started_at=min(_time(row["start_epoch"]) for row in rows),
        ended_at=max(_time(row["end_epoch"]) for row in own),
        dialled_number=next((row["did"] for row in rows if row.get("did")), ""),
        recording=next((row["recording"] for row in rows if row.get("recording")), ""),
    )
    for row in rows:
        outcome, _sep, detail = (row.get("userfield") or "").partition(":")
        if outcome in _OUTCOMES:
            call.outcomes.append(_OUTCOMES[outcome])
            if outcome == "callback_requested":
                call.callback_number = detail
    if outbound:
        call.consultant_id = directory.user_for(first["channel"])
        dialling = next(row for row in rows if row["dcontext"] == OUTBOUND_CONTEXT)
        call.callee_number = dialling["dst"]
        answered = [_answered(row) for row in rows if row["dstchannel"].startswith("PJSIP/trunk-")]
        call.answered_at = min(filter(None, answered), default=None)
        return call
    clid = _CLID.match(first.get("clid") or "")
    call.caller_number = first.get("src") or (clid["number"] if clid else "")
    call.caller_name = clid["name"] if clid else ""
    legs: dict[int, RecoveredLeg] = {}
    for row in rows:
        consultant_id = directory.user_for(row["dstchannel"])
        if consultant_id is None or not row["dstchannel"].startswith("PJSIP/"):
            continue
        answered_at = _answered(row)
        if answered_at is not None and answered_at > call.ended_at:
            answered_at = None  # The phone picked up after the caller had gone.
        leg = RecoveredLeg(
            key=f"{linkedid}/cdr/{row['AcctId']}",
            consultant_id=consultant_id,
            rang_at=_time(row["start_epoch"]),
            answered_at=answered_at,
            ended_at=_time(row["end_epoch"]),
        )
        # Asterisk splits one ring-and-talk into several rows when it optimises the
        # Local channel away: one leg per consultant, from first ring to last end.
        known = legs.get(consultant_id)
        if known is None:
            legs[consultant_id] = leg
            continue
        known.rang_at = min(known.rang_at, leg.rang_at)
        known.ended_at = max(known.ended_at, leg.ended_at)
        answers = [moment for moment in (known.answered_at, leg.answered_at) if moment]
        known.answered_at = min(answers, default=None)
    call.legs = list(legs.values())
    answering = [leg for leg in call.legs if leg.answered_at is not None]
    if answering:
        first_answer = min(answering, key=lambda leg: leg.answered_at)
        call.answered_at = first_answer.answered_at
        call.consultant_id = first_answer.consultant_id
        # Under load the caller's row closes as the bridge breaks, a second or two
        # before its channel's Hangup (the journal's end); the answered leg's row
        # closes with the channels.
        call.ended_at = max(call.ended_at, *(leg.ended_at for leg in answering))
    else:
        call.recording = ""  # Nobody talked: a recording started on no conversation.
    return call


def _answered(row: dict) -> datetime | None:
    """When the row's destination answered. An unanswered row holds 0 — and so,
    under load, may a row Asterisk marks ANSWERED for a phone that picked up
    as the caller hung up."""
    if row["disposition"] != "ANSWERED" or _epoch(row.get("answer_epoch")) <= 0:
        return None
    return _time(row["answer_epoch"])


def _time(epoch: str) -> datetime:
    """The epoch columns hold Unix seconds with microseconds."""
    return datetime.fromtimestamp(float(epoch), tz=UTC)
