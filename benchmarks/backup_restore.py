"""Time a backup and a restore of a realistic installation.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_backup_bench
    export HOTLINE_VAR_DIR=/tmp/hotline-backup-bench
    .venv/bin/python manage.py migrate
    .venv/bin/python manage.py generate_demo_dataset --calls 100000 --consultations 30000
    .venv/bin/python benchmarks/backup_restore.py --recordings 100 --seconds 240

Recordings are made with sox (8 kHz mono WAV, as MixMonitor writes them)
until RECORDINGS_DIR holds --recordings of them. The backup is written, then
restored over the same database, and the rows are counted before and after.
Results are in docs/benchmarks/backup-restore.md.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from hotline_admin import backup  # noqa: E402


def make_recordings(count: int, seconds: int) -> int:
    root = Path(settings.RECORDINGS_DIR) / "bench"
    root.mkdir(parents=True, exist_ok=True)
    template = root / "template.wav"
    if not template.exists():
        # Speech-like: noise shaped into the telephone band, not a pure tone
        # that gzip would squeeze to nothing.
        subprocess.run(
            [
                "sox",
                "-n",
                "-r",
                "8000",
                "-c",
                "1",
                "-b",
                "16",
                str(template),
                "synth",
                str(seconds),
                "pinknoise",
                "band",
                "1000",
                "1500",
                "vol",
                "0.3",
            ],
            check=True,
        )
    for index in range(count):
        target = root / f"{index:05}.wav"
        if not target.exists():
            target.write_bytes(template.read_bytes())
    template.unlink()
    return sum(path.stat().st_size for path in root.glob("*.wav"))


def rows() -> int:
    return sum(model._base_manager.count() for model in backup.models_to_dump())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recordings", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=240)
    args = parser.parse_args()

    audio_bytes = make_recordings(args.recordings, args.seconds)
    rows_before = rows()

    started = time.perf_counter()
    dump = Path(settings.BACKUP_DIR) / "bench-dump.jsonl"
    dump.parent.mkdir(parents=True, exist_ok=True)
    backup.dump_database(dump)
    dump_seconds = time.perf_counter() - started
    dump_bytes = dump.stat().st_size
    dump.unlink()

    started = time.perf_counter()
    archive = backup.create_backup(kind="manual")
    backup_seconds = time.perf_counter() - started

    started = time.perf_counter()
    result = backup.restore_backup(archive)
    restore_seconds = time.perf_counter() - started
    rows_after = rows()
    assert rows_after == rows_before, (rows_before, rows_after)

    print(f"| database | {connection.vendor} |")
    print(f"| rows | {rows_before:,} |")
    print(f"| audio files | {result.files} ({audio_bytes / 1e6:,.0f} MB) |")
    print(f"| archive | {archive.stat().st_size / 1e6:,.0f} MB |")
    print(f"| database dump alone | {dump_seconds:,.1f} s ({dump_bytes / 1e6:,.0f} MB of JSON) |")
    print(f"| backup | {backup_seconds:,.1f} s |")
    print(f"| restore | {restore_seconds:,.1f} s |")
    archive.unlink()


if __name__ == "__main__":
    main()
