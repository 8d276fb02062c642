"""No call lost: the daemon killed in the middle of a call and started again, and
Asterisk restarted under a running daemon. Afterwards the journal holds every
call, none twice, with the times Asterisk itself reported."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from hotline_asterisk_connector.models import Call, Disposition
from hotline_asterisk_connector.pbx.config import load_config
from tests.connector.running import (
    ConnectorThread,
    Daemon,
    forget_call_records,
    wait_for,
)
from tests.support.ami import event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def daemon(pbx, tmp_path):
    forget_call_records(pbx.asterisk)
    running = Daemon(pbx.asterisk, tmp_path / "connector.log")
    yield running
    if running.process is not None and running.process.poll() is None:
        running.terminate()


def when(message) -> datetime:
    return datetime.fromtimestamp(float(message["Timestamp"]), tz=UTC)


def answered_call(pbx, caller: str) -> tuple[dict, dict]:
    """Place a call from `caller` and wait until a consultant has it."""
    pbx.call("tollfree", caller)
    inbound = pbx.inbound(caller)
    connect = pbx.ami.wait_for(event("AgentConnect", Linkedid=inbound["Linkedid"]), since=pbx.mark)
    return inbound, connect


def hang_up(pbx, inbound: dict) -> dict:
    pbx.hang_up(inbound["Channel"])
    return pbx.ami.matching(event("Hangup", Channel=inbound["Channel"]), since=pbx.mark)[0]


def journaled(linkedid: str, what: str = "answered and ended") -> Call:
    return wait_for(
        lambda: Call.objects.filter(
            linkedid=linkedid, ended_at__isnull=False, talk_seconds__isnull=False
        ).first(),
        f"call {linkedid} {what}",
        timeout=60,
    )


def assert_answered_by(call: Call, consultant, connect: dict, hangup: dict) -> None:
    assert (call.disposition, call.consultant) == (Disposition.ANSWERED, consultant)
    assert abs(call.talk_seconds - (when(hangup) - when(connect)).total_seconds()) <= 1


def test_daemon_killed_in_the_middle_of_a_call_and_started_again(pbx, daemon, alice):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    pbx.phone(line)
    pbx.log_in(line)
    daemon.start()

    first, first_connect = answered_call(pbx, "0671000001")
    wait_for(
        lambda: Call.objects.filter(linkedid=first["Linkedid"], answered_at__isnull=False).exists(),
        "the daemon journaled the answer",
    )
    daemon.kill()
    # While it is down: the first call ends, a second one comes and goes, a third
    # one is answered and is still going when the daemon is back.
    first_hangup = hang_up(pbx, first)
    second, second_connect = answered_call(pbx, "0671000002")
    second_hangup = hang_up(pbx, second)
    pbx.asterisk.wait_until(lambda: pbx.asterisk.cdr(second["Linkedid"]), "the second call's CDR")
    third, third_connect = answered_call(pbx, "0671000003")

    daemon.start()
    third_hangup = hang_up(pbx, third)

    for inbound, connect, hangup in [
        (first, first_connect, first_hangup),
        (second, second_connect, second_hangup),
        (third, third_connect, third_hangup),
    ]:
        assert_answered_by(journaled(inbound["Linkedid"]), alice, connect, hangup)
    assert Call.objects.count() == 3
    assert sorted(Call.objects.values_list("caller_number", flat=True)) == [
        "+380671000001",
        "+380671000002",
        "+380671000003",
    ]
    assert daemon.terminate() == 0  # SIGTERM: a clean stop


def test_asterisk_restarted_under_a_running_daemon(pbx, alice):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    pbx.phone(line)
    pbx.log_in(line)
    forget_call_records(pbx.asterisk)
    connector = ConnectorThread(replace(pbx.asterisk.connector_ami, heartbeat_seconds=1)).start()
    try:
        before, before_connect = answered_call(pbx, "0671000001")
        before_hangup = hang_up(pbx, before)
        cut, _cut_connect = answered_call(pbx, "0671000002")

        pbx.asterisk.stop()  # the call in progress is cut
        pbx.asterisk.start(
            load_config().with_changes(
                ami_users=pbx.asterisk.config().ami_users, network=pbx.asterisk.network
            )
        )
        pbx.mark = pbx.ami.mark()
        wait_for(lambda: connector.connector.sessions >= 2, "the connector back", 60)
        pbx.asterisk.wait_until(
            lambda: pbx.sipp.device_state(line.sip_endpoint) == "Not in use", "the phone back"
        )
        after, after_connect = answered_call(pbx, "0671000003")
        after_hangup = hang_up(pbx, after)

        assert_answered_by(journaled(before["Linkedid"]), alice, before_connect, before_hangup)
        assert_answered_by(journaled(after["Linkedid"]), alice, after_connect, after_hangup)
        cut_call = wait_for(
            lambda: Call.objects.filter(linkedid=cut["Linkedid"], ended_at__isnull=False).first(),
            "the cut call closed",
        )
        assert (cut_call.disposition, cut_call.consultant) == (Disposition.ANSWERED, alice)
        assert Call.objects.count() == 3
    finally:
        connector.stop()
