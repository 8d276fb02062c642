"""The journal checked against Asterisk's own call records, field by field.

For every call Asterisk recorded (cdr.py) since a moment: one journal row,
the same direction, outcome and consultant, answer, end and talk within a
second, and the recording on disk and not empty. With `fix`, a call that
differs is merged again with the records winning (as after an outage) and
checked once more. Every run is kept (Reconciliation) for the status page;
the connector runs one after every reconnection, the nightly jobs one a day.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from hotline_asterisk_connector import cdr, journal, notify
from hotline_asterisk_connector.directory import ConsultantDirectory
from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    Disposition,
    Reconciliation,
)

log = logging.getLogger(__name__)

TOLERANCE_SECONDS = 1.0
_WAV_HEADER = 44


@dataclass
class Report:
    since: datetime
    calls_checked: int = 0
    differences: list[str] = field(default_factory=list)
    fixed: int = 0


def reconcile(
    since: datetime, *, fix: bool = False, live: set[str] = frozenset(), trigger: str = "command"
) -> Report:
    """Compare every call Asterisk recorded since `since` (none still `live`)."""
    report = Report(since=since)
    directory = ConsultantDirectory()
    for recorded in cdr.calls_from_rows(cdr.read_rows(since), directory):
        if recorded.linkedid in live or recorded.started_at < since:
            continue
        report.calls_checked += 1
        found = differences(recorded)
        if found and fix:
            _merge_with_records_winning(recorded)
            found = differences(recorded)
            report.fixed += 0 if found else 1
        report.differences.extend(f"{recorded.linkedid}: {text}" for text in found)
    Reconciliation.objects.create(
        since=since,
        trigger=trigger,
        calls_checked=report.calls_checked,
        differences=len(report.differences),
        fixed=report.fixed,
        details="\n".join(report.differences),
    )
    return report


def differences(recorded: cdr.RecoveredCall) -> list[str]:
    """What the journal says differently from Asterisk's records of one call."""
    calls = list(Call.objects.filter(linkedid=recorded.linkedid))
    if not calls:
        return ["missing from the journal"]
    if len(calls) > 1:
        return [f"{len(calls)} rows in the journal"]
    call = calls[0]
    found = []
    if call.direction != recorded.direction:
        found.append(f"direction {call.direction}, Asterisk: {recorded.direction}")
    expected = expected_disposition(recorded)
    if call.disposition != expected:
        found.append(f"outcome {call.disposition}, Asterisk: {expected}")
    if recorded.consultant_id is not None and call.consultant_id != recorded.consultant_id:
        found.append(f"consultant {call.consultant_id}, Asterisk: {recorded.consultant_id}")
    found += _times(call, recorded)
    found += _recording(recorded)
    return found


def expected_disposition(recorded: cdr.RecoveredCall) -> Disposition:
    if recorded.direction == CallDirection.OUTBOUND:
        if recorded.answered_at is not None:
            return Disposition.OUTBOUND_ANSWERED
        return Disposition.OUTBOUND_NOT_ANSWERED
    if recorded.answered_at is not None:
        return Disposition.ANSWERED
    return max(recorded.outcomes, key=journal.rank, default=Disposition.ABANDONED)


def _times(call: Call, recorded: cdr.RecoveredCall) -> list[str]:
    found = []
    pairs = [("ended", call.ended_at, recorded.ended_at)]
    if recorded.answered_at is not None:
        pairs.append(("answered", call.answered_at, recorded.answered_at))
    for name, journaled, actual in pairs:
        if journaled is None or abs((journaled - actual).total_seconds()) > TOLERANCE_SECONDS:
            found.append(f"{name} at {_clock(journaled)}, Asterisk: {_clock(actual)}")
    if recorded.answered_at is not None:
        talk = (recorded.ended_at - recorded.answered_at).total_seconds()
        if call.talk_seconds is None or abs(call.talk_seconds - talk) > TOLERANCE_SECONDS:
            found.append(f"talk {call.talk_seconds} s, Asterisk: {talk:.1f} s")
    return found


def _recording(recorded: cdr.RecoveredCall) -> list[str]:
    if not recorded.recording:
        return []
    path = Path(recorded.recording)
    if not path.is_absolute():
        path = Path(settings.RECORDINGS_DIR) / path
    if not path.is_file() or path.stat().st_size <= _WAV_HEADER:
        return [f"recording {recorded.recording} missing or empty"]
    return []


def _merge_with_records_winning(recorded: cdr.RecoveredCall) -> None:
    with transaction.atomic(), notify.collecting():
        journal.mark_records_pending({recorded.linkedid})
        journal.recover_call(recorded)
        call = Call.objects.filter(linkedid=recorded.linkedid).first()
        if call is not None and call.records_pending:
            journal.correct_from_records(call, recorded)


def _clock(moment: datetime | None) -> str:
    return "—" if moment is None else moment.isoformat(timespec="milliseconds")
