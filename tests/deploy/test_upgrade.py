"""Running deploy/install.sh again upgrades the installed VPS under a call in
progress, and the call goes on (decision 0028).

The consultant at home (test_internet's simulated internet) has answered a
carrier's call in her browser when a new version arrives: a copy of the
source with a new migration, a new static file and a changed Caddyfile
template, as `git pull` would leave it. Its install.sh runs with a stand-in
`systemctl` that writes down what it is asked; the test then does to the
services what systemd would (they run from the installed units, as in the
other deploy tests). The installer restarts the web app and the connector at
once and waits for the call to end before Caddy (the browser phone's SIP
WebSocket) is reloaded.
"""

import contextlib
import datetime
import json
import os
import re
import signal
import subprocess
import threading
import time
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.deploy import test_internet, vps
from tests.deploy.test_install import asterisk_cli
from tests.deploy.test_internet import (
    CONSULTANT,
    carrier_rtp_received,
    consultant_browser,
    manage,
    ring_and_answer,
    sign_in,
    wait_for_media,
)

pytestmark = [pytest.mark.asterisk, pytest.mark.browser]

# The consultant's home and its simulated internet, as in test_internet.
internet = test_internet.internet
trusted_home = test_internet.trusted_home

NEXT = "/root/hotline-next"
SYSTEMCTL = "usr/local/sbin/systemctl"
SYSTEMCTL_LOG = "root/systemctl.log"
# Before /usr/bin in the installer's PATH; no systemd runs in the test's root.
STAND_IN = """#!/bin/sh
# The upgrade test's systemd: writes down what it is asked.
echo "$*" >>/root/systemctl.log
"""
TOKEN = f"upgrade-{os.getpid()}"
WAITING = "Чекаю завершення дзвінків"
ARTEFACTS = vps.ROOT / "test-artifacts" / "upgrade"
# What the test plays as systemd: the units it runs, restarted when asked.
RESTARTED_HERE = {
    "hotline-web": "/etc/systemd/system/hotline-web.service",
    "hotline-connector": "/etc/systemd/system/hotline-connector.service",
}

# Counts the desk websocket's closings (desk.js sets body[data-events]).
WATCH_DESK_SOCKET = """
() => {
  window.deskSocketClosed = 0;
  new MutationObserver(() => {
    if (document.body.dataset.events === "closed") window.deskSocketClosed += 1;
  }).observe(document.body, { attributes: true, attributeFilter: ["data-events"] });
}
"""

ACCOUNTS = """
import json
from django.contrib.auth.models import User
from hotline_asterisk_connector.models import Trunk
print(json.dumps({
    "users": sorted(User.objects.values_list("username", "password")),
    "trunks": sorted(Trunk.objects.values_list("name", "host")),
}))
"""

JOURNAL = """
import json
from django.utils.dateparse import parse_datetime
from hotline_asterisk_connector.models import Call
calls = Call.objects.filter(started_at__gte=parse_datetime({since!r}))
print(json.dumps([
    [c.caller_number, c.disposition, c.consultant.username if c.consultant else None,
     c.talk_seconds]
    for c in calls
]))
"""


def shell_json(machine, code: str):
    """What a `manage.py shell -c` snippet printed as JSON on its last line (Django
    may print a line of its own first)."""
    result = manage(machine, "shell", "-c", code)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def prepare_next_version(machine) -> str:
    """The new version beside the installed one: the source, plus a migration, a
    static file and a changed Caddyfile template. Returns the migration's name."""
    machine.run(
        [
            *("rsync", "-a", "--exclude", ".git", "--exclude", ".venv*", "--exclude", "var"),
            *("--exclude", "node_modules", "--exclude", "test-artifacts"),
            *("--exclude", "__pycache__", f"{vps.SOURCE}/", f"{NEXT}/"),
        ]
    )
    source = machine.view / NEXT.lstrip("/")
    migrations = source / "hotline_audit" / "migrations"
    latest = sorted(migrations.glob("[0-9][0-9][0-9][0-9]_*.py"))[-1].stem
    name = f"{int(latest[:4]) + 1:04d}_upgrade_probe"
    (migrations / f"{name}.py").write_text(
        "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [('hotline_audit', {latest!r})]\n"
        "    operations = [migrations.RunSQL('create table hotline_upgrade_probe (id integer)',\n"
        "                                    'drop table hotline_upgrade_probe')]\n"
    )
    (source / "hotline" / "static" / "upgrade-probe.txt").write_text(TOKEN + "\n")
    caddyfile = source / "deploy" / "templates" / "Caddyfile"
    caddyfile.write_text(caddyfile.read_text() + f"# {TOKEN}\n")
    return name


class Installer:
    """install.sh of the new version, running; its output read as it comes."""

    def __init__(self, machine) -> None:
        environment = [item for item in vps.ENVIRONMENT if item != "HOTLINE_INSTALL_NO_START=1"]
        self.lines: list[str] = []
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            machine.command([*environment, f"{NEXT}/deploy/install.sh"]),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def finish(self, timeout: float) -> float:
        assert self.process.wait(timeout=timeout) == 0, self.output[-4000:]
        self._reader.join(timeout=10)
        return time.monotonic() - self.started


class CarrierCounter:
    """The carrier's received-RTP counter, sampled twice a second in a thread."""

    def __init__(self, net) -> None:
        self.net = net
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), carrier_rtp_received(self.net)))
            self._stop.wait(0.5)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def longest_silence(self) -> float:
        """The longest time the counter stood still, in seconds."""
        longest, since, last = 0.0, self.samples[0][0], self.samples[0][1]
        for at, count in self.samples[1:]:
            if count > last:
                since, last = at, count
            longest = max(longest, at - since)
        return longest

    def rate(self) -> float:
        (first_at, first), (last_at, last) = self.samples[0], self.samples[-1]
        return (last - first) / (last_at - first_at)


def asked(machine) -> list[list[str]]:
    """What the installer asked systemctl, one command a line, options dropped."""
    log = machine.view / SYSTEMCTL_LOG
    lines = log.read_text().splitlines() if log.is_file() else []
    return [[word for word in line.split() if not word.startswith("-")] for line in lines]


def restarts(commands: list[list[str]]) -> list[str]:
    return [
        unit.removesuffix(".service")
        for verb, *units in commands
        if verb in {"restart", "reload-or-restart", "try-restart", "reload"}
        for unit in units
    ]


def restart_as_systemd(machine, services, unit: str) -> None:
    """Stop the unit's process (SIGTERM, as systemd) and start it again from its unit."""
    if unit == "hotline-firewall":
        firewall = vps.start_unit(
            machine, "/etc/systemd/system/hotline-firewall.service", ARTEFACTS
        )
        assert firewall.wait(timeout=30) == 0
        return
    process = services.processes[unit]
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    services.processes[unit] = vps.start_unit(machine, RESTARTED_HERE[unit], ARTEFACTS)


def site_answers(machine) -> bool:
    status = vps.curl(
        machine, "-o", "/dev/null", "-w", "%{http_code}", f"https://{vps.DOMAIN}/login/"
    )
    return status.stdout == "200"


@pytest.fixture(scope="module")
def upgrade(machine, services, installed, internet, trusted_home, tmp_path_factory):
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    accounts_before = shell_json(machine, ACCOUNTS)
    migration = prepare_next_version(machine)
    stand_in = machine.view / SYSTEMCTL
    stand_in.write_text(STAND_IN)
    stand_in.chmod(0o755)
    since = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    profile = tmp_path_factory.mktemp("upgrade-profile")
    caller = None
    try:
        with consultant_browser(internet, trusted_home, ARTEFACTS, profile) as desk:
            sign_in(desk)
            caller = ring_and_answer(internet, desk, ARTEFACTS)
            answered = time.monotonic()
            wait_for_media(internet, desk, ARTEFACTS)
            desk.evaluate(WATCH_DESK_SOCKET)
            counter = CarrierCounter(internet)
            media_before = desk.evaluate("() => window.hotlineDesk.phone.mediaStats()")

            installer = Installer(machine)
            vps.wait_for(lambda: WAITING in installer.output, "the installer to wait", 1200)
            until_the_wait = time.monotonic() - installer.started
            before_the_wait = restarts(asked(machine))
            for unit in before_the_wait:
                if unit == "hotline-firewall" or unit in RESTARTED_HERE:
                    restart_as_systemd(machine, services, unit)
            vps.wait_for(lambda: site_answers(machine), "the new web app", 240)
            vps.wait_for(
                lambda: (
                    desk.evaluate("() => window.deskSocketClosed") > 0
                    and desk.get_attribute("body", "data-events") == "open"
                ),
                "the desk to reconnect",
            )
            # The call goes on: a while of talk after the restarts, then the hang-up.
            time.sleep(5)
            tab_talking = desk.locator(".call-tab.talking").count()
            phone = desk.get_attribute("body", "data-phone")
            media_after = desk.evaluate("() => window.hotlineDesk.phone.mediaStats()")
            counter.stop()
            asked_before_hangup = len(asked(machine))
            desk.click("#hangup")
            hung_up = time.monotonic()
            assert caller.wait(timeout=60) == 0, "sipp did not get the hang-up"
            seconds = installer.finish(timeout=300)
            desk.select_option("#availability", "logged_out")
            expect(desk.locator("#queue-state")).to_have_attribute(
                "data-state", "logged_out", timeout=30_000
            )
    finally:
        if caller is not None and caller.poll() is None:
            caller.kill()
            caller.wait()
        asterisk_cli(machine, "channel request hangup all")
        stand_in.unlink(missing_ok=True)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    (ARTEFACTS / "timing.txt").write_text(
        f"install {installed.seconds:.0f} s; upgrade under a call {until_the_wait:.0f} s"
        f" to the wait for its end, {seconds:.0f} s in all; {uptime}\n"
    )
    (ARTEFACTS / "install-output.txt").write_text(installer.output)
    print("\n" + (ARTEFACTS / "timing.txt").read_text())
    return SimpleNamespace(
        output=installer.output,
        migration=migration,
        since=since,
        talk=hung_up - answered,
        counter=counter,
        media=(media_before, media_after),
        tab_talking=tab_talking,
        phone=phone,
        before_the_wait=before_the_wait,
        after_the_hangup=restarts(asked(machine)[asked_before_hangup:]),
        accounts=(accounts_before, shell_json(machine, ACCOUNTS)),
    )


def test_the_call_kept_its_audio_through_the_upgrade(upgrade):
    # Asterisk sends the carrier 50 packets a second (20 ms each); none stopped.
    assert upgrade.counter.longest_silence() < 2, upgrade.counter.samples
    assert upgrade.counter.rate() > 40, upgrade.counter.samples
    before, after = upgrade.media
    assert after["packetsReceived"] - before["packetsReceived"] > 100
    assert after["packetsSent"] - before["packetsSent"] > 100
    assert upgrade.phone == "talking"


def test_the_desk_reconnected_and_shows_the_call(upgrade):
    assert upgrade.tab_talking == 1


def test_caddy_is_reloaded_only_once_the_call_ended(upgrade):
    before = upgrade.before_the_wait
    assert {"hotline-firewall", "hotline-web", "hotline-connector"} <= set(before), before
    # What carries a browser's call is left alone while it is up.
    assert not {"caddy", "coturn", "hotline-asterisk"} & set(before), before
    # HAProxy (443) reloads after Caddy: its old workers keep their connections.
    assert upgrade.after_the_hangup == ["caddy", "hotline-tls-split"]


def test_the_call_is_journalled_once_as_answered_by_the_consultant(machine, upgrade):
    since = upgrade.since.isoformat()
    calls = shell_json(machine, JOURNAL.format(since=since))
    assert len(calls) == 1, calls
    number, disposition, consultant, talk = calls[0]
    assert (number, disposition, consultant) == ("+380671234567", "answered", CONSULTANT)
    # From the desk's «answer» to its «hang up», give or take the signalling.
    assert abs(talk - upgrade.talk) <= 3, (talk, upgrade.talk)
    reconciled = manage(machine, "reconcile_journal", "--since", since)
    assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr
    assert "Calls checked: 1; differences: 0" in reconciled.stdout


def test_the_migration_applied_and_the_data_kept(machine, upgrade):
    applied = machine.run(
        [
            *("runuser", "-u", "postgres", "--", "psql", "-d", "hotline", "-Atc"),
            "select name from django_migrations where app = 'hotline_audit';"
            " select to_regclass('hotline_upgrade_probe');",
        ],
        capture_output=True,
        text=True,
    ).stdout.split()
    assert upgrade.migration in applied and "hotline_upgrade_probe" in applied, applied
    before, after = upgrade.accounts
    assert before["users"] and before == after


def test_caddy_serves_the_new_static_file(machine, upgrade):
    served = vps.curl(machine, f"https://{vps.DOMAIN}/static/upgrade-probe.txt")
    assert served.stdout.strip() == TOKEN, served.stdout[:500] + served.stderr


def test_the_installer_sums_the_upgrade_up_in_ukrainian(upgrade):
    assert "Оновлення завершено" in upgrade.output
    assert f"Нові міграції бази даних: 1 (hotline_audit.{upgrade.migration})" in upgrade.output
    assert re.search(r"Перезапущено: веб-застосунок конектор Caddy\n", upgrade.output)
    assert WAITING in upgrade.output
    assert "пароль:" not in upgrade.output
