"""The configuration rendered from the database: Asterisk loads it cleanly, trunks
register, and a change applied live leaves calls in progress alone."""

import datetime
import re
from dataclasses import replace

import pytest

from hotline_asterisk_connector.models import ScheduleException, WorkingHours
from hotline_asterisk_connector.pbx import apply_configuration, load_config
from tests.integration.conftest import CARRIERS
from tests.support.ami import event
from tests.support.asterisk import AsteriskInstance

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]

PROBLEM = re.compile(r"^\[[^\]]+\] (WARNING|ERROR)\[", re.MULTILINE)


def a_full_line(pbx, alice, bob) -> None:
    """Every kind of object the templates render: what a real installation has."""
    pbx.add_trunks("tollfree", "vodafone", "lifecell")
    pbx.add_trunks("kyivstar", username="0671110011", password="kyiv;star#1", register=True)
    pbx.add_consultant(alice, "101")
    pbx.add_consultant(bob, "102", mobile_number="+380677654321", forward_to_mobile=True)
    pbx.settings(
        queue_strategy="rrmemory", max_wait_seconds=90, announce_position=False, always_open=False
    )
    for weekday in range(5):
        WorkingHours.objects.create(
            weekday=weekday, opens_at=datetime.time(9, 0), closes_at=datetime.time(18, 0)
        )
    WorkingHours.objects.create(
        weekday=6, opens_at=datetime.time(22, 0), closes_at=datetime.time(2, 0)
    )
    ScheduleException.objects.create(date=datetime.date(2031, 8, 24), name="День Незалежності")
    ScheduleException.objects.create(
        date=datetime.date(2031, 12, 31),
        is_closed=False,
        opens_at=datetime.time(9, 0),
        closes_at=datetime.time(14, 0),
    )


def test_the_rendered_configuration_loads_without_errors_or_warnings(pbx, alice, bob, tmp_path):
    a_full_line(pbx, alice, bob)
    # A fresh Asterisk started on it, as after an installation or a restart; its
    # trunks do not register, as the carrier's registrar is the live instance's.
    fresh = AsteriskInstance(tmp_path / "fresh")
    config = load_config()
    config = config.with_changes(
        paths=fresh.paths,
        network=fresh.network,
        ami_users=fresh.config().ami_users,
        trunks=tuple(replace(trunk, register=False) for trunk in config.trunks),
    )
    fresh.start(config)
    try:
        assert not PROBLEM.findall(fresh.startup_log), fresh.startup_log
        endpoints = fresh.cli("pjsip show endpoints")
        for name in (
            "trunk-tollfree",
            "trunk-kyivstar",
            "trunk-vodafone",
            "trunk-lifecell",
            "web101",
            "sip101",
            "web102",
            "sip102",
        ):
            assert f" {name}" in endpoints
        assert "'rrmemory' strategy" in fresh.cli("queue show hotline")
        hours = fresh.cli("dialplan show s@hotline-hours")
        assert "GotoIfTime(09:00-17:59,mon,*,*,Europe/Kyiv?open)" in hours
        assert "GotoIfTime(22:00-23:59,sun,*,*,Europe/Kyiv?open)" in hours
        assert "GotoIfTime(00:00-01:59,mon,*,*,Europe/Kyiv?open)" in hours
        globals_ = fresh.cli("dialplan show globals")
        assert "HOTLINE_DAY_20310824=closed" in globals_
        assert "HOTLINE_DAY_20311231=09:00-13:59" in globals_
        assert "TRUNK_FOR_097=kyivstar" in globals_
        assert "TRUNK_FOR_066=vodafone" in globals_
        assert "TRUNK_FOR_093=lifecell" in globals_
        assert "MOBILE_102=0677654321" in globals_
        assert "TRUNK_tollfree_OUTBOUND=0" in globals_
        assert fresh.cli("core show hints").count("@hotline-hints") == 2
    finally:
        fresh.stop()

    # The same configuration applied to the running Asterisk: the trunk registers
    # with the carrier (the password with ; and # in it survives), nothing complains.
    registrar = pbx.sipp.registrar(
        "registrar", CARRIERS["kyivstar"].address, pbx.carrier_ports["kyivstar"]
    )
    mark = pbx.asterisk.log_mark()
    pbx.apply()
    registered = pbx.ami.wait_for(
        lambda e: e.event == "Registry" and e.get("Status") == "Registered",
        since=pbx.mark,
        what="the Kyivstar trunk registered",
    )
    assert "0671110011@127.0.0.12" in registered["Username"]
    assert registrar.wait(timeout=30) == 0, registrar.errors()
    assert 'Digest username="0671110011"' in registrar.messages()
    assert not PROBLEM.findall(pbx.asterisk.log_since(mark)), pbx.asterisk.log_since(mark)
    assert not PROBLEM.findall(pbx.asterisk.startup_log), pbx.asterisk.startup_log


def test_applying_a_change_keeps_the_call_in_progress(pbx, alice, bob):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    pbx.phone(line)
    pbx.log_in(line)
    pbx.call("tollfree", "0671234567")
    connect = pbx.ami.wait_for(event("AgentConnect"), since=pbx.mark)

    # The administrator changes the queue and adds a consultant, as the settings pages do.
    pbx.settings(queue_strategy="ringall", wrapup_seconds=15)
    pbx.add_consultant(bob, "102")
    mark = pbx.ami.mark()
    outcome = apply_configuration(
        load_config().with_changes(ami_users=pbx.asterisk.config().ami_users)
    )
    assert outcome.accepted, outcome.message
    assert set(outcome.changed) == {"extensions.conf", "pjsip.conf", "queues.conf"}
    assert not outcome.needs_restart

    assert "'ringall' strategy" in pbx.asterisk.cli("queue show hotline")
    assert " web102" in pbx.asterisk.cli("pjsip show endpoints")
    # Caller and consultant still talk (the Local channel between them was gone before).
    talking = [c["Channel"] for c in pbx.channels() if c["Linkedid"] == connect["Linkedid"]]
    assert connect["Channel"] in talking
    assert any(channel.startswith("PJSIP/sip101-") for channel in talking)
    assert not pbx.ami.matching(
        lambda e: e.event == "Hangup" and e.get("Channel") in talking, since=mark
    )


def test_nothing_to_apply_when_nothing_changed(pbx, alice):
    pbx.add_trunks()
    pbx.add_consultant(alice, "101")
    pbx.apply()
    outcome = apply_configuration(
        load_config().with_changes(ami_users=pbx.asterisk.config().ami_users)
    )
    assert outcome.accepted
    assert outcome.changed == ()
