"""Faults with ten calls up, on real processes: the connector daemon killed
(`kill -9`) and started again, Asterisk restarted under it, and the database
(a PostgreSQL cluster of the test's own) restarted under it. Ten consultants'
phones (sipp) answer ten callers (sipp as the carrier); some calls end and others
are answered while the fault lasts. Afterwards every call is in the journal once,
answered by the consultant Asterisk connected, no missed-call task was filed, and
`manage.py reconcile_journal` finds no difference with Asterisk's own records."""

import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from hotline_asterisk_connector.models import Call, ConsultantLine, Disposition
from hotline_asterisk_connector.pbx.config import load_config
from hotline_crm.roles import Role
from hotline_workspace.models import Kind, WorklistItem
from tests.conftest import make_user
from tests.connector.running import Daemon, forget_call_records, wait_for
from tests.support.ami import event
from tests.support.postgres import PostgresCluster
from tests.support.webapp import database_url

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db(transaction=True)]

CONSULTANTS = 10
JOURNAL_SECONDS = 90  # the calls ended while away wait for their records (a few seconds)


@pytest.fixture
def desks(pbx, role_groups) -> dict[str, ConsultantLine]:
    """Ten consultants, each with a phone (sipp on its own loopback address), in the
    queue with no wrap-up, so that ten callers are ten calls up at once."""
    pbx.add_trunks("tollfree")
    lines = [
        pbx.add_consultant(make_user(f"consultant{n}", Role.CONSULTANT), f"2{n:02d}")
        for n in range(CONSULTANTS)
    ]
    pbx.settings(wrapup_seconds=0, total_channel_limit=2 * CONSULTANTS)
    pbx.apply()
    for n, line in enumerate(lines):
        pbx.sipp.phone(line.sip_endpoint, line.sip_password, f"127.0.0.{31 + n}")
        pbx.log_in(line)
    forget_call_records(pbx.asterisk)
    return {line.user.get_username(): line for line in lines}


class Calls:
    """The callers of one test and what Asterisk said about each: linkedid → events."""

    def __init__(self, pbx) -> None:
        self.pbx = pbx
        self.inbound: dict[str, dict] = {}
        self.connect: dict[str, dict] = {}
        self.placed = 0

    def answer(self, count: int) -> list[str]:
        """Place `count` calls at once; return their linkedids once consultants have them."""
        mark = self.pbx.ami.mark()
        callers = [f"06710000{self.placed + n:02d}" for n in range(count)]
        self.placed += count
        for caller in callers:
            self.pbx.call("tollfree", caller)
        linkedids = []
        for caller in callers:
            inbound = self.pbx.inbound(caller, since=mark, timeout=60)
            linkedid = inbound["Linkedid"]
            self.inbound[linkedid] = inbound
            self.connect[linkedid] = self.pbx.ami.wait_for(
                event("AgentConnect", Linkedid=linkedid),
                since=mark,
                timeout=60,
                what=f"a consultant answering {caller}",
            )
            linkedids.append(linkedid)
        return linkedids

    def hang_up(self, linkedids: list[str]) -> None:
        for linkedid in linkedids:
            self.pbx.hang_up(self.inbound[linkedid]["Channel"])

    def up(self) -> list[str]:
        """The calls whose caller is still connected."""
        channels = {channel["Channel"] for channel in self.pbx.channels()}
        return [id for id, inbound in self.inbound.items() if inbound["Channel"] in channels]

    def recorded(self) -> None:
        """Until Asterisk has written every call's records (as its last channel goes)."""
        self.pbx.asterisk.wait_until(
            lambda: set(self.inbound) <= {row["linkedid"] for row in self.pbx.asterisk.cdr()},
            "every call's records",
            timeout=60,
        )


def settled(linkedids) -> bool:
    """Every call ended in the journal, its records merged where it needed them."""
    return Call.objects.filter(
        linkedid__in=linkedids, ended_at__isnull=False, records_pending=False
    ).count() == len(linkedids)


def assert_exact(calls: Calls, desks: dict[str, ConsultantLine]) -> None:
    """One row per call, answered by the consultant Asterisk connected, talk from
    Asterisk's own AgentConnect to the caller's hang-up within a second."""
    assert Call.objects.count() == len(calls.inbound)
    for linkedid, connect in calls.connect.items():
        call = Call.objects.get(linkedid=linkedid)
        expected = desks[connect["MemberName"]]
        assert (call.disposition, call.consultant_id) == (Disposition.ANSWERED, expected.user_id)
        assert call.answered_at is not None
        answered = datetime.fromtimestamp(float(connect["Timestamp"]), tz=UTC)
        assert abs((call.answered_at - answered).total_seconds()) <= 1
    assert not WorklistItem.objects.filter(kind=Kind.MISSED).exists()


def assert_reconciled(daemon: Daemon, since: datetime, count: int) -> None:
    output = daemon.reconcile(since)
    assert f"Calls checked: {count}; differences: 0" in output, output


@pytest.fixture
def daemon(pbx, tmp_path):
    running = Daemon(pbx.asterisk, tmp_path / "connector.log")
    yield running
    running.stop()


def test_connector_killed_with_ten_calls_up_and_started_again(pbx, desks, daemon):
    since = datetime.now(tz=UTC)
    calls = Calls(pbx)
    daemon.start()
    first = calls.answer(CONSULTANTS)
    wait_for(
        lambda: Call.objects.filter(answered_at__isnull=False).count() == CONSULTANTS,
        "the daemon journaled ten answers",
    )
    daemon.kill()
    # While it is down: four calls end, three new ones are answered by the
    # consultants they freed.
    calls.hang_up(first[:4])
    calls.answer(3)
    daemon.start()
    assert len(calls.up()) == 9
    calls.hang_up(calls.up())
    calls.recorded()
    wait_for(lambda: settled(calls.inbound), "every call settled", JOURNAL_SECONDS)

    assert_exact(calls, desks)
    assert_reconciled(daemon, since, 13)
    assert daemon.terminate() == 0


def test_asterisk_restarted_with_ten_calls_up(pbx, desks, daemon):
    since = datetime.now(tz=UTC)
    calls = Calls(pbx)
    daemon.start()
    cut = calls.answer(CONSULTANTS)
    wait_for(
        lambda: Call.objects.filter(answered_at__isnull=False).count() == CONSULTANTS,
        "the daemon journaled ten answers",
    )
    sessions = daemon.caught_up()
    pbx.asterisk.stop()  # every call up is cut
    pbx.asterisk.start(
        load_config().with_changes(
            ami_users=pbx.asterisk.config().ami_users, network=pbx.asterisk.network
        )
    )
    pbx.mark = pbx.ami.mark()
    wait_for(lambda: daemon.caught_up() > sessions, "the daemon back", 60)
    for line in desks.values():
        pbx.asterisk.wait_until(
            lambda line=line: pbx.sipp.device_state(line.sip_endpoint) == "Not in use",
            f"{line.sip_endpoint} back",
        )
    after = calls.answer(2)
    calls.hang_up(after)
    calls.recorded()
    wait_for(lambda: settled(calls.inbound), "every call settled", JOURNAL_SECONDS)

    assert_exact(calls, desks)
    assert set(Call.objects.filter(linkedid__in=cut).values_list("disposition", flat=True)) == {
        Disposition.ANSWERED
    }
    assert_reconciled(daemon, since, 12)


class PrivateJournal:
    """The journal in the test's own cluster, read with plain SQL (the test's Django
    connection is on the machine's server)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def count(self, where: str) -> int | None:
        """None while the database is down."""
        try:
            with psycopg.connect(self.url, connect_timeout=5) as db:
                return db.execute(
                    f"SELECT count(*) FROM {Call._meta.db_table} WHERE {where}"  # noqa: S608
                ).fetchone()[0]
        except psycopg.OperationalError:
            return None

    def rows(self) -> dict[str, tuple]:
        with psycopg.connect(self.url) as db:
            rows = db.execute(
                f"SELECT linkedid, disposition, consultant_id FROM {Call._meta.db_table}"  # noqa: S608
            ).fetchall()
        return {linkedid: (disposition, consultant) for linkedid, disposition, consultant in rows}

    def missed_calls(self) -> int:
        with psycopg.connect(self.url) as db:
            table = WorklistItem._meta.db_table
            return db.execute(
                f"SELECT count(*) FROM {table} WHERE kind = %s",  # noqa: S608
                [Kind.MISSED],
            ).fetchone()[0]


@pytest.fixture
def cluster():
    # Not under pytest's tmp_path: its root is private to the user running the
    # tests, and the cluster runs as `postgres` when that user is root.
    running = PostgresCluster(Path(tempfile.mkdtemp(prefix="hotline-pg-")))
    running.create()
    running.start()
    yield running
    running.remove()


def copy_database(cluster: PostgresCluster) -> str:
    """The test database (consultants, lines, settings) copied into the cluster."""
    cluster.create_database("hotline")
    dump = subprocess.run(
        [str(cluster.binaries / "pg_dump"), "--no-owner", "-d", database_url()],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout
    subprocess.run(
        [
            str(cluster.binaries / "psql"),
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            cluster.url("hotline"),
        ],
        input=dump,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return cluster.url("hotline")


def test_database_restarted_with_ten_calls_up(pbx, desks, cluster, tmp_path):
    journal = PrivateJournal(copy_database(cluster))
    daemon = Daemon(pbx.asterisk, tmp_path / "connector.log", database=journal.url)
    since = datetime.now(tz=UTC)
    calls = Calls(pbx)
    try:
        daemon.start()
        first = calls.answer(CONSULTANTS)
        wait_for(
            lambda: journal.count("answered_at IS NOT NULL") == CONSULTANTS,
            "the daemon journaled ten answers",
        )
        cluster.stop()
        # While the database is down: four calls end, two are answered; the
        # daemon keeps reading Asterisk and retries its writes.
        calls.hang_up(first[:4])
        calls.answer(2)
        time.sleep(2)  # the daemon's writes fail and wait for their retry
        cluster.start()
        calls.hang_up(calls.up())
        calls.recorded()
        wait_for(
            lambda: journal.count("ended_at IS NOT NULL AND NOT records_pending") == 12,
            "every call settled",
            JOURNAL_SECONDS,
        )

        rows = journal.rows()
        assert set(rows) == set(calls.inbound)
        for linkedid, connect in calls.connect.items():
            expected = desks[connect["MemberName"]]
            assert rows[linkedid] == (Disposition.ANSWERED, expected.user_id)
        assert journal.missed_calls() == 0
        assert_reconciled(daemon, since, 12)
        assert b"Database unavailable" in daemon.log.read_bytes()
    finally:
        daemon.stop()
