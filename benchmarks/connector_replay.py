"""How many AMI events a second the connector sustains, replaying real recordings.

    .venv/bin/python benchmarks/connector_replay.py [--calls 2000] [--runs 3]

The recorded streams in tests/connector/fixtures/ (every event Asterisk 22
sent during each scenario, most of them irrelevant to the journal) are
replayed as `--calls` distinct calls, each copy under its own uniqueids and
linkedids, its event times moved to today (as a live call's); a click-to-call
call's row is written first, as the web process writes it before dialling
(results from 2026-12-03T15:30 on; before, the connector wrote it). Each event
goes through the connector's own pipeline: bytes cut into frames, parsed,
filtered, applied on the database thread in its own
transaction, websocket messages sent to the (in-process) channel layer. The
process is pinned to one CPU core. SQLite in a temporary directory unless
DATABASE_URL says otherwise (then an empty database of its own: the
replay adds its calls). Each handler's time is taken per event (its writes,
not the batch's commit; until 2026-12-01T22:00 its savepoint too). The replay runs --runs
times, each with fresh identifiers; the result goes to
benchmarks/results/connector_replay/ and from there to
docs/benchmarks-connector.md (benchmarks/render_docs.py).
"""

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.webapp import setup_django  # noqa: E402

FIXTURES = ROOT / "tests" / "connector" / "fixtures"
_UNIQUEID = re.compile(rb"\bhotline-(\d+\.\d+)")
_OUTBOUND = re.compile(rb"\bout-([0-9a-f]{16})")
_TIMESTAMP = re.compile(rb"^Timestamp: (\d+\.\d+)", re.MULTILINE)


def personas() -> None:
    from django.contrib.auth.models import Group, User

    from hotline_asterisk_connector.models import ConsultantLine

    # Every consultant device the recordings name belongs to a consultant, as on the
    # real line (until 2026-12-03 extension 101 of three older recordings did not).
    for name, extension in [("alice", "1001"), ("bob", "1002"), ("carol", "101")]:
        user, _ = User.objects.get_or_create(username=name)
        user.groups.add(Group.objects.get(name="consultant"))
        ConsultantLine.objects.get_or_create(
            user=user,
            defaults={"extension": extension, "webrtc_password": "w", "sip_password": "s"},
        )


def as_of_now(stream: bytes, now: float) -> bytes:
    """The stream's event times moved so that it starts now: a live call's events are
    of today (a call of a past day would take that day out of the reports' roll-up
    at every save, which the connector never does with live calls)."""
    first = _TIMESTAMP.search(stream)
    if first is None:
        return stream
    shift = now - float(first.group(1))
    return _TIMESTAMP.sub(lambda m: b"Timestamp: %.6f" % (float(m.group(1)) + shift), stream)


def streams(calls: int, run: int) -> list[bytes]:
    """`calls` copies of the recorded scenarios, each with identifiers of its own and
    its events' times of today."""
    now = time.time()
    recorded = [as_of_now(path.read_bytes(), now) for path in sorted(FIXTURES.glob("*.ami"))]
    copies = []
    for number in range(calls):
        stream = recorded[number % len(recorded)]
        stream = _UNIQUEID.sub(rb"r%dc%d-\1" % (run, number), stream)
        stream = _OUTBOUND.sub(rb"out-%d-%d-\1" % (run, number), stream)
        copies.append(stream)
    return copies


def clicked_to_call(messages: list) -> None:
    """Write the row of each click-to-call call among `messages` as the web process
    does before Asterisk dials it (clicktocall.place_call): the connector then finds
    the call, as it does on the real line."""
    from hotline_asterisk_connector import journal
    from hotline_asterisk_connector.clicktocall import write_call
    from hotline_asterisk_connector.directory import extension_of
    from hotline_asterisk_connector.models import ConsultantLine
    from hotline_crm.phones import normalise

    for message in messages:
        if message.get("UserEvent") != "HotlineOutbound":
            continue
        callee = normalise(message["Number"]).value
        line = ConsultantLine.objects.get(extension=extension_of(message["Channel"]))
        write_call(
            message["Linkedid"], line, callee, message["Did"], journal.identify_client(callee)
        )


def round_trip_us() -> float:
    """The median of 500 `SELECT 1` through Django, in µs: the machine's database
    round trip, which most handlers' cost follows (0.05 to 0.29 ms on machines of
    the same kind)."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(500):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    connection.close()
    return statistics.median(times) * 1e6


def handler_name(message) -> str:
    if message.event == "UserEvent":
        return f"UserEvent {message.get('UserEvent', '')}"
    return message.event or "?"


def timed_router():
    """The connector's own router, with the time of every event it applies kept by name."""
    from hotline_asterisk_connector.events import EventRouter

    class TimedRouter(EventRouter):
        def __init__(self) -> None:
            super().__init__()
            self.times: dict[str, list[float]] = defaultdict(list)

        def apply(self, message) -> None:
            started = time.perf_counter()
            try:
                super().apply(message)
            finally:
                self.times[handler_name(message)].append(time.perf_counter() - started)

    return TimedRouter()


async def replay(copies: list[bytes], router) -> tuple[int, int, float]:
    from hotline_asterisk_connector.ami.client import AmiConfig
    from hotline_asterisk_connector.ami.protocol import parse, split_frames
    from hotline_asterisk_connector.connector import Connector

    connector = Connector(AmiConfig("127.0.0.1", 1, "bench", "bench"), router=router)
    parsed = []
    for stream in copies:
        frames, _rest = split_frames(stream)
        parsed.append([message for message in map(parse, frames) if message is not None])
    await connector.on_db(clicked_to_call, [m for messages in parsed for m in messages])
    total = 0
    started = time.perf_counter()
    for messages in parsed:
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
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-save", action="store_true")
    arguments = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    setup_django(tempfile.mkdtemp(prefix="hotline-bench-"))
    personas()
    from django.db import connection

    from benchmarks.results import Result

    result = Result(
        "connector_replay",
        {"database": connection.vendor, "calls": arguments.calls, "runs": arguments.runs},
    )
    print(result.uptime_at_start)
    throughput, journal_rate, per_handler, round_trips = [], [], defaultdict(list), []
    for run in range(arguments.runs):
        round_trips.append(round_trip_us())
        router = timed_router()
        total, applied, elapsed = asyncio.run(replay(streams(arguments.calls, run), router))
        throughput.append(total / elapsed)
        journal_rate.append(applied / elapsed)
        for name, times in router.times.items():
            per_handler[name].append(times)
        print(f"run {run + 1}: {total} events ({applied} journal events) in {elapsed:.2f} s")
    result.add("events/s", "events/s", throughput, better="higher", group="throughput")
    result.add("journal events/s", "events/s", journal_rate, better="higher", group="throughput")
    result.add("SELECT 1 round trip", "µs", round_trips, group="machine")
    for name, runs in sorted(per_handler.items()):
        # Per run: the median event's cost, and the 95th percentile's.
        result.add(name, "ms", [statistics.median(t) * 1000 for t in runs], group="median")
        result.add(
            name, "ms", [sorted(t)[int(0.95 * (len(t) - 1))] * 1000 for t in runs], group="p95"
        )
    print(f"database: {connection.vendor}; one CPU core; {arguments.calls} recorded calls")
    for figure in result.figures:
        print(f"{figure.group:10} {figure.name:32} median {figure.median:10.3f} {figure.unit}")
    if not arguments.no_save:
        print(f"Saved {result.save()}")


if __name__ == "__main__":
    main()
