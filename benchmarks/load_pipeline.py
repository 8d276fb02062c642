"""The whole pipeline under load: real Asterisk, `manage.py run_connector` on
PostgreSQL and Redis, Daphne, sipp as the carrier and as the consultants' phones,
every call recorded, each caller hanging up `--talk` seconds after Asterisk answers.

    .venv/bin/python benchmarks/load_pipeline.py [--levels 50,100,200,400]
        [--consultants 20] [--talk 25] [--ramp 10] [--wallboards 0] [--profile]
        [--label TEXT] [--keep]

DATABASE_URL names the PostgreSQL database (default
postgres://postgres@127.0.0.1:5432/hotline_load, created and migrated when
missing; its calls are deleted first). Redis, Asterisk and sipp are the
benchmark's own processes on loopback, stopped at the end. Per level (that many
calls placed within `--ramp` seconds, all up at once: in the queue, or talking
to one of the consultants; the queue rings a consultant only while free):

- calls placed (Asterisk's records) and completed (sipp's successful calls);
- the journal against Asterisk's records (reconcile.py): lost, duplicated, wrong;
- the journal's lag: from the last hang-up (Asterisk's records) until every
  call of the level is ended and settled in the journal;
- pop latency: Asterisk's AgentCalled (its Timestamp) to the consultant's
  websocket receiving `call.ringing`, at a raw websocket client per desk;
- messages per desk socket, and of them the pops; with --wallboards N, that many
  supervisors' wallboards are open and the messages each receives are counted
  (what an open wallboard costs the pops: wallboard_cost.py);
- CPU of each process (its whole process tree, from /proc), in % of one core;
- the load average at the start and end of each level.

With --profile the connector runs under cProfile; its 25 costliest functions
(cumulative) are written next to the result. The results go to
benchmarks/results/load_pipeline/; `benchmarks/render_docs.py` writes
docs/benchmarks-load.md from them.
"""

import argparse
import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hotline_load")
os.environ.pop("REDIS_URL", None)  # the benchmark's own Redis, below

TICK = os.sysconf("SC_CLK_TCK")
CARRIER_ADDRESS = "127.0.0.11"
DIALLED = "0800500123"
PASSWORD = "load-benchmark-password"  # noqa: S105  (users of the benchmark's database)


def create_database() -> None:
    from urllib.parse import urlparse

    url = urlparse(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    subprocess.run(
        [
            "createdb",
            "-h",
            url.hostname or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            name,
        ],
        capture_output=True,
        check=False,
    )


def setup_django() -> None:
    create_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# Processes


def process_tree_ticks(root: int) -> int:
    """User + system CPU ticks of `root` and every descendant alive now."""
    children: dict[int, list[int]] = defaultdict(list)
    ticks: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            children[int(fields[1])].append(int(entry))
            ticks[int(entry)] = int(fields[11]) + int(fields[12])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += ticks.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


@dataclass
class Desk:
    """One consultant's desk page: a raw websocket client, every message timed."""

    username: str
    user_id: int
    path: str = "/ws/desk/"  # or a supervisor's "/ws/wallboard/"
    messages: list[tuple[float, dict]] = field(default_factory=list)
    closed: str = ""  # when and why its socket closed, if it did


class Desks:
    """The consultants' websockets, read on a thread of their own. A supervisor's
    wallboard can be closed and opened again while the benchmark runs
    (wallboard_cost.py)."""

    def __init__(self, port: int, cookies: dict[str, str], desks: list[Desk]) -> None:
        self.port = port
        self.cookies = cookies
        self.desks = desks
        self.sockets: dict[str, object] = {}  # by username, while open
        self.readers: set[asyncio.Task] = set()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        for desk in self.desks:
            self.open(desk)

    def open(self, desk: Desk) -> None:
        asyncio.run_coroutine_threadsafe(self._open(desk), self.loop).result(60)

    def close(self, desk: Desk) -> None:
        asyncio.run_coroutine_threadsafe(self._close(desk), self.loop).result(60)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    async def _open(self, desk: Desk) -> None:
        from benchmarks.webapp import WebSocket

        socket = await WebSocket.open_when_up(self.port, desk.path, self.cookies[desk.username])
        self.sockets[desk.username] = socket
        reader = asyncio.get_running_loop().create_task(self._read(desk, socket))
        self.readers.add(reader)
        reader.add_done_callback(self.readers.discard)

    async def _close(self, desk: Desk) -> None:
        await self.sockets.pop(desk.username).close()

    async def _read(self, desk: Desk, socket) -> None:
        try:
            while True:
                message = await socket.receive()
                desk.messages.append((time.time(), message))
        except (asyncio.IncompleteReadError, OSError) as error:
            if self.sockets.get(desk.username) is socket:  # not closed on purpose
                desk.closed = f"{time.strftime('%H:%M:%S')}: {error or type(error).__name__}"


class Pipeline:
    def __init__(self, scratch: Path, consultants: int, wallboards: int, profile: bool) -> None:
        self.scratch = scratch
        self.consultants = consultants
        self.wallboard_count = wallboards
        self.profile = profile
        self.processes: dict[str, subprocess.Popen] = {}
        self.asterisk = None
        self.park = None
        self.redis = None
        self.desks: list[Desk] = []
        self.wallboards: list[Desk] = []

    def start(self) -> None:
        from django.conf import settings

        from tests.support.asterisk import AsteriskInstance, free_rtp_range
        from tests.support.redis import RedisServer
        from tests.support.sipp import SippPark

        self.redis = RedisServer(self.scratch / "redis")
        self.redis.start()
        self.asterisk = AsteriskInstance(self.scratch / "asterisk")
        # Two RTP ports a channel, three channels or more a call: the tests' 400
        # ports would carry about 180 calls.
        low, high = free_rtp_range(width=6000)
        self.asterisk.network = replace(self.asterisk.network, rtp_port_min=low, rtp_port_max=high)
        for name, value in self.asterisk.settings_overrides().items():
            setattr(settings, name, value)
        lines = self._hotline()
        self._short_prompts()
        from hotline_asterisk_connector.pbx.config import load_config

        self.asterisk.start(
            load_config().with_changes(
                ami_users=self.asterisk.config().ami_users, network=self.asterisk.network
            )
        )
        self.park = SippPark(self.asterisk, self.scratch / "sipp")
        shutil.copy2(ROOT / "benchmarks" / "sipp" / "load-caller.xml", self.park.media)
        for n, line in enumerate(lines):
            self.park.phone(line.sip_endpoint, line.sip_password, f"127.0.0.{31 + n}", ring_ms=500)
            self._log_in(line)
        self._start_web_and_connector()
        self._hear_only_rings()
        from benchmarks.webapp import session_cookie

        supervisors = self._supervisors()
        cookies = {
            user.username: session_cookie(user.username, PASSWORD)
            for user in [line.user for line in lines] + supervisors
        }
        self.desks = [Desk(line.user.username, line.user_id) for line in lines]
        self.wallboards = [Desk(user.username, user.id, "/ws/wallboard/") for user in supervisors]
        self.sockets = Desks(self.web_port, cookies, self.desks + self.wallboards)
        self.sockets.start()

    def _hear_only_rings(self) -> None:
        """The benchmark's own AMI session keeps only the AgentCalled events it times the
        pops from. Parsing the whole stream (tens of thousands of events a level) in
        this process held the GIL from the thread that reads the desks' websockets,
        and the pops looked up to 300 ms slower than the desks received them."""
        response = self.asterisk.ami.action("Filter", Operation="Add", Filter="Event: AgentCalled")
        assert response.get("Response") == "Success", response

    def _hotline(self) -> list:
        from django.contrib.auth.models import Group, User

        from hotline_asterisk_connector.models import (
            Call,
            ConsultantLine,
            Operator,
            PbxSettings,
            Trunk,
        )
        from hotline_crm.roles import Role

        Call.objects.all().delete()
        ConsultantLine.objects.all().delete()
        Trunk.objects.all().delete()
        User.objects.filter(username__startswith="load").delete()
        Trunk.objects.create(
            name="tollfree",
            operator=Operator.TOLL_FREE,
            number="0 800 500 123",
            host=CARRIER_ADDRESS,
            port=5060,
            match=CARRIER_ADDRESS,
            channel_limit=1000,
        )
        pbx = PbxSettings.load()
        pbx.wrapup_seconds = 0
        pbx.total_channel_limit = 1000
        pbx.save()
        group = Group.objects.get(name=Role.CONSULTANT.value)
        lines = []
        for n in range(self.consultants):
            user = User.objects.create_user(f"load{n:02d}", password=PASSWORD)
            user.groups.add(group)
            lines.append(
                ConsultantLine.objects.create(
                    user=user,
                    extension=f"3{n:02d}",
                    webrtc_password=f"web-3{n:02d}-secret",
                    sip_password=f"sip-3{n:02d}-secret",
                )
            )
        return lines

    def _supervisors(self) -> list:
        from django.contrib.auth.models import Group, User

        from hotline_crm.roles import Role

        group = Group.objects.get(name=Role.SUPERVISOR.value)
        users = []
        for n in range(self.wallboard_count):
            user = User.objects.create_user(f"loadsupervisor{n}", password=PASSWORD)
            user.groups.add(group)
            users.append(user)
        return users

    def _short_prompts(self) -> None:
        """Half-second tones for every prompt, as in the integration tests."""
        from hotline_asterisk_connector.pbx.prompts import PROMPTS

        directory = self.asterisk.paths.custom_prompts
        directory.mkdir(parents=True, exist_ok=True)
        for kind in PROMPTS:
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
                    str(directory / f"{kind.name}.wav"),
                    "synth",
                    "0.5",
                    "sine",
                    "440",
                    "vol",
                    "0.3",
                ],
                check=True,
            )

    def _log_in(self, line) -> None:
        response = self.asterisk.ami.action(
            "QueueAdd",
            Queue="hotline",
            Interface=f"Local/{line.extension}@hotline-consultant",
            MemberName=line.user.get_username(),
            Penalty="0",
            StateInterface=f"hint:{line.extension}@hotline-hints",
        )
        assert response.get("Response") == "Success", response

    def _start_web_and_connector(self) -> None:
        from tests.connector.running import connector_environment
        from tests.support.webapp import free_port

        self.web_port = free_port()
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "REDIS_URL": self.redis.url,
            "HOTLINE_EMBEDDED_CONNECTOR": "0",
            **connector_environment(self.asterisk),
            "HOTLINE_RECORDS_SWEEP_SECONDS": "60",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        from benchmarks.webapp import start_daphne

        python = sys.executable
        log = (self.scratch / "web.log").open("ab")
        self.processes["daphne"] = start_daphne(self.web_port, env, log)
        connector = [python, "manage.py", "run_connector"]
        if self.profile:
            connector = [
                python,
                "-m",
                "cProfile",
                "-o",
                str(self.scratch / "connector.prof"),
                "manage.py",
                "run_connector",
            ]
        self.connector_log = self.scratch / "connector.log"
        self.processes["connector"] = subprocess.Popen(
            connector,
            cwd=ROOT,
            env=env,
            stdout=self.connector_log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while b"Caught up with Asterisk" not in self.connector_log.read_bytes():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the connector did not start: {self.connector_log}")
            time.sleep(0.2)

    def cpu_roots(self) -> dict[str, list[int]]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
            backends = [row[0] for row in cursor.fetchall()]
        return {
            "asterisk": [self.asterisk.process.pid],
            "connector": [self.processes["connector"].pid],
            "daphne": [self.processes["daphne"].pid],
            "redis": [self.redis.process.pid],
            "sipp": [s.process.pid for s in self.park.running if s.process],
            "postgresql (this database's backends)": backends,
        }

    def stop(self) -> None:
        for name in ("connector", "daphne"):
            process = self.processes.get(name)
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
        if self.park is not None:
            self.park.stop_all()
        if self.asterisk is not None and self.asterisk.process is not None:
            self.asterisk.stop()
        if self.redis is not None:
            self.redis.stop()


@dataclass
class Level:
    calls: int
    placed: int = 0
    completed: int = 0
    failed: int = 0
    lost: int = 0
    duplicated: int = 0
    wrong: int = 0
    extra: int = 0
    lag_seconds: float | None = None
    pops: list[float] = field(default_factory=list)
    pops_missing: int = 0
    messages_per_desk: list[float] = field(default_factory=list)
    pops_per_desk: list[float] = field(default_factory=list)
    messages_per_wallboard: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    load_start: str = ""
    load_end: str = ""
    differences: list[str] = field(default_factory=list)
    queue_members: str = ""
    message_types: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def run_level(pipeline: Pipeline, calls: int, talk: float, ramp: float, offset: int) -> Level:
    from django.db import close_old_connections

    from benchmarks.results import uptime
    from hotline_asterisk_connector import reconcile
    from hotline_asterisk_connector.models import Call
    from tests.support.sipp import Sipp

    level = Level(calls, load_start=uptime())
    close_old_connections()
    since = datetime.now(tz=UTC)
    mark = pipeline.asterisk.ami.mark()
    seen = {desk.username: len(desk.messages) for desk in pipeline.desks + pipeline.wallboards}
    roots = pipeline.cpu_roots()
    ticks = {name: sum(process_tree_ticks(pid) for pid in pids) for name, pids in roots.items()}
    started = time.monotonic()

    numbers = pipeline.scratch / f"callers-{calls}.csv"
    numbers.write_text("SEQUENTIAL\n" + "".join(f"067{offset + n:07d};\n" for n in range(calls)))
    stats = pipeline.scratch / f"sipp-{calls}.csv"
    caller = Sipp(
        f"callers-{calls}",
        "load-caller.xml",
        CARRIER_ADDRESS,
        pipeline.park.remote,
        pipeline.scratch / "sipp",
        keys={"talk_ms": str(int(talk * 1000))},
        extra=[
            "-s",
            DIALLED,
            "-m",
            str(calls),
            "-l",
            str(calls),
            "-r",
            str(max(1, round(calls / ramp))),
            "-inf",
            str(numbers),
            "-trace_stat",
            "-stf",
            str(stats),
            "-fd",
            "1",
        ],
    )
    caller.media = pipeline.park.media
    pipeline.park.running.append(caller)
    caller.start()
    caller.wait(timeout=ramp + talk + 600)
    wall = time.monotonic() - started
    for name, pids in roots.items():
        if name == "sipp":
            pids = [*pids, caller.process.pid]
        now = sum(process_tree_ticks(pid) for pid in pids)
        level.cpu[name] = round(100 * (now - ticks[name]) / TICK / wall, 1)
    level.completed, level.failed = sipp_counts(stats)

    # Settled: every call Asterisk recorded is ended in the journal, records merged.
    recorded = pipeline.asterisk.cdr()
    deadline = time.monotonic() + 300
    settled_at = None
    while time.monotonic() < deadline:
        close_old_connections()
        recorded = [
            r for r in pipeline.asterisk.cdr() if float(r["start_epoch"]) >= since.timestamp()
        ]
        linkedids = {row["linkedid"] for row in recorded}
        done = Call.objects.filter(
            linkedid__in=linkedids, ended_at__isnull=False, records_pending=False
        ).count()
        if linkedids and done == len(linkedids) and len(linkedids) >= level.completed:
            settled_at = time.time()
            break
        time.sleep(0.2)
    last_hangup = max((float(r["end_epoch"]) for r in recorded), default=time.time())
    level.placed = len({row["linkedid"] for row in recorded})
    level.lag_seconds = None if settled_at is None else round(max(0.0, settled_at - last_hangup), 2)

    report = reconcile.reconcile(since, trigger="benchmark")
    level.differences = report.differences[:20]
    for text in report.differences:
        if text.endswith("missing from the journal"):
            level.lost += 1
        elif "rows in the journal" in text:
            level.duplicated += 1
        else:
            level.wrong += 1
    level.extra = (
        Call.objects.filter(started_at__gte=since)
        .exclude(linkedid__in={row["linkedid"] for row in recorded})
        .count()
    )

    measure_pops(pipeline, level, mark, seen)
    level.queue_members = queue_members(pipeline)
    level.differences += [
        f"socket of {d.username} closed {d.closed}"
        for d in pipeline.desks + pipeline.wallboards
        if d.closed
    ]
    level.load_end = uptime()
    return level


# QueueMember's Status: Asterisk's device states (AST_DEVICE_*).
MEMBER_STATUS = {
    "0": "unknown",
    "1": "not in use",
    "2": "in use",
    "3": "busy",
    "4": "invalid",
    "5": "unavailable",
    "6": "ringing",
    "7": "ringing and in use",
    "8": "on hold",
}


def queue_members(pipeline: Pipeline) -> str:
    """How Asterisk's queue holds the consultants once a level has settled: every one
    not in use and unpaused, or which not. Some ladders' 400-call level rang the
    consultants about 20 times instead of 200: this says whether the queue held
    them paused or busy then."""
    states: dict[str, int] = defaultdict(int)
    for item in pipeline.asterisk.ami.action_list("QueueStatus", Queue="hotline"):
        if item.event != "QueueMember":
            continue
        status = MEMBER_STATUS.get(item.get("Status", ""), item.get("Status", "?"))
        if item.get("Paused") == "1":
            status += f", paused ({item.get('PausedReason', '') or 'no reason'})"
        states[status] += 1
    return ", ".join(f"{n} {status}" for status, n in sorted(states.items()))


def sipp_counts(stats: Path) -> tuple[int, int]:
    """Successful and failed calls from sipp's statistics file (its last line)."""
    if not stats.exists():
        return 0, 0
    lines = [line for line in stats.read_text().splitlines() if line.strip()]
    if len(lines) < 2:
        return 0, 0
    header, last = lines[0].split(";"), lines[-1].split(";")
    row = dict(zip(header, last, strict=False))
    return int(row.get("SuccessfulCall(C)", 0)), int(row.get("FailedCall(C)", 0))


def measure_pops(pipeline: Pipeline, level: Level, mark: int, seen: dict[str, int]) -> None:
    called: dict[tuple[str, str], float] = {}
    for event in pipeline.asterisk.ami.events[mark:]:
        if event.event == "AgentCalled":
            key = (event.get("Linkedid", ""), event.get("MemberName", ""))
            called.setdefault(key, float(event.get("Timestamp", "0")))
    received: dict[tuple[str, str], float] = {}
    for desk in pipeline.desks:
        messages = desk.messages[seen[desk.username] :]
        pops = 0
        for at, message in messages:
            level.message_types[message.get("type", "?")] += 1
            if message.get("type") == "call.ringing":
                pops += 1
                received.setdefault((message["call"]["linkedid"], desk.username), at)
        level.messages_per_desk.append(len(messages))
        level.pops_per_desk.append(pops)
    level.messages_per_wallboard = [
        len(board.messages) - seen[board.username] for board in pipeline.wallboards
    ]
    for key, sent in called.items():
        if key in received:
            level.pops.append(round((received[key] - sent) * 1000, 1))
        else:
            level.pops_missing += 1


def save(
    levels: list[Level], arguments, profile_text: str, started: dict, connector_notes: list[str]
) -> Path:
    from benchmarks.results import Figure, Result

    result = Result(
        **started,
        benchmark="load_pipeline",
        parameters={
            "levels": [level.calls for level in levels],
            "consultants": arguments.consultants,
            "talk_seconds": arguments.talk,
            "ramp_seconds": arguments.ramp,
            "wallboards": arguments.wallboards,
            "label": arguments.label,
        },
    )
    for level in levels:
        group = f"{level.calls} calls"
        scalars = {
            ("calls placed", "calls"): level.placed,
            ("calls completed (sipp)", "calls"): level.completed,
            ("calls failed (sipp)", "calls"): level.failed,
            ("journal: lost", "calls"): level.lost,
            ("journal: duplicated", "calls"): level.duplicated,
            ("journal: wrong", "calls"): level.wrong,
            ("journal: not in Asterisk's records", "calls"): level.extra,
            ("journal lag after the last hang-up", "s"): level.lag_seconds
            if level.lag_seconds is not None
            else -1,
            ("pops not received", "pops"): level.pops_missing,
        }
        for (name, unit), value in scalars.items():
            result.figures.append(Figure(name, unit, [value], group=group))
        if level.pops:
            result.figures.append(Figure("pop latency", "ms", level.pops, group=group))
        result.figures.append(
            Figure("messages per desk socket", "messages", level.messages_per_desk, group=group)
        )
        result.figures.append(
            Figure("pops per desk socket", "pops", level.pops_per_desk, group=group)
        )
        if level.messages_per_wallboard:
            result.figures.append(
                Figure(
                    "messages per wallboard socket",
                    "messages",
                    level.messages_per_wallboard,
                    group=group,
                )
            )
        for name, value in level.cpu.items():
            result.figures.append(Figure(f"CPU: {name}", "% of a core", [value], group=group))
        result.notes.append(
            f"{group}: load at start `{level.load_start}`; at end `{level.load_end}`"
        )
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(level.message_types.items()))
        result.notes.append(f"{group}: messages on all desk sockets: {kinds}")
        result.notes.append(f"{group}: consultants in the queue after it: {level.queue_members}")
        result.notes += [f"{group}: {text}" for text in level.differences]
    result.notes += connector_notes
    path = result.save()
    if profile_text:
        path.with_suffix(".profile.txt").write_text(profile_text)
    return path


def connector_summary(pipeline: Pipeline) -> list[str]:
    """What the connector says of its own time as it stops (the whole run): its
    journal thread's busy time, unlike cProfile's, which sees only the event loop."""
    log = getattr(pipeline, "connector_log", None)
    if log is None or not log.exists():
        return []
    lines = log.read_text(errors="replace").splitlines()
    return [
        "whole run: " + line.split("Connector summary: ", 1)[1]
        for line in lines
        if "Connector summary: " in line
    ]


def profile_summary(path: Path) -> str:
    import io
    import pstats

    if not path.exists():
        return ""
    out = io.StringIO()
    pstats.Stats(str(path), stream=out).sort_stats("cumulative").print_stats(25)
    text = out.getvalue()
    out = io.StringIO()
    pstats.Stats(str(path), stream=out).sort_stats("tottime").print_stats(25)
    return text + "\n\nBy own time:\n" + out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="50,100,200,400")
    parser.add_argument("--consultants", type=int, default=20)
    parser.add_argument("--talk", type=float, default=25.0, help="seconds after answer")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds to place a level")
    parser.add_argument("--wallboards", type=int, default=0, help="supervisors' wallboards open")
    parser.add_argument("--profile", action="store_true", help="cProfile the connector")
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch folder (logs, Asterisk's records)"
    )
    arguments = parser.parse_args()
    setup_django()
    from benchmarks.results import uptime

    started = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "uptime_at_start": uptime(),
    }
    scratch = Path(tempfile.mkdtemp(prefix="hotline-load-"))
    pipeline = Pipeline(scratch, arguments.consultants, arguments.wallboards, arguments.profile)
    levels: list[Level] = []
    try:
        pipeline.start()
        offset = 1_000_000
        for calls in (int(text) for text in arguments.levels.split(",")):
            level = run_level(pipeline, calls, arguments.talk, arguments.ramp, offset)
            offset += calls
            levels.append(level)
            print(
                f"{calls} calls: placed {level.placed}, completed {level.completed}, "
                f"failed {level.failed}; lost {level.lost}, dup {level.duplicated}, "
                f"wrong {level.wrong}; lag {level.lag_seconds} s; pops {len(level.pops)} "
                f"(missing {level.pops_missing}) p50 {percentile(level.pops, 0.5)} ms "
                f"p95 {percentile(level.pops, 0.95)} ms; messages/desk "
                f"{sum(level.messages_per_desk) / max(1, len(level.messages_per_desk)):.0f}; "
                f"cpu {level.cpu}; {level.load_start}",
                flush=True,
            )
            time.sleep(5)
    except KeyboardInterrupt:
        print("Interrupted: the levels measured so far are saved", flush=True)
    finally:
        pipeline.stop()
    profile_text = profile_summary(scratch / "connector.prof") if arguments.profile else ""
    if levels:
        saved = save(levels, arguments, profile_text, started, connector_summary(pipeline))
        print(f"Saved {saved}")
    if arguments.keep:
        print(f"Kept {scratch}")
    else:
        shutil.rmtree(scratch, ignore_errors=True)


def percentile(values: list[float], share: float) -> float | None:
    from benchmarks.results import percentile as nearest_rank

    return nearest_rank(values, share) if values else None


if __name__ == "__main__":
    main()
