"""Fixtures for tests against the real Asterisk with real SIP traffic from sipp.

    asterisk   (session) one running Asterisk on free loopback ports
    pbx        (test)    the hotline's lines and consultants in the database,
                         the configuration rendered from them and applied,
                         sipp carriers, callers and phones, helpers to wait
                         for what Asterisk reports
    connector  (test)    the connector daemon on a thread, started by the test
                         once its hotline is configured
    alice, bob           the consultants, with the role groups made again first
    admin      (test)    the administrator's browser (Django test client): pages
                         it saves are applied to this test's Asterisk

Carriers sit on their own loopback addresses, so Asterisk tells the four
trunks apart by address as it would tell real carriers apart.
"""

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client as Browser

from hotline_asterisk_connector.models import ConsultantLine, Operator, PbxSettings, Trunk
from hotline_asterisk_connector.pbx import apply as pbx_apply
from hotline_asterisk_connector.pbx.config import load_config, status_ami_user
from hotline_asterisk_connector.pbx.prompts import PROMPTS
from hotline_crm.roles import Role
from tests.connector.running import ConnectorThread, forget_call_records
from tests.support.ami import Ami, event, user_event
from tests.support.asterisk import ARTEFACTS, AsteriskInstance, free_port
from tests.support.sipp import Sipp, SippPark, press


@dataclass(frozen=True)
class Carrier:
    name: str
    operator: str
    number: str  # as the administrator typed it
    e164: str  # as the CRM stores it, and Asterisk reports it
    national: str  # what the carrier is sent as our caller ID
    address: str  # the carrier's own loopback address


CARRIERS = {
    carrier.name: carrier
    for carrier in (
        Carrier(
            "tollfree",
            Operator.TOLL_FREE,
            "0 800 500 123",
            "+380800500123",
            "0800500123",
            "127.0.0.11",
        ),
        Carrier(
            "kyivstar",
            Operator.KYIVSTAR,
            "067 111 00 11",
            "+380671110011",
            "0671110011",
            "127.0.0.12",
        ),
        Carrier(
            "vodafone",
            Operator.VODAFONE,
            "050 111 00 22",
            "+380501110022",
            "0501110022",
            "127.0.0.13",
        ),
        Carrier(
            "lifecell",
            Operator.LIFECELL,
            "063 111 00 33",
            "+380631110033",
            "0631110033",
            "127.0.0.14",
        ),
    )
}
PHONE_ADDRESSES = {"101": "127.0.0.21", "102": "127.0.0.22"}
CALLER_ADDRESS = "127.0.0.11"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def asterisk(tmp_path_factory) -> Iterator[AsteriskInstance]:
    instance = AsteriskInstance(tmp_path_factory.mktemp("asterisk"))
    instance.start()
    yield instance
    instance.stop()


@pytest.fixture(scope="session")
def carrier_ports() -> dict[str, int]:
    """Each carrier listens on one port for the whole session, so that every test
    renders the same trunks and a reload has nothing to change."""
    return {name: free_port(c.address, both=True) for name, c in CARRIERS.items()}


@pytest.fixture(scope="session")
def short_prompts(asterisk) -> Path:
    """Half-second tones in place of every prompt, as an administrator's own
    recordings would replace them: call flows run in seconds instead of the
    minutes the spoken prompts take. One test keeps the spoken defaults."""
    directory = asterisk.base_dir / "short-prompts"
    directory.mkdir(exist_ok=True)
    for kind in PROMPTS:
        target = str(directory / f"{kind.name}.wav")
        tone = ["synth", "0.5", "sine", "440", "vol", "0.3"]
        subprocess.run(
            ["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", target, *tone], check=True
        )
    return directory


class Pbx:
    """One test's hotline: database rows → rendered configuration → running Asterisk."""

    def __init__(
        self,
        asterisk: AsteriskInstance,
        sipp: SippPark,
        short_prompts: Path,
        carrier_ports: dict[str, int],
    ) -> None:
        self.asterisk = asterisk
        self.carrier_ports = carrier_ports
        self.sipp = sipp
        self.short_prompts = short_prompts
        self.mark = asterisk.ami.mark()

    @property
    def ami(self) -> Ami:
        return self.asterisk.ami

    # The line, as an administrator would set it up

    def add_trunks(self, *names: str, **fields) -> list[Trunk]:
        trunks = []
        for order, name in enumerate(names or CARRIERS):
            carrier = CARRIERS[name]
            trunks.append(
                Trunk.objects.create(
                    name=name,
                    operator=carrier.operator,
                    number=carrier.number,
                    host=carrier.address,
                    port=self.carrier_ports[name],
                    match=carrier.address,
                    channel_limit=10,
                    order=order,
                    **fields,
                )
            )
        return trunks

    def add_consultant(self, user: User, extension: str, **fields) -> ConsultantLine:
        return ConsultantLine.objects.create(
            user=user,
            extension=extension,
            webrtc_password=f"web-{extension}-secret",
            sip_password=f"sip-{extension}-secret",
            **fields,
        )

    def settings(self, **fields) -> PbxSettings:
        pbx = PbxSettings.load()
        for name, value in fields.items():
            setattr(pbx, name, value)
        pbx.save()
        return pbx

    def apply(self, spoken_prompts: bool = False) -> tuple[str, ...]:
        """Render from the database and reload Asterisk, as the settings pages do."""
        self._use_prompts(spoken_prompts)
        config = load_config().with_changes(
            ami_users=self.asterisk.config().ami_users, network=self.asterisk.network
        )
        return self.asterisk.apply(config)

    def _use_prompts(self, spoken: bool) -> None:
        custom = self.asterisk.paths.custom_prompts
        for path in custom.glob("*.wav"):
            path.unlink()
        if not spoken:
            for path in self.short_prompts.glob("*.wav"):
                shutil.copy2(path, custom / path.name)

    # Consultants

    def phone(self, line: ConsultantLine) -> Sipp:
        """The consultant's smartphone app, registered and answering."""
        return self.sipp.phone(
            line.sip_endpoint, line.sip_password, PHONE_ADDRESSES[line.extension]
        )

    def log_in(self, line: ConsultantLine) -> None:
        """The consultant joins the queue (what the CRM's log-in does through AMI)."""
        fields = {
            "Queue": "hotline",
            "Interface": f"Local/{line.extension}@hotline-consultant",
            "MemberName": line.user.get_username(),
            "Penalty": str(line.penalty),
            # The devices' combined state, the mobile's included (free while no
            # call to it is up).
            "StateInterface": f"hint:{line.extension}@hotline-hints",
        }
        response = self.ami.action("QueueAdd", **fields)
        assert response.get("Response") == "Success", response

    def dial_to(self, trunk: str, since: int):
        """The first call Asterisk places through `trunk` after `since`."""
        return self.ami.wait_for(
            lambda e: (
                e.event == "DialBegin"
                and e.get("DestChannel", "").startswith(f"PJSIP/trunk-{trunk}-")
            ),
            since=since,
            what=f"a call out through {trunk}",
        )

    def log_out(self, line: ConsultantLine) -> None:
        self.ami.action(
            "QueueRemove", Queue="hotline", Interface=f"Local/{line.extension}@hotline-consultant"
        )

    # Callers

    def call(self, carrier: str, caller: str, busy: bool = False, name: str = "") -> Sipp:
        """A caller dialling our number at `carrier` from `caller`."""
        c = CARRIERS[carrier]
        return self.sipp.call(name or f"caller-{caller}", c.address, c.national, caller, busy=busy)

    def inbound(self, caller: str, since: int | None = None, timeout: float = 30.0):
        """Asterisk's HotlineInbound event for the call from `caller`."""
        return self.ami.wait_for(
            user_event("HotlineInbound", CallerIDNum=caller),
            since=self.mark if since is None else since,
            timeout=timeout,
            what=f"HotlineInbound from {caller}",
        )

    def wait_app(self, channel: str, application: str, data_part: str = "", since: int = 0):
        """Wait until `channel` starts running `application` (with `data_part` in its data)."""
        return self.ami.wait_for(
            lambda e: (
                e.event == "Newexten"
                and e.get("Channel") == channel
                and e.get("Application") == application
                and data_part in e.get("AppData", "")
            ),
            since=since,
            what=f"{channel} in {application}({data_part})",
        )

    def press(self, channel: str, keys: str) -> None:
        press(self.ami, channel, keys)

    def hang_up(self, channel: str) -> None:
        mark = self.ami.mark()
        self.ami.action("Hangup", Channel=channel, Cause="16")
        self.ami.wait_for(event("Hangup", Channel=channel), since=mark, what=f"{channel} hung up")

    def channels(self) -> list:
        return self.ami.action_list("CoreShowChannels")


@pytest.fixture
def pbx(asterisk, short_prompts, carrier_ports, settings, request, tmp_path) -> Iterator[Pbx]:
    asterisk.reset()
    for name, value in asterisk.settings_overrides().items():
        setattr(settings, name, value)
    park = SippPark(asterisk, tmp_path / "sipp")
    hotline = Pbx(asterisk, park, short_prompts, carrier_ports)
    try:
        yield hotline
    finally:
        try:
            # Calls end while their sipps still answer the BYE. A carrier's sipp
            # keeps its port for the whole session (carrier_ports): a BYE sent
            # after it stopped would be retransmitted to the next test's sipp
            # on that port (a registrar, which fails on it).
            asterisk.reset()
        finally:
            park.stop_all()
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            target = asterisk.collect_artefacts(request.node.name)
            shutil.copytree(tmp_path / "sipp", target / "sipp", dirs_exist_ok=True)
            events = "\n\n".join(
                "\n".join(f"{k}: {v}" for k, v in e.items())
                for e in asterisk.ami.events[hotline.mark :]
            )
            (target / "ami-events.txt").write_text(events)


@pytest.fixture
def role_groups(db) -> None:
    """A transactional test may follow another one's flush, which empties the role
    groups the data migration made: make them again. `db` is transactional where
    the module says so, so the pbx modules' tests stay in a rolled-back transaction."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@pytest.fixture
def alice(role_groups, alice):
    return alice


@pytest.fixture
def bob(role_groups, bob):
    return bob


@pytest.fixture
def connector(pbx) -> Iterator[ConnectorThread]:
    """The daemon as production runs it, with the connector's own AMI user, on a
    thread; the test starts it once the hotline is configured. Asterisk's records
    of earlier tests' calls are forgotten, so that recovery does not journal them."""
    forget_call_records(pbx.asterisk)
    running = ConnectorThread(replace(pbx.asterisk.connector_ami, heartbeat_seconds=5))
    yield running
    running.stop()


@pytest.fixture
def admin(role_groups, dave, pbx, monkeypatch) -> Browser:
    """The administrator's browser; saving a page applies it to the test's Asterisk."""
    observers = pbx.asterisk.config().ami_users
    monkeypatch.setattr(
        pbx_apply,
        "load_config",
        lambda: load_config().with_changes(ami_users=(*observers, status_ami_user())),
    )
    browser = Browser()
    browser.force_login(dave)
    return browser


__all__ = ["ARTEFACTS", "CALLER_ADDRESS", "CARRIERS", "Pbx"]
