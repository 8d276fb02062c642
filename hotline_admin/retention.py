"""The data retention job: delete old recordings, anonymise clients no longer in contact.

Statistics never change: they are computed from the coded fields of calls
(times, durations, outcomes, numbers dialled, consultants) and the frozen
snapshot on each consultation form, which this job leaves alone. It removes
what identifies or describes a person: audio, names, phone numbers and
free text, wherever they are kept: the database, the admin change log,
Asterisk's own call records (CDR) and logs, and the backups.
"""

import calendar
import contextlib
import datetime
import logging
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline_admin import backup
from hotline_admin.models import MaintenanceSettings
from hotline_asterisk_connector import cdr
from hotline_asterisk_connector.models import Call, CallComment
from hotline_audit.models import AuditEvent
from hotline_crm.models import BreakGlass, Client, ClientPhone, Consultation
from hotline_workspace.models import WorklistItem

logger = logging.getLogger(__name__)


@dataclass
class RetentionResult:
    recordings_deleted: int = 0
    voicemails_deleted: int = 0
    clients_anonymised: int = 0
    calls_anonymised: int = 0
    audit_events_purged: int = 0
    admin_log_entries_cleared: int = 0
    call_records_deleted: int = 0
    pbx_logs_deleted: int = 0
    backups_deleted: int = 0
    files_missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        """In the site's language (Ukrainian unless a request chose English): the
        text is kept as the daily job's result and shown on the settings pages."""
        counts = [
            (_("recordings deleted"), self.recordings_deleted),
            (_("voice messages deleted"), self.voicemails_deleted),
            (_("clients anonymised"), self.clients_anonymised),
            (_("calls anonymised"), self.calls_anonymised),
            (_("audit events purged"), self.audit_events_purged),
            (_("admin log entries cleared"), self.admin_log_entries_cleared),
            (_("Asterisk call records deleted"), self.call_records_deleted),
            (_("Asterisk logs deleted"), self.pbx_logs_deleted),
            (_("backups deleted"), self.backups_deleted),
        ]
        done = ", ".join(f"{label}: {count}" for label, count in counts)
        return "; ".join([done, *self.problems])


class RetentionIncomplete(Exception):
    """Some data past its period could not be removed; the message says what and why."""


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` calendar months earlier (the month's last day if shorter)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def stored_file(root: Path, name: str) -> Path | None:
    """The file a row points to, only if it lies inside `root` (never follow a path out)."""
    if not name:
        return None
    path = Path(name) if Path(name).is_absolute() else root / name
    resolved_root = root.resolve()
    resolved = path.resolve()
    if not resolved.is_relative_to(resolved_root):
        logger.warning("Refusing to delete %s: outside %s", path, root)
        return None
    return resolved


def _delete(paths: list[Path], result: RetentionResult) -> None:
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            result.files_missing.append(str(path))


def delete_old_recordings(days: int, now: datetime.datetime, result: RetentionResult) -> None:
    cutoff = now - datetime.timedelta(days=days)
    recordings = Path(settings.RECORDINGS_DIR)
    calls = Call.objects.filter(started_at__lt=cutoff).exclude(recording_file="")
    files = [path for call in calls if (path := stored_file(recordings, call.recording_file))]
    # Rows first, then files: a row never points at a deleted file for long,
    # and a failed deletion leaves a file the next run finds by its age.
    result.recordings_deleted += calls.update(recording_file="")
    _delete(files, result)
    _delete(_old_unreferenced_files(recordings, cutoff), result)

    voicemails_dir = Path(settings.VOICEMAIL_DIR)
    voicemails = WorklistItem.objects.filter(created_at__lt=cutoff).exclude(audio_file="")
    files = [path for item in voicemails if (path := stored_file(voicemails_dir, item.audio_file))]
    result.voicemails_deleted += voicemails.update(audio_file="")
    _delete(files, result)


def _old_unreferenced_files(root: Path, cutoff: datetime.datetime) -> list[Path]:
    """Recordings on disk older than the cutoff that no call row knows (a missed event)."""
    if not root.is_dir():
        return []
    limit = cutoff.timestamp()
    return [path for path in root.rglob("*") if path.is_file() and path.stat().st_mtime < limit]


def clients_out_of_contact(cutoff: datetime.datetime):
    """Cards with no call, form or recorded contact since the cutoff, not yet anonymised."""
    return (
        Client.objects.filter(anonymised_at__isnull=True)
        .filter(Q(last_contact_at__lt=cutoff) | Q(last_contact_at__isnull=True))
        .filter(created_at__lt=cutoff)
        .exclude(calls__started_at__gte=cutoff)
        .exclude(consultations__created_at__gte=cutoff)
        .distinct()
    )


def anonymise_client(client: Client, now: datetime.datetime) -> int:
    """Remove what identifies the person; return how many of their calls were stripped.

    Demographics stay on the card (age, gender, oblast, settlement type, IDP
    status): alone they identify nobody, and reports may count them.
    """
    recordings = Path(settings.RECORDINGS_DIR)
    voicemails_dir = Path(settings.VOICEMAIL_DIR)
    calls = Call.objects.filter(client=client)
    files = [path for call in calls if (path := stored_file(recordings, call.recording_file))]
    files += [
        path
        for item in WorklistItem.objects.filter(call__client=client)
        if (path := stored_file(voicemails_dir, item.audio_file))
    ]
    with transaction.atomic():
        ClientPhone.objects.filter(client=client).delete()
        Consultation.objects.filter(client=client).update(summary="", action_taken="")
        CallComment.objects.filter(call__client=client).delete()
        # Why a colleague opened the card is free text that may name the person;
        # who opened it, when and for which kind of reason stays.
        BreakGlass.objects.filter(client=client).update(explanation="")
        WorklistItem.objects.filter(call__client=client).update(
            caller_number="",
            caller_number_raw="",
            audio_file="",
            number_to_call="",
            outcome_note="",
        )
        stripped = calls.update(
            caller_number="",
            caller_number_raw="",
            caller_name="",
            callee_number="",
            recording_file="",
        )
        client.name = ""
        client.settlement = ""
        client.notes = ""
        # How to reach them safely says who and where they are.
        client.safe_number = ""
        client.code_word = ""
        client.if_someone_else_answers = ""
        client.safe_from = client.safe_until = None
        client.anonymised_at = now
        client.save()
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Client), object_id=str(client.pk)
        ).update(object_repr="", change_message="")
    for path in files:
        path.unlink(missing_ok=True)
    return stripped


def anonymise_old_contacts(months: int, now: datetime.datetime, result: RetentionResult) -> None:
    cutoff = months_before(now, months)
    for client in clients_out_of_contact(cutoff).iterator():
        result.calls_anonymised += anonymise_client(client, now)
        result.clients_anonymised += 1
    # Calls and requests from numbers that never got a card keep only their
    # coded fields too.
    CallComment.objects.filter(call__client__isnull=True, call__started_at__lt=cutoff).delete()
    result.calls_anonymised += (
        Call.objects.filter(client__isnull=True, started_at__lt=cutoff)
        .exclude(caller_number="", caller_number_raw="", caller_name="", callee_number="")
        .update(caller_number="", caller_number_raw="", caller_name="", callee_number="")
    )
    WorklistItem.objects.filter(created_at__lt=cutoff).exclude(
        caller_number="", caller_number_raw="", number_to_call=""
    ).update(caller_number="", caller_number_raw="", number_to_call="", outcome_note="")


def clear_admin_log(cutoff: datetime.datetime, result: RetentionResult) -> None:
    """The admin change log names the objects it changed (str() of a card is its
    name, an inline phone its number): older entries keep only what and when."""
    result.admin_log_entries_cleared += (
        LogEntry.objects.filter(action_time__lt=cutoff)
        .exclude(object_repr="", change_message="")
        .update(object_repr="", change_message="")
    )


def delete_old_call_records(cutoff: datetime.datetime, result: RetentionResult) -> None:
    """Asterisk's CDR rows (caller ID, dialled and callback numbers) older than the cutoff.

    The journal's own rows keep the statistics; the CDR store only serves the
    connector's recovery of the last days (hotline_asterisk_connector/cdr.py).
    """
    path = cdr.database_path()
    if not path.exists():
        return
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=10)) as database, database:
            deleted = database.execute(
                "DELETE FROM cdr WHERE CAST(end_epoch AS REAL) < ?", (cutoff.timestamp(),)
            ).rowcount
        # Deleted rows stay in the file's free pages until it is rewritten.
        with contextlib.closing(sqlite3.connect(path, timeout=10)) as database:
            database.execute("VACUUM")
    except sqlite3.Error as error:
        result.problems.append(f"Asterisk call records in {path}: {error}")
        return
    result.call_records_deleted += deleted


def pbx_log_dir() -> Path:
    return Path(settings.HOTLINE_ASTERISK_DIR) / "log"


def _is_rotated_log(path: Path) -> bool:
    """full.log.1, messages.log.3.gz, full.log.20261120: any log but the live one."""
    name = path.name
    return ".log." in name or ".log-" in name


def rotate_pbx_logs(now: datetime.datetime, result: RetentionResult) -> None:
    """Start each live log afresh once a day where no logrotate does it for us.

    Production's logrotate (deploy/templates/logrotate) rotates Asterisk's logs
    as their owner; there the web application may not write them and this
    leaves them alone. The embedded and development installations run
    Asterisk as the application's own user: copy, then truncate (Asterisk
    appends, so it writes on at the start of the emptied file).
    """
    directory = pbx_log_dir()
    stamp = timezone.localtime(now).strftime("%Y%m%d")
    for live in (directory / "full.log", directory / "messages.log"):
        rotated = live.with_name(f"{live.name}.{stamp}")
        if rotated.exists() or not live.is_file() or live.stat().st_size == 0:
            continue
        try:
            with live.open("r+b") as source, rotated.open("xb") as copy:
                shutil.copyfileobj(source, copy)
                source.truncate(0)
        except PermissionError:
            rotated.unlink(missing_ok=True)


def delete_old_pbx_logs(days: int, now: datetime.datetime, result: RetentionResult) -> None:
    cutoff = (now - datetime.timedelta(days=days)).timestamp()
    directory = pbx_log_dir()
    if not directory.is_dir():
        return
    for path in directory.iterdir():
        if path.is_file() and _is_rotated_log(path) and path.stat().st_mtime < cutoff:
            try:
                path.unlink()
            except OSError as error:
                result.problems.append(f"Asterisk log {path}: {error}")
            else:
                result.pbx_logs_deleted += 1


def apply_retention(now: datetime.datetime | None = None) -> RetentionResult:
    """Run the retention policy as the administrator set it; empty settings keep everything.

    Raises RetentionIncomplete (after doing everything it could) when some
    data past its period could not be removed, so the nightly job shows as
    failed with the reason.
    """
    now = now or timezone.now()
    policy = MaintenanceSettings.load()
    result = RetentionResult()
    if policy.recordings_keep_days:
        delete_old_recordings(policy.recordings_keep_days, now, result)
    if policy.client_data_keep_months:
        anonymise_old_contacts(policy.client_data_keep_months, now, result)
        cutoff = months_before(now, policy.client_data_keep_months)
        clear_admin_log(cutoff, result)
        delete_old_call_records(cutoff, result)
    if policy.audit_keep_months:
        cutoff = months_before(now, policy.audit_keep_months)
        result.audit_events_purged = AuditEvent.purge_older_than(cutoff)
    rotate_pbx_logs(now, result)
    delete_old_pbx_logs(policy.pbx_log_keep_days, now, result)
    result.backups_deleted = len(backup.prune_old_backups(policy.backups_keep_days, now))
    if result.problems:
        raise RetentionIncomplete(str(result))
    return result
