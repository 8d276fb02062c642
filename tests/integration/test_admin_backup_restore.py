"""Backup → a fresh installation with an empty database → restore gives identical data.

The fresh installation is a real second one: its own database (a new
PostgreSQL database when the tests run on PostgreSQL, else a new SQLite
file), its own directories, set up by `manage.py migrate` and restored by
`manage.py restore_backup` in processes of their own.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from hotline_admin import backup, backup_key
from hotline_admin.models import MaintenanceSettings
from tests.admin import sample
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import sys
from pathlib import Path
import django
django.setup()
from django.contrib.auth import authenticate
from hotline_admin.backup import dump_database
dump_database(Path(sys.argv[1]))
print("login:", authenticate(username="dave", password=sys.argv[2]) is not None)
"""


@pytest.fixture
def storage(settings, tmp_path):
    roots = {}
    for name in ("RECORDINGS_DIR", "VOICEMAIL_DIR", "PROMPTS_DIR", "BACKUP_DIR"):
        roots[name] = tmp_path / "old" / name.lower()
        roots[name].mkdir(parents=True)
        setattr(settings, name, roots[name])
    return roots


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the same kind the tests run on, dropped afterwards."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"hotline_restore_{uuid.uuid4().hex[:12]}"
    server = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    try:
        yield f"postgres://{auth}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(**server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(environment: dict[str, str], *args: str) -> str:
    completed = subprocess.run(
        [sys.executable, *args],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "hotline.settings", **environment},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def files_under(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "plain"])
def test_backup_restored_onto_a_fresh_installation_gives_identical_data(
    alice, dave, storage, fresh_database, tmp_path, encrypted
):
    sample.build(alice, timezone.now())
    key_args = []
    if encrypted:
        secret, public = backup_key.new_key()
        policy = MaintenanceSettings.load()
        policy.backup_public_key = public
        policy.save()
        key_file = tmp_path / "key.txt"
        key_file.write_text(f"{secret}\n")
        key_args = ["--key-file", str(key_file)]
    archive = backup.create_backup()
    assert archive.name.endswith(".age") == encrypted
    expected = tmp_path / "expected.jsonl"
    backup.dump_database(expected)

    fresh = tmp_path / "fresh"
    environment = {
        "DATABASE_URL": fresh_database,
        "HOTLINE_VAR_DIR": str(fresh),
        "HOTLINE_RECORDINGS_DIR": str(fresh / "recordings"),
        "HOTLINE_VOICEMAIL_DIR": str(fresh / "voicemail"),
        "HOTLINE_PROMPTS_DIR": str(fresh / "prompts"),
        "HOTLINE_BACKUP_DIR": str(fresh / "backups"),
        "SECRET_KEY": "another-installation",
    }
    manage = str(ROOT / "manage.py")
    run(environment, manage, "migrate", "--noinput", "-v", "0")
    if encrypted:
        wrong = tmp_path / "wrong.txt"
        wrong.write_text(backup_key.new_key()[0])
        refused = subprocess.run(
            [sys.executable, manage, "restore_backup", str(archive), "--key-file", str(wrong)],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "hotline.settings", **environment},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=ROOT,
        )
        assert refused.returncode != 0
        assert "Нічого не змінено" in refused.stderr
    restored_output = run(
        environment, manage, "restore_backup", str(archive), "--no-apply", *key_args
    )
    actual = tmp_path / "actual.jsonl"
    check_output = run(environment, "-c", CHECK, str(actual), PASSWORD)

    assert "Restored the backup" in restored_output
    assert (
        actual.read_text(encoding="utf-8").splitlines()
        == expected.read_text(encoding="utf-8").splitlines()
    )
    for name in ("recordings", "voicemail", "prompts"):
        assert files_under(fresh / name) == files_under(storage[f"{name.upper()}_DIR"]), name
    # The administrator signs in to the restored installation with their old password.
    assert "login: True" in check_output
    rows = expected.read_text(encoding="utf-8")
    for model in ("hotline_crm.client", "hotline_asterisk_connector.call", "auth.user"):
        assert f'"model": "{model}"' in rows
