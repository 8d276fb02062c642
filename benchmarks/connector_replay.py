"""How many AMI events a second the connector sustains, replaying real recordings.

    .venv/bin/python benchmarks/connector_replay.py [--calls 2000]

The recorded streams in tests/connector/fixtures/ (every event Asterisk 22
sent during each scenario, most of them irrelevant to the journal) are
replayed as `--calls` distinct calls, each copy under its own uniqueids and
linkedids. Each event goes through the connector's own pipeline: bytes cut
into frames, parsed, filtered, applied on the database thread in its own
transaction, websocket messages sent to the (in-process) channel layer. The
process is pinned to one CPU core. SQLite in a temporary directory unless
DATABASE_URL says otherwise. Results: docs/benchmarks-connector.md.
"""

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "connector" / "fixtures"
_UNIQUEID = re.compile(rb"\bhotline-(\d+\.\d+)")
_OUTBOUND = re.compile(rb"\bout-([0-9a-f]{16})")


def configure() -> None:
    sys.path.insert(0, str(ROOT))
    scratch = tempfile.mkdtemp(prefix="hotline-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ["HOTLINE_VAR_DIR"] = scratch
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def personas() -> None:
    from django.contrib.auth.models import Group, User

    from hotline_asterisk_connector.models import ConsultantLine

    for name, extension in [("alice", "1001"), ("bob", "1002")]:
        user, _ = User.objects.get_or_create(username=name)
        user.groups.add(Group.objects.get(name="consultant"))
        ConsultantLine.objects.get_or_create(
            user=user,
            defaults={"extension": extension, "webrtc_password": "w", "sip_password": "s"},
        )


def streams(calls: int) -> list[bytes]:
    """`calls` copies of the recorded scenarios, each with identifiers of its own."""
    recorded = [path.read_bytes() for path in sorted(FIXTURES.glob("*.ami"))]
    copies = []
    for number in range(calls):
        stream = recorded[number % len(recorded)]
        stream = _UNIQUEID.sub(rb"c%d-\1" % number, stream)
        stream = _OUTBOUND.sub(rb"out-%d-\1" % number, stream)
        copies.append(stream)
    return copies


async def replay(copies: list[bytes]) -> tuple[int, int, float]:
    from hotline_asterisk_connector.ami.client import AmiConfig
    from hotline_asterisk_connector.ami.protocol import parse, split_frames
    from hotline_asterisk_connector.connector import Connector

    connector = Connector(AmiConfig("127.0.0.1", 1, "bench", "bench"))
    total = 0
    started = time.perf_counter()
    for stream in copies:
        frames, _rest = split_frames(stream)
        messages = [message for message in map(parse, frames) if message is not None]
        total += len(messages)
        for start in range(0, len(messages), 500):
            await connector.apply(messages[start : start + 500])
    elapsed = time.perf_counter() - started
    applied = connector.events_applied
    await connector.aclose()
    return total, applied, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    arguments = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    configure()
    personas()
    from django.db import connection

    from hotline_asterisk_connector.models import Call

    copies = streams(arguments.calls)
    total, applied, elapsed = asyncio.run(replay(copies))
    calls = Call.objects.count()
    print(f"database: {connection.vendor}; one CPU core; {arguments.calls} recorded calls")
    print(f"events replayed: {total} ({applied} of them journal events) in {elapsed:.2f} s")
    print(f"throughput: {total / elapsed:,.0f} events/s; {applied / elapsed:,.0f} journal events/s")
    print(f"calls journaled: {calls} ({calls / elapsed:,.0f} calls/s)")


if __name__ == "__main__":
    main()
