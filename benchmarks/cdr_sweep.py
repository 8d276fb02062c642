"""Reading Asterisk's call records with 1,000,000 rows in the CDR store.

    .venv/bin/python benchmarks/cdr_sweep.py [--rows 1000000] [--runs 5]

A master.db as cdr_sqlite3_custom writes it (AcctId the integer key, rows
appended as legs end, one a minute apart… over the years the rows span),
then the connector's read of the calls that ended in the last 15 minutes and
in the last day: `cdr.read_rows` (a binary search on AcctId, then a range of
it) against the query it replaced (`CAST(end_epoch AS INTEGER) >= ?`, which no
index serves: a scan of every row). Results: docs/benchmarks-load.md.
"""

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

COLUMNS = (
    "calldate, start_epoch, answer_epoch, end_epoch, clid, src, dst, dcontext, channel, "
    "dstchannel, lastapp, lastdata, duration, billsec, disposition, uniqueid, linkedid, "
    "userfield, did, recording"
)


def build(path: Path, rows: int, now: datetime) -> None:
    """`rows` legs, the newest ending now, 20 s apart (a busy line's years)."""
    database = sqlite3.connect(path)
    database.execute(f"CREATE TABLE cdr (AcctId INTEGER PRIMARY KEY, {COLUMNS})")
    newest = now.timestamp()

    def leg(n: int) -> tuple:
        end = newest - (rows - n) * 20
        linkedid = f"load-{n // 2}"
        return (
            "", f"{end - 60:.6f}", f"{end - 50:.6f}", f"{end:.6f}", '"" <0671234567>',
            "0671234567", "s", "hotline-call", "PJSIP/trunk-ks-1", "PJSIP/web101-1", "Queue",
            "hotline", "60", "50", "ANSWERED", linkedid, linkedid, "", "+380800500123", "",
        )  # fmt: skip

    placeholders = ",".join("?" * 20)
    for start in range(0, rows, 50_000):
        database.executemany(
            f"INSERT INTO cdr ({COLUMNS}) VALUES ({placeholders})",  # noqa: S608
            (leg(n) for n in range(start, min(rows, start + 50_000))),
        )
        database.commit()
    database.close()


def full_scan(path: Path, since: datetime) -> list:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as database:
        return database.execute(
            "SELECT * FROM cdr WHERE CAST(end_epoch AS INTEGER) >= ? ORDER BY AcctId",
            (int(since.timestamp()),),
        ).fetchall()


def timed(function, *args) -> tuple[float, int]:
    started = time.perf_counter()
    found = function(*args)
    return (time.perf_counter() - started) * 1000, len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    import django

    django.setup()
    from benchmarks.results import Result
    from hotline_asterisk_connector import cdr

    now = datetime.now(tz=UTC)
    with tempfile.TemporaryDirectory(prefix="hotline-cdr-") as scratch:
        path = Path(scratch) / "master.db"
        build(path, arguments.rows, now)
        result = Result("cdr_sweep", {"rows": arguments.rows, "runs": arguments.runs})
        for window, label in (
            (timedelta(minutes=15), "last 15 minutes"),
            (timedelta(days=1), "last day"),
        ):
            since = now - window
            for name, function in (
                ("binary search on AcctId", cdr.read_rows),
                ("full scan (before)", full_scan),
            ):
                runs, found = [], 0
                for _ in range(arguments.runs):
                    milliseconds, found = (
                        timed(function, since, path)
                        if function is cdr.read_rows
                        else timed(function, path, since)
                    )
                    runs.append(milliseconds)
                result.add(f"{name} ({found:,} rows)", "ms", runs, group=label)
        print(f"Saved {result.save()}")
        for figure in result.figures:
            print(f"{figure.group}, {figure.name}: median {figure.median:.1f} ms")


if __name__ == "__main__":
    main()
