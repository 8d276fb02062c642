"""Backups encrypted at rest with the administrator's backup key (age, X25519)."""

import datetime
import re
import tarfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from hotline_admin import backup, backup_key
from hotline_admin.models import MaintenanceSettings
from hotline_admin.retention import apply_retention
from hotline_asterisk_connector.models import ConsultantLine, Trunk
from hotline_audit.models import AuditEvent
from hotline_crm.models import Client
from tests.admin import sample
from tests.admin.test_backup import all_files, database_dump

# What must never be readable in an archive: a carrier's SIP password, a
# consultant's SIP password, and a caller's number in both spellings.
SECRETS = [b"trunk-secret", b"s" * 24, b"+380671234567", b"0671234567", "Олена".encode()]


@pytest.fixture
def key(db) -> str:
    """A backup key set as the administrator does: the server keeps the public part."""
    secret, public = backup_key.new_key()
    policy = MaintenanceSettings.load()
    policy.backup_public_key = public
    policy.save()
    return secret


@pytest.fixture
def admin_browser(dave) -> Browser:
    browser = Browser()
    browser.force_login(dave)
    return browser


def test_the_archive_holds_no_secret_and_no_callers_number(alice, key):
    sample.build(alice, timezone.now())
    assert Trunk.objects.get().password == "trunk-secret"
    assert ConsultantLine.objects.get().sip_password == "s" * 24

    archive = backup.create_backup()

    assert archive.name.endswith("-manual.tar.gz.age")
    data = archive.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n")
    for secret in SECRETS:
        assert secret not in data, secret
    # Not a gzip stream either, so nothing compressed hides the same secrets.
    assert b"\x1f\x8b\x08" not in data[:200]
    assert not [p for p in archive.parent.iterdir() if p.name.startswith(".")]


def test_the_same_data_without_a_key_is_readable_which_is_what_the_key_prevents(alice, db):
    """The control for the test above: its search would find the secrets in a plain dump."""
    sample.build(alice, timezone.now())
    archive = backup.create_backup()
    assert archive.name.endswith("-manual.tar.gz")
    with tarfile.open(archive) as tar:
        database = tar.extractfile(backup.DATABASE).read()
    assert b"trunk-secret" in database and b"+380671234567" in database


def test_restore_with_the_key_gives_identical_data(alice, key, storage, tmp_path):
    sample.build(alice, timezone.now())
    rows_before = database_dump(tmp_path)
    files_before = all_files(storage)
    archive = backup.create_backup()
    backup.empty_database()

    result = backup.restore_backup(archive, key)

    assert database_dump(tmp_path) == rows_before
    assert all_files(storage) == files_before
    assert result.objects == len(rows_before)


def test_a_key_pasted_with_spaces_and_line_breaks_still_opens_the_backup(alice, key, tmp_path):
    sample.build(alice, timezone.now())
    archive = backup.create_backup()
    pasted = f"  {key[:30]}\n{key[30:].lower()}  \n"
    backup.restore_backup(archive, pasted)
    assert Client.objects.filter(name="Олена Петренко").exists()


@pytest.mark.parametrize(
    "wrong", ["another", "AGE-SECRET-KEY-1QQQQ", "", "mistyped"], ids=lambda w: w or "empty"
)
def test_restore_with_a_wrong_key_fails_in_plain_words_and_changes_nothing(
    alice, key, storage, tmp_path, wrong
):
    sample.build(alice, timezone.now())
    archive = backup.create_backup()
    Client.objects.create(name="Після копії")
    sample.write_file(storage["RECORDINGS_DIR"], "after.wav", b"RIFF after")
    rows_before = database_dump(tmp_path)
    files_before = all_files(storage)
    if wrong == "another":
        wrong = backup_key.new_key()[0]
    elif wrong == "mistyped":
        wrong = key[:-3] + ("QQQ" if not key.endswith("QQQ") else "PPP")

    message = "зашифрована: введіть ключ" if not wrong else "не відкриває цю резервну копію"
    with pytest.raises(backup.BackupError, match=message):
        backup.restore_backup(archive, wrong)

    assert database_dump(tmp_path) == rows_before
    assert all_files(storage) == files_before
    assert not [p for p in storage["BACKUP_DIR"].iterdir() if p.name.startswith(".")]


def test_a_damaged_encrypted_backup_is_refused_and_changes_nothing(alice, key, tmp_path):
    sample.build(alice, timezone.now())
    archive = backup.create_backup()
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    rows_before = database_dump(tmp_path)
    with pytest.raises(backup.BackupError, match=r"пошкоджено\. Нічого не змінено"):
        backup.restore_backup(archive, key)
    assert database_dump(tmp_path) == rows_before


def test_production_makes_no_backup_without_a_key(db, settings, storage):
    settings.HOTLINE_PRODUCTION = True
    with pytest.raises(backup.BackupError, match="Ключ резервних копій не задано"):
        backup.create_backup(kind="daily")
    assert list(storage["BACKUP_DIR"].iterdir()) == []


def test_production_backups_page_says_no_key_and_the_button_refuses(
    admin_browser, settings, storage
):
    settings.HOTLINE_PRODUCTION = True
    page = admin_browser.get(reverse("hotline_admin:backups")).content.decode()
    assert 'data-backup-key="missing"' in page
    assert "цей сервер не робить копій" in page

    response = admin_browser.post(reverse("hotline_admin:backup_now"), follow=True)

    assert "Робочий сервер не робить незашифрованих копій" in response.content.decode()
    assert backup.list_backups() == []


def test_the_administrator_creates_a_key_sees_its_secret_once_and_restores_with_it(
    admin_browser, alice, settings, storage
):
    settings.HOTLINE_PRODUCTION = True
    sample.build(alice, timezone.now())

    shown = admin_browser.post(reverse("hotline_admin:backup_key_new"))

    assert shown["Cache-Control"] == "private, no-store"
    secret = re.search(r"AGE-SECRET-KEY-1[0-9A-Z]+", shown.content.decode())[0]
    policy = MaintenanceSettings.load()
    assert policy.backup_public_key.startswith("age1")
    assert str(backup_key.secret_key(secret).to_public()) == policy.backup_public_key
    page = admin_browser.get(reverse("hotline_admin:backups")).content.decode()
    assert 'data-backup-key="set"' in page and secret not in page

    admin_browser.post(reverse("hotline_admin:backup_now"))
    (archive,) = backup.list_backups()
    # The server holds no secret: neither the database nor the archive has it.
    assert secret.encode() not in archive.read_bytes()
    assert all(secret not in row for row in database_dump(Path(settings.BACKUP_DIR)))
    Client.objects.create(name="Після копії")

    wrong = admin_browser.post(
        reverse("hotline_admin:restore"),
        {"name": archive.name, "confirm": "on", "key": backup_key.new_key()[0]},
        follow=True,
    )
    assert "не відкриває цю резервну копію" in wrong.content.decode()
    assert Client.objects.filter(name="Після копії").exists()

    upload = SimpleUploadedFile(archive.name, archive.read_bytes())
    restored = admin_browser.post(
        reverse("hotline_admin:restore"), {"archive": upload, "confirm": "on", "key": secret}
    )
    assert restored.status_code == 200
    assert not Client.objects.filter(name="Після копії").exists()
    assert Client.objects.filter(name="Олена Петренко").exists()


def test_an_own_public_key_is_checked(admin_browser):
    response = admin_browser.post(
        reverse("hotline_admin:backup_key_own"), {"public_key": "ssh-ed25519 AAAA"}
    )
    assert "Це не відкритий ключ age" in response.content.decode()
    assert MaintenanceSettings.load().backup_public_key == ""
    public = backup_key.new_key()[1]
    admin_browser.post(reverse("hotline_admin:backup_key_own"), {"public_key": f" {public} "})
    assert MaintenanceSettings.load().backup_public_key == public


def test_every_change_of_the_backup_key_is_on_the_audit_trail(admin_browser):
    # Whoever sets the key decides who can read every later backup.
    admin_browser.post(reverse("hotline_admin:backup_key_new"))
    admin_browser.post(reverse("hotline_admin:backup_key_own"), {"public_key": "not a key"})
    admin_browser.post(
        reverse("hotline_admin:backup_key_own"), {"public_key": backup_key.new_key()[1]}
    )

    events = AuditEvent.objects.filter(kind="settings_change").order_by("pk")
    assert [(e.username, e.detail) for e in events] == [
        ("dave", "backup_key_new"),
        ("dave", "backup_key_own"),  # the refused key changed nothing
    ]


def test_downloading_an_encrypted_backup_is_audited(admin_browser, key):
    archive = backup.create_backup()
    response = admin_browser.get(reverse("hotline_admin:backup_download", args=[archive.name]))
    assert b"".join(response.streaming_content) == archive.read_bytes()
    event = AuditEvent.objects.get(kind="backup_download")
    assert event.detail == archive.name and event.username == "dave"


def test_backups_older_than_the_period_go_manual_ones_included(db, storage):
    root = storage["BACKUP_DIR"]
    now = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
    names = {
        "hotline-backup-20261015-030000-daily.tar.gz.age": False,
        "hotline-backup-20261019-120000-manual.tar.gz.age": False,
        "hotline-backup-20261001-120000-manual.tar.gz": False,
        # 30 days before is 21 October 12:00 UTC = 14:00 Kyiv: these two stay.
        "hotline-backup-20261021-150000-manual.tar.gz.age": True,
        "hotline-backup-20261119-030000-daily.tar.gz.age": True,
    }
    for name in names:
        (root / name).write_bytes(b"")
    (root / "notes.txt").write_bytes(b"not a backup")
    policy = MaintenanceSettings.load()
    assert policy.backups_keep_days == 30
    policy.recordings_keep_days = policy.client_data_keep_months = None
    policy.save()

    result = apply_retention(now)

    assert result.backups_deleted == 3
    kept = sorted(path.name for path in root.iterdir())
    assert kept == sorted([name for name, stays in names.items() if stays] + ["notes.txt"])


def test_daily_count_pruning_counts_encrypted_archives_too(db, storage):
    root = storage["BACKUP_DIR"]
    names = [f"hotline-backup-202611{day:02}-030000-daily.tar.gz.age" for day in range(1, 5)]
    for name in names:
        (root / name).write_bytes(b"")
    removed = backup.prune_backups(keep=1, kind="daily")
    assert sorted(path.name for path in removed) == names[:3]
