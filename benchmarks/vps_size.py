"""How big a VPS the line needs: Asterisk's CPU and memory with 5 and 30 calls
in progress, each answered by a consultant and recorded, as in production.

Runs on the test suite's real Asterisk and sipp (tests/integration):

    .venv/bin/pytest benchmarks/vps_size.py -s

Every caller (sipp, through the 0-800 trunk) talks for the whole measurement;
every consultant (a sipp smartphone app) answers from the queue and talks back.
With all calls up, Asterisk's CPU time is read from /proc over 30 seconds and
its resident memory at the end. Results: docs/deploy.uk.md («Виміри»).
"""

import os
import time

import pytest
from django.contrib.auth.models import Group, User

from hotline_asterisk_connector.models import ConsultantLine, Trunk
from hotline_crm.roles import Role
from tests.integration.conftest import CARRIERS
from tests.support import pcap
from tests.support.ami import event
from tests.support.sipp import Sipp

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]
SAMPLE_SECONDS = 30
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):  # noqa: SIM115
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def consultants(pbx, count: int) -> list[ConsultantLine]:
    group = Group.objects.get(name=Role.CONSULTANT.value)
    lines = []
    for number in range(count):
        user = User.objects.create_user(username=f"consultant{number}")
        user.groups.add(group)
        lines.append(pbx.add_consultant(user, str(200 + number)))
    return lines


@pytest.mark.parametrize("calls", [5, 30])
def test_resources_with_calls_in_progress(pbx, calls):
    carrier = CARRIERS["tollfree"]
    Trunk.objects.create(
        name="tollfree",
        operator=carrier.operator,
        number=carrier.number,
        host=carrier.address,
        port=pbx.carrier_ports["tollfree"],
        match=carrier.address,
        channel_limit=calls + 5,
    )
    lines = consultants(pbx, calls)
    pbx.settings(wrapup_seconds=0, max_wait_seconds=600, total_channel_limit=calls + 5)
    pbx.apply()
    pcap.long_talk(pbx.sipp.media, SAMPLE_SECONDS + 120)
    for index, line in enumerate(lines):
        pbx.sipp.phone(line.sip_endpoint, line.sip_password, f"127.0.2.{index + 1}")
        pbx.log_in(line)
    idle_cpu, idle_rss = cpu_seconds(pbx.asterisk.process.pid), rss_mib(pbx.asterisk.process.pid)
    callers: list[Sipp] = [
        pbx.call("tollfree", f"067{index:07d}", name=f"caller-{index}") for index in range(calls)
    ]
    pbx.ami.wait_for_all(
        event("AgentConnect"), calls, since=pbx.mark, timeout=300, what=f"{calls} answers"
    )
    pid = pbx.asterisk.process.pid
    start, begun = cpu_seconds(pid), time.monotonic()
    time.sleep(SAMPLE_SECONDS)  # a measurement window, not a wait for an event
    busy = (cpu_seconds(pid) - start) / (time.monotonic() - begun)
    with open("/proc/loadavg") as load:
        machine_load = load.read().split()[:3]
    print(
        f"\n{calls} calls: Asterisk CPU {busy * 100:.1f}% of one core "
        f"(idle before: {idle_cpu:.1f} s used since start), RSS {rss_mib(pid):.0f} MiB "
        f"(idle {idle_rss:.0f} MiB); machine load {' '.join(machine_load)}"
    )
    assert all(caller.process.poll() is None for caller in callers)
