"""Each AMI user of the application may do only what it is for, on the real Asterisk.

The users and their classes come from the production code (pbx/config.py);
the test logs in as each one and tries what an attacker holding its secret
would: rewrite or read the configuration, run CLI commands, load modules.
"""

import pytest

from hotline_admin import status
from hotline_asterisk_connector.pbx.config import (
    apply_ami_user,
    connector_ami_user,
    load_config,
    status_ami_user,
)
from tests.support.ami import Ami, event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]

# What an attacker tries first with a stolen AMI secret.
FORBIDDEN = {
    "UpdateConfig": {
        "SrcFilename": "extensions.conf",
        "DstFilename": "extensions.conf",
        "Action-000000": "Append",
        "Cat-000000": "hotline-inbound",
        "Var-000000": "exten",
        "Value-000000": "666,1,System(touch /tmp/owned)",
    },
    "GetConfig": {"Filename": "pjsip.conf"},
    "Command": {"Command": "core show version"},
    "ModuleLoad": {"Module": "app_queue.so", "LoadType": "reload"},
}
DENIED = "Permission denied"


def production_users() -> dict:
    """The users as settings name them (secrets derived from SECRET_KEY here)."""
    return {
        "connector": connector_ami_user(),
        "status": status_ami_user(),
        "apply": apply_ami_user(),
    }


def apply_with_production_users(pbx) -> None:
    """The database's configuration, plus the production users, applied to the test's Asterisk."""
    pbx.apply()
    pbx.asterisk.apply(
        load_config().with_changes(
            network=pbx.asterisk.network,
            ami_users=(*pbx.asterisk.config().ami_users, *production_users().values()),
        )
    )


@pytest.fixture
def users(pbx):
    apply_with_production_users(pbx)
    return production_users()


def log_in(pbx, user) -> Ami:
    # The rendered secret is escaped for the file; these have nothing to escape.
    return Ami(pbx.asterisk.bind, pbx.asterisk.network.ami_port, user.name, user.secret)


def refused(ami: Ami, action: str) -> bool:
    response = ami.action(action, **FORBIDDEN.get(action, {}))
    return response.get("Response") == "Error" and DENIED in response.get("Message", "")


@pytest.mark.parametrize("name", ["connector", "status"])
def test_connector_and_status_users_are_refused_every_configuration_and_cli_action(
    pbx, users, name
):
    ami = log_in(pbx, users[name])
    try:
        assert {action: refused(ami, action) for action in FORBIDDEN} == dict.fromkeys(
            FORBIDDEN, True
        )
        # Reloading is the apply user's alone.
        assert refused(ami, "Reload")
    finally:
        ami.close()
    assert "666," not in (pbx.asterisk.paths.etc / "extensions.conf").read_text()


def test_apply_user_reloads_but_runs_no_command_loads_no_module_and_places_no_call(pbx, users):
    ami = log_in(pbx, users["apply"])
    try:
        assert ami.action("Reload", Module="app_queue.so")["Response"] == "Success"
        assert refused(ami, "Command")
        assert refused(ami, "ModuleLoad")
        assert refused(ami, "Originate")
        assert refused(ami, "QueueAdd")
    finally:
        ami.close()


def test_status_user_places_no_call_and_pauses_nobody(pbx, users):
    ami = log_in(pbx, users["status"])
    try:
        assert refused(ami, "Originate")
        assert refused(ami, "QueuePause")
        assert refused(ami, "Hangup")
    finally:
        ami.close()


def test_status_page_reads_asterisk_through_the_read_only_user(pbx, alice):
    line = pbx.add_consultant(alice, "101")
    apply_with_production_users(pbx)
    pbx.phone(line)
    found = status.read_status(
        status.status_ami_config(), endpoints=(line.webrtc_endpoint, line.sip_endpoint)
    )
    assert found.error == ""
    assert found.version.startswith("22.")
    assert found.uptime_seconds is not None and found.uptime_seconds >= 0
    assert found.endpoint_states[line.sip_endpoint] == "Not in use"
    (device,) = found.devices_of(line.sip_endpoint)
    assert device.uri.startswith("sip:sip101@"), device
    assert device.status == "Reachable", device
    assert found.devices_of(line.webrtc_endpoint) == []


def test_the_connector_is_sent_only_the_events_it_applies(pbx, users, alice):
    """manager.conf's eventfilter: a call's Newexten, Newstate and other variables
    stay in Asterisk; what the journal needs arrives, the same as the test user sees."""
    line = pbx.add_consultant(alice, "101")
    pbx.add_trunks("tollfree")
    pbx.settings(wrapup_seconds=0)
    apply_with_production_users(pbx)
    pbx.phone(line)
    pbx.log_in(line)
    ami = log_in(pbx, users["connector"])
    try:
        pbx.call("tollfree", "0671000001")
        inbound = pbx.inbound("0671000001")
        pbx.ami.wait_for(event("AgentConnect", Linkedid=inbound["Linkedid"]), since=pbx.mark)
        pbx.hang_up(inbound["Channel"])
        ami.wait_for(event("Hangup", Channel=inbound["Channel"]), what="the caller's Hangup")
        names = {message.event for message in ami.events if message.event}
        assert {"UserEvent", "QueueCallerJoin", "AgentCalled", "AgentConnect", "Hangup"} <= names
        assert not names & {"Newexten", "Newstate", "Newchannel", "BridgeEnter", "RTCPSent"}
        variables = {m.get("Variable") for m in ami.events if m.event == "VarSet"}
        assert variables <= {"MIXMONITOR_FILENAME"}
    finally:
        ami.close()


def test_only_the_connector_reads_security_events_and_none_may_write_them(pbx, users):
    assert "security" in users["connector"].read.split(",")
    assert not any("security" in user.write.split(",") for user in users.values())
    connector, status_user = log_in(pbx, users["connector"]), log_in(pbx, users["status"])
    try:
        refused = pbx.sipp.refused_call("stranger", "127.0.0.79", "nobody", "0501234567")
        assert refused.returncode == 0, refused.errors()[-1500:]
        connector.wait_for(
            lambda e: (
                e.event == "InvalidAccountID" and "/127.0.0.79/" in e.get("RemoteAddress", "")
            ),
            what="the failed attempt, as the connector sees it",
        )
        assert not [e for e in status_user.events if e.event == "InvalidAccountID"]
    finally:
        connector.close()
        status_user.close()
