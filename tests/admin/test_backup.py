import datetime
import io
import json
import os
import stat
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from hotline_admin import backup
from hotline_asterisk_connector.models import Call, PbxSettings
from hotline_crm.models import Client
from hotline_workspace.models import Kind, WorklistItem
from tests.admin import sample


def database_dump(tmp_path: Path) -> list[str]:
    """Every row, with times to the microsecond, as the backup writes them."""
    path = tmp_path / "dump.jsonl"
    backup.dump_database(path)
    return path.read_text(encoding="utf-8").splitlines()


def files_under(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


def all_files(storage) -> dict[str, dict[str, bytes]]:
    return {name: files_under(root) for name, root in storage.items() if name != "BACKUP_DIR"}


def test_backup_then_empty_database_then_restore_gives_identical_data(
    alice, dave, storage, tmp_path
):
    sample.build(alice, timezone.now())
    rows_before = database_dump(tmp_path)
    files_before = all_files(storage)
    assert len(files_before["RECORDINGS_DIR"]) == 2
    assert len(files_before["VOICEMAIL_DIR"]) == 1
    assert len(files_before["PROMPTS_DIR"]) == 1

    archive = backup.create_backup()

    backup.empty_database()
    for root in (storage["RECORDINGS_DIR"], storage["VOICEMAIL_DIR"], storage["PROMPTS_DIR"]):
        for path in sorted(root.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
    assert not Client.objects.exists()
    assert not PbxSettings.objects.exists()
    assert all_files(storage) == {"RECORDINGS_DIR": {}, "VOICEMAIL_DIR": {}, "PROMPTS_DIR": {}}

    result = backup.restore_backup(archive)

    assert WorklistItem.objects.filter(kind=Kind.MISSED).count() == 1
    assert database_dump(tmp_path) == rows_before
    assert all_files(storage) == files_before
    assert result.objects == len(rows_before)
    assert result.files == 4
    assert PbxSettings.load().max_wait_seconds == 90


def test_restore_replaces_data_created_after_the_backup(alice, storage):
    sample.build(alice, timezone.now())
    archive = backup.create_backup()
    Client.objects.create(name="Новий після копії")
    sample.write_file(storage["RECORDINGS_DIR"], "newer.wav", b"RIFF")

    backup.restore_backup(archive)

    assert not Client.objects.filter(name="Новий після копії").exists()
    assert not (storage["RECORDINGS_DIR"] / "newer.wav").exists()


def test_archive_is_readable_by_its_owner_only(db):
    archive = backup.create_backup()
    assert stat.S_IMODE(os.stat(archive).st_mode) == 0o600
    assert archive.name.startswith("hotline-backup-")
    assert archive.name.endswith("-manual.tar.gz")
    assert not [p for p in archive.parent.iterdir() if p.name.endswith(".partial")]


def test_archive_records_the_schema_it_was_made_with(db):
    manifest = backup.read_manifest(backup.create_backup())
    assert manifest["format"] == backup.ARCHIVE_FORMAT
    assert "0001_client_topics_consultations" in manifest["migrations"]["hotline_crm"]


def write_archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def manifest_bytes(**changes) -> bytes:
    manifest = {"format": backup.ARCHIVE_FORMAT, "created_at": "2026-01-01T00:00:00+00:00"}
    manifest["migrations"] = backup.applied_migrations()
    manifest.update(changes)
    return json.dumps(manifest).encode()


def test_a_file_that_is_not_a_backup_is_refused_in_plain_words(db, tmp_path):
    not_a_backup = tmp_path / "photo.tar.gz"
    not_a_backup.write_bytes(b"\xff\xd8\xff\xe0 a jpeg")
    with pytest.raises(backup.BackupError, match="не є резервною копією"):
        backup.restore_backup(not_a_backup)


def test_a_backup_from_a_newer_version_is_refused(db, tmp_path):
    migrations = backup.applied_migrations()
    migrations["hotline_crm"].append("9999_from_the_future")
    archive = write_archive(
        tmp_path / "future.tar.gz",
        {"manifest.json": manifest_bytes(migrations=migrations), "database.jsonl": b""},
    )
    with pytest.raises(backup.BackupError, match="новішою версією"):
        backup.restore_backup(archive)


def test_a_backup_that_fails_to_load_changes_nothing(alice, tmp_path):
    Client.objects.create(name="Залишиться")
    broken_row = {"model": "hotline_crm.consultation", "pk": 1, "fields": {"client": 999}}
    archive = write_archive(
        tmp_path / "broken.tar.gz",
        {"manifest.json": manifest_bytes(), "database.jsonl": json.dumps(broken_row).encode()},
    )
    with pytest.raises(backup.BackupError, match="нічого не змінено"):
        backup.restore_backup(archive)
    assert Client.objects.filter(name="Залишиться").exists()


def test_an_archive_cannot_write_outside_the_installation(db, tmp_path, storage):
    archive = write_archive(
        tmp_path / "evil.tar.gz",
        {
            "manifest.json": manifest_bytes(),
            "database.jsonl": b"",
            "../../escaped.txt": b"pwned",
        },
    )
    with pytest.raises(backup.BackupError):
        backup.restore_backup(archive)
    assert not list(tmp_path.rglob("escaped.txt"))


def test_pruning_keeps_the_newest_daily_backups_and_every_manual_one(db, storage):
    root = storage["BACKUP_DIR"]
    names = [f"hotline-backup-202611{day:02}-030000-daily.tar.gz" for day in range(1, 6)]
    names.append("hotline-backup-20261101-120000-manual.tar.gz")
    for name in names:
        (root / name).write_bytes(b"")

    removed = backup.prune_backups(keep=2, kind="daily")

    assert sorted(path.name for path in removed) == names[:3]
    assert sorted(path.name for path in root.iterdir()) == sorted(names[3:])


def test_backup_command_prints_the_archive_path(db, storage, capsys):
    call_command("backup")
    printed = Path(capsys.readouterr().out.strip())
    assert printed.parent == storage["BACKUP_DIR"]
    assert printed.is_file()


def test_calls_keep_their_ids_through_a_restore(alice):
    sample_data = sample.build(alice, timezone.now())
    archive = backup.create_backup()
    backup.empty_database()
    backup.restore_backup(archive)
    restored = Call.objects.get(pk=sample_data.old_call.pk)
    assert restored.linkedid == sample_data.old_call.linkedid
    assert restored.consultant.username == "alice"
    assert restored.answered_at == sample_data.old_call.answered_at
    assert datetime.timedelta(seconds=300) == restored.ended_at - restored.answered_at


def test_restore_adds_no_rows_the_backup_did_not_have(alice):
    """Loaded rows make none of their own: a missed call whose worklist row is gone
    (done long ago, or older than the worklist) stays without one."""
    sample.build(alice, timezone.now())
    WorklistItem.objects.filter(kind=Kind.MISSED).delete()
    archive = backup.create_backup()
    backup.empty_database()
    backup.restore_backup(archive)
    assert not WorklistItem.objects.filter(kind=Kind.MISSED).exists()


def test_a_backup_from_before_the_one_worklist_table_restores_into_it(alice, tmp_path):
    """Decision 0031 merged three tables: an older backup's rows of them load as
    worklist rows of their kind, one task per call."""
    left = Call.objects.create(linkedid="old.1", caller_number="+380671111111")
    missed = Call.objects.create(linkedid="old.2", caller_number="+380672222222")
    path = tmp_path / "dump.jsonl"
    backup.dump_database(path)
    common = {"caller_number": "+380671111111", "status": "done", "taken_by": alice.pk}
    old_rows = [
        ("hotline_asterisk_connector.voicemail", {"call": left.pk, "audio_file": "a.wav"}),
        ("hotline_asterisk_connector.callbackrequest", {"number_to_call": "+380509999999"}),
        ("hotline_workspace.missedcall", {"call": missed.pk, "attempts": 2}),
        # A missed call whose outcome was later corrected to the message.
        ("hotline_workspace.missedcall", {"call": left.pk}),
    ]
    with path.open("a", encoding="utf-8") as dump:
        for pk, (model, fields) in enumerate(old_rows, start=1):
            dump.write(json.dumps({"model": model, "pk": pk, "fields": common | fields}) + "\n")
    backup.empty_database()
    backup.load_rows(path)
    assert list(
        WorklistItem.objects.order_by("pk").values_list(
            "kind", "call__linkedid", "audio_file", "number_to_call", "attempts", "status"
        )
    ) == [
        (Kind.VOICEMAIL, "old.1", "a.wav", "", 0, "done"),
        (Kind.CALLBACK, None, "", "+380509999999", 0, "done"),
        (Kind.MISSED, "old.2", "", "", 2, "done"),
        (Kind.MISSED, None, "", "", 0, "done"),
    ]
    # New rows get ids after the loaded ones.
    newest = max(WorklistItem.objects.values_list("pk", flat=True))
    assert WorklistItem.objects.create(kind=Kind.MISSED).pk == newest + 1


def test_the_dump_refers_to_users_by_id_and_to_permissions_by_natural_key(alice, tmp_path):
    sample_data = sample.build(alice, timezone.now())
    rows = [json.loads(line) for line in database_dump(tmp_path)]
    call = next(
        row
        for row in rows
        if row["model"] == "hotline_asterisk_connector.call"
        and row["pk"] == sample_data.old_call.pk
    )
    assert call["fields"]["consultant"] == alice.pk
    group = next(
        row for row in rows if row["model"] == "auth.group" and row["fields"]["permissions"]
    )
    # Permissions travel as [codename, app label, model], never as this database's ids.
    assert all(len(permission) == 3 for permission in group["fields"]["permissions"])
    user = next(row for row in rows if row["model"] == "auth.user" and row["pk"] == alice.pk)
    assert user["fields"]["groups"] == list(alice.groups.values_list("pk", flat=True))
