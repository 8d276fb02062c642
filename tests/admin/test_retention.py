import contextlib
import datetime
import os
import sqlite3
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from hotline_admin.forms import RetentionForm
from hotline_admin.models import MaintenanceSettings
from hotline_admin.retention import RetentionIncomplete, apply_retention, months_before
from hotline_asterisk_connector.models import Call, CallComment
from hotline_audit.models import AuditEvent, Kind
from hotline_crm.models import BreakGlass, BreakGlassReason, Client, ClientPhone, Consultation
from hotline_workspace.models import Kind as WorkKind
from hotline_workspace.models import WorklistItem
from tests.admin import sample

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)


def rows(queryset) -> list:
    return sorted(queryset, key=repr)


def statistics() -> dict:
    """What the reports count: coded fields of calls and the frozen snapshots of forms."""
    calls = Call.objects.order_by()
    forms = Consultation.objects.order_by()
    return {
        "calls_by_outcome": rows(
            calls.values_list("disposition").annotate(n=Count("pk"), talk=Sum("talk_seconds"))
        ),
        "calls_by_number": rows(calls.values_list("dialled_number").annotate(n=Count("pk"))),
        "calls_by_consultant": rows(calls.values_list("consultant").annotate(n=Count("pk"))),
        "wait": calls.aggregate(Sum("wait_seconds")),
        "forms": rows(
            forms.values_list(
                "consultant",
                "snapshot_age",
                "snapshot_age_status",
                "snapshot_gender",
                "snapshot_oblast",
                "snapshot_settlement_type",
                "outcome",
                "created_at",
            )
        ),
        "topics": rows(forms.values_list("topics__code").annotate(n=Count("pk"))),
        "clients": Client.objects.count(),
        "client_demographics": rows(
            Client.objects.values_list("age", "gender", "oblast", "settlement_type", "idp_status")
        ),
    }


def set_policy(days=None, months=None) -> None:
    policy = MaintenanceSettings.load()
    policy.recordings_keep_days = days
    policy.client_data_keep_months = months
    policy.save()


@pytest.fixture
def data(alice):
    return sample.build(alice, NOW)


def test_empty_settings_keep_everything(data, storage):
    set_policy(days=None, months=None)
    before = statistics()
    result = apply_retention(NOW)
    assert result.recordings_deleted == result.clients_anonymised == 0
    assert (storage["RECORDINGS_DIR"] / "2025/old.wav").exists()
    assert Client.objects.get(pk=data.old_client.pk).name == "Олена Петренко"
    assert statistics() == before


def test_recordings_older_than_the_period_are_deleted_and_newer_kept(data, storage):
    set_policy(days=30)
    before = statistics()

    result = apply_retention(NOW)

    # One recorded call a year ago goes; the one a week ago stays.
    assert result.recordings_deleted == 1
    assert not (storage["RECORDINGS_DIR"] / "2025/old.wav").exists()
    assert (storage["RECORDINGS_DIR"] / "recent.wav").exists()
    assert Call.objects.get(pk=data.old_call.pk).recording_file == ""
    assert Call.objects.get(pk=data.recent_call.pk).recording_file == "recent.wav"
    # The year-old voice message goes too.
    assert result.voicemails_deleted == 1
    assert not (storage["VOICEMAIL_DIR"] / "default/100/INBOX/msg0000.wav").exists()
    assert (
        WorklistItem.objects.filter(kind=WorkKind.VOICEMAIL)
        .get(pk=data.old_voicemail.pk)
        .audio_file
        == ""
    )
    # Personal data is a separate setting, left empty here.
    assert Client.objects.get(pk=data.old_client.pk).name == "Олена Петренко"
    assert statistics() == before


def test_a_recording_no_call_knows_is_deleted_by_its_age(data, storage):
    set_policy(days=30)
    stray = sample.write_file(storage["RECORDINGS_DIR"], "stray.wav", b"RIFF")
    old = (NOW - datetime.timedelta(days=31)).timestamp()
    os.utime(stray, (old, old))
    apply_retention(NOW)
    assert not stray.exists()


def test_clients_out_of_contact_are_anonymised_and_statistics_stay_identical(data, storage, alice):
    set_policy(months=6)
    Client.objects.filter(pk=data.old_client.pk).update(
        safe_number="+380661112233",
        code_word="бабуся",
        if_someone_else_answers="Скажіть, що з аптеки",
        safe_from=datetime.time(10, 0),
    )
    stranger_comment = CallComment.objects.create(
        call=data.unknown_caller_call, author=alice, text="Назвала адресу"
    )
    opened = BreakGlass.objects.create(
        user=alice,
        client=data.old_client,
        reason=BreakGlassReason.SAFETY,
        explanation="Сусідка Олени з Нікополя просила передзвонити",
    )
    before = statistics()

    result = apply_retention(NOW)

    assert result.clients_anonymised == 1
    old = Client.objects.get(pk=data.old_client.pk)
    assert old.name == old.settlement == old.notes == old.name_key == ""
    assert old.safe_number == old.code_word == old.if_someone_else_answers == ""
    assert old.safe_from is None
    opened.refresh_from_db()
    assert (opened.explanation, opened.reason, opened.user) == ("", BreakGlassReason.SAFETY, alice)
    assert not CallComment.objects.filter(pk=stranger_comment.pk).exists()
    assert old.anonymised_at == NOW
    assert not ClientPhone.objects.filter(client=old).exists()
    old_form = Consultation.objects.get(client=old)
    assert old_form.summary == old_form.action_taken == ""
    old_call = Call.objects.get(pk=data.old_call.pk)
    assert old_call.caller_number == old_call.caller_number_raw == ""
    assert old_call.recording_file == ""
    assert not (storage["RECORDINGS_DIR"] / "2025/old.wav").exists()
    assert not CallComment.objects.filter(call=old_call).exists()
    # The year-old call from a number without a card loses its number too.
    unknown = Call.objects.get(pk=data.unknown_caller_call.pk)
    assert unknown.caller_number == ""
    assert (
        WorklistItem.objects.filter(kind=WorkKind.VOICEMAIL)
        .get(pk=data.old_voicemail.pk)
        .caller_number
        == ""
    )
    assert WorklistItem.objects.filter(kind=WorkKind.CALLBACK).get().number_to_call == ""
    assert (
        WorklistItem.objects.filter(kind=WorkKind.MISSED).get(call=data.missed_call).caller_number
        == ""
    )
    # The client in touch last week keeps everything.
    recent = Client.objects.get(pk=data.recent_client.pk)
    assert recent.name == "Іван"
    assert recent.anonymised_at is None
    assert ClientPhone.objects.filter(client=recent).count() == 1
    assert Call.objects.get(pk=data.recent_call.pk).caller_number == "+380501112233"
    assert (storage["RECORDINGS_DIR"] / "recent.wav").exists()

    assert statistics() == before


def test_a_recent_call_keeps_a_client_whose_card_says_otherwise(data):
    """last_contact_at may lag behind; a call in the period counts as contact."""
    set_policy(months=6)
    sample.call(
        "1795000000.1", NOW - datetime.timedelta(days=2), client=data.old_client, wait_seconds=1
    )
    assert apply_retention(NOW).clients_anonymised == 0
    assert Client.objects.get(pk=data.old_client.pk).name == "Олена Петренко"


def test_running_twice_changes_nothing_more(data):
    set_policy(days=30, months=6)
    apply_retention(NOW)
    after_first = statistics()
    second = apply_retention(NOW)
    assert second.recordings_deleted == second.clients_anonymised == second.calls_anonymised == 0
    assert statistics() == after_first


def test_retention_command_reports_what_it_did(alice, capsys):
    # The command takes no clock: it runs on the real one, so the sample is built
    # around the real time (on NOW's, its week-old recording passes 30 days too).
    sample.build(alice, timezone.now())
    set_policy(days=30)
    call_command("apply_retention")
    assert "видалено записів розмов: 1" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC), 6, datetime.date(2026, 5, 20)),
        (datetime.datetime(2026, 3, 31, tzinfo=datetime.UTC), 1, datetime.date(2026, 2, 28)),
        (datetime.datetime(2026, 1, 15, tzinfo=datetime.UTC), 13, datetime.date(2024, 12, 15)),
        (datetime.datetime(2024, 3, 31, tzinfo=datetime.UTC), 1, datetime.date(2024, 2, 29)),
    ],
)
def test_months_are_calendar_months(moment, months, expected):
    assert months_before(moment, months).date() == expected


def test_the_year_old_client_is_anonymised_on_the_default_clock(data):
    """With no clock given the job uses the real time."""
    set_policy(months=6)
    data.old_client.last_contact_at = timezone.now() - datetime.timedelta(days=400)
    data.old_client.save()
    assert apply_retention().clients_anonymised >= 1


def test_audit_rows_older_than_the_audit_period_are_purged_and_newer_kept(db):
    policy = MaintenanceSettings.load()
    policy.audit_keep_months = 24
    policy.save()
    old = AuditEvent.objects.create(kind=Kind.CARD_VIEW, at=months_before(NOW, 25))
    kept = AuditEvent.objects.create(kind=Kind.CARD_VIEW, at=months_before(NOW, 23))

    result = apply_retention(NOW)

    assert result.audit_events_purged == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()


def test_the_audit_period_cannot_be_shorter_than_a_year(db):
    form = RetentionForm({"audit_keep_months": "11"}, instance=MaintenanceSettings.load())
    assert not form.is_valid() and "audit_keep_months" in form.errors


def test_retention_is_on_by_default_with_the_proposed_periods(data, storage):
    """A fresh installation: 90 days for recordings, 36 months for cards."""
    policy = MaintenanceSettings.load()
    assert (policy.recordings_keep_days, policy.client_data_keep_months) == (90, 36)
    assert (policy.audit_keep_months, policy.pbx_log_keep_days, policy.backups_keep_days) == (
        36,
        14,
        30,
    )
    result = apply_retention(NOW)
    # The year-old recording is past 90 days; the year-old card is within 36 months.
    assert result.recordings_deleted == 1
    assert result.clients_anonymised == 0
    assert Client.objects.get(pk=data.old_client.pk).name == "Олена Петренко"


CDR_COLUMNS = (
    "calldate, start_epoch, answer_epoch, end_epoch, clid, src, dst, dcontext, channel, "
    "dstchannel, lastapp, lastdata, duration, billsec, disposition, uniqueid, linkedid, "
    "userfield, did, recording"
)


def write_cdr(settings, *rows: tuple[datetime.datetime, str, str]) -> Path:
    """Asterisk's CDR store as cdr_sqlite3_custom writes it (asterisk/templates)."""
    path = Path(settings.HOTLINE_ASTERISK_DIR) / "log" / "master.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(path)) as database, database:
        database.execute(f"CREATE TABLE cdr (AcctId INTEGER PRIMARY KEY, {CDR_COLUMNS})")
        for ended, caller, userfield in rows:
            epoch = str(ended.timestamp())
            database.execute(
                "INSERT INTO cdr (end_epoch, start_epoch, clid, src, userfield, linkedid) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (epoch, epoch, f'"" <{caller}>', caller, userfield, epoch),
            )
    return path


def cdr_callers(path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as database:
        return [row[0] for row in database.execute("SELECT src FROM cdr ORDER BY AcctId")]


def test_asterisks_call_records_past_the_period_are_deleted(data, settings):
    set_policy(months=6)
    path = write_cdr(
        settings,
        (NOW - datetime.timedelta(days=200), "0671234567", "callback_requested:0509998877"),
        (NOW - datetime.timedelta(days=20), "0501112233", ""),
    )
    before = statistics()

    result = apply_retention(NOW)

    assert result.call_records_deleted == 1
    assert cdr_callers(path) == ["0501112233"]
    # Gone from the file itself, not only from the table.
    assert b"0509998877" not in path.read_bytes()
    assert statistics() == before


def test_an_unwritable_cdr_store_fails_the_job_after_doing_the_rest(data, settings, storage):
    set_policy(days=30, months=6)
    path = Path(settings.HOTLINE_ASTERISK_DIR) / "log" / "master.db"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database")
    with pytest.raises(RetentionIncomplete, match="Asterisk call records"):
        apply_retention(NOW)
    assert not (storage["RECORDINGS_DIR"] / "2025/old.wav").exists()
    assert Client.objects.get(pk=data.old_client.pk).name == ""


def test_the_admin_change_log_forgets_names_past_the_period_and_of_anonymised_cards(data, dave):
    set_policy(months=6)
    client_type = ContentType.objects.get_for_model(Client)

    def entry(obj, when, message):
        return LogEntry.objects.create(
            user=dave,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=CHANGE,
            change_message=message,
            action_time=when,
        )

    phone = ClientPhone.objects.get(client=data.recent_client)
    old_phone_entry = entry(phone, NOW - datetime.timedelta(days=300), '[{"added": {}}]')
    # Changed last week, but the card is anonymised now: its name goes too.
    old_card_entry = entry(data.old_client, NOW - datetime.timedelta(days=7), "[]")
    recent_entry = entry(data.recent_client, NOW - datetime.timedelta(days=7), "[]")
    assert old_card_entry.content_type == client_type

    result = apply_retention(NOW)

    for cleared in (old_phone_entry, old_card_entry):
        cleared.refresh_from_db()
        assert cleared.object_repr == cleared.change_message == ""
        assert cleared.action_flag == CHANGE and cleared.user == dave
    recent_entry.refresh_from_db()
    assert recent_entry.object_repr == str(data.recent_client)
    assert result.admin_log_entries_cleared == 1


def age(path: Path, days: float) -> Path:
    """The file, written if need be, last changed `days` before NOW."""
    if not path.exists():
        path.write_bytes(b"old lines")
    moment = (NOW - datetime.timedelta(days=days)).timestamp()
    os.utime(path, (moment, moment))
    return path


def test_pbx_logs_rotate_daily_and_old_ones_are_deleted(db, settings):
    set_policy()
    policy = MaintenanceSettings.load()
    policy.pbx_log_keep_days = 7
    policy.save()
    logs = Path(settings.HOTLINE_ASTERISK_DIR) / "log"
    logs.mkdir(parents=True)
    (logs / "full.log").write_text("today's lines\n")
    (logs / "messages.log").write_text("")
    old = [age(logs / name, 8) for name in ("full.log.3.gz", "messages.log.20261112")]
    kept = [age(logs / name, 6) for name in ("full.log.1", "messages.log.20261114")]
    master = age(logs / "master.db", 400)

    result = apply_retention(NOW)

    assert result.pbx_logs_deleted == 2
    assert not any(path.exists() for path in old)
    assert all(path.exists() for path in kept)
    assert master.exists()
    # Where nothing else rotates it (Asterisk runs as this user), the live log
    # starts afresh and yesterday's lines are in the day's file.
    assert (logs / "full.log").read_text() == ""
    assert (logs / "full.log.20261120").read_text() == "today's lines\n"
    assert not (logs / "messages.log.20261120").exists()  # empty logs are not rotated
    apply_retention(NOW)
    assert (logs / "full.log.20261120").read_text() == "today's lines\n"
