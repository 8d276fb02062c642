"""Outgoing calls: through a chosen number or the callee's operator, recorded, our number shown."""

import re
from pathlib import Path

import pytest

from tests.integration.conftest import CARRIERS
from tests.support.ami import event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]


def originate(pbx, extension: str, number: str, trunk: str = "") -> None:
    """What the CRM's click-to-call does: ring the consultant, then dial the number."""
    variables = [f"HOTLINE_CONSULTANT={extension}", *([f"HOTLINE_TRUNK={trunk}"] if trunk else [])]
    response = pbx.ami.action(
        "Originate",
        Channel=f"Local/{extension}@hotline-consultant/n",
        Context="hotline-outbound",
        Exten=number,
        Priority="1",
        CallerID=f'"{number}" <{extension}>',
        Timeout="30000",
        Async="true",
        Variable=variables,
    )
    assert response.get("Response") == "Success", response


def received_invite(pbx, carrier) -> str:
    """The first INVITE the carrier received, from its own message log."""
    return pbx.asterisk.wait_until(carrier.first_invite, "the carrier got the call")


@pytest.fixture
def consultant_online(pbx, alice):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.apply()
    pbx.phone(line)
    return pbx


@pytest.mark.parametrize("trunk", ["kyivstar", "vodafone", "lifecell"])
def test_outbound_through_each_ordinary_number_presents_that_number(consultant_online, trunk):
    pbx = consultant_online
    pbx.settings(record_outbound=True)
    pbx.apply()
    ours = CARRIERS[trunk]
    carrier = pbx.sipp.answering(trunk, ours.address, pbx.carrier_ports[trunk])

    # A landline callee, so that only the choice decides the trunk.
    originate(pbx, "101", "380442223344", trunk=trunk)
    begin = pbx.ami.wait_for(
        lambda e: (
            e.event == "DialBegin" and e.get("DestChannel", "").startswith(f"PJSIP/trunk-{trunk}-")
        ),
        since=pbx.mark,
        what=f"the call out through {trunk}",
    )
    answered = pbx.ami.wait_for(
        event("DialEnd", DestChannel=begin["DestChannel"], DialStatus="ANSWER"), since=pbx.mark
    )
    invite = received_invite(pbx, carrier)
    assert invite.startswith("0442223344@")
    assert re.search(rf"^From: <sip:{ours.national}@", invite, re.MULTILINE)
    assert re.search(rf"^P-Asserted-Identity: <sip:{ours.national}@", invite, re.MULTILINE)

    # With outgoing recording on, recorded like an incoming call, under the call's linkedid.
    recording = pbx.ami.wait_for(
        lambda e: (
            e.event == "VarSet"
            and e.get("Variable") == "MIXMONITOR_FILENAME"
            and e.get("Linkedid") == answered["Linkedid"]
        ),
        since=pbx.mark,
    )
    path = Path(recording["Value"])
    pbx.asterisk.wait_until(lambda: path.exists() and path.stat().st_size > 44 + 16000, "audio")
    pbx.hang_up(begin["DestChannel"])
    rows = pbx.asterisk.wait_until(
        lambda: [r for r in pbx.asterisk.cdr(answered["Linkedid"]) if trunk in r["dstchannel"]],
        "the outgoing leg's CDR",
    )
    assert rows[0]["src"] == ours.national
    assert rows[0]["did"] == ours.e164
    assert rows[0]["disposition"] == "ANSWERED"


@pytest.mark.parametrize(
    ("callee", "trunk"),
    [("380951234567", "vodafone"), ("380731234567", "lifecell"), ("380981234567", "kyivstar")],
)
def test_without_a_choice_the_call_goes_out_through_the_callees_operator(
    consultant_online, callee, trunk
):
    pbx = consultant_online
    ours = CARRIERS[trunk]
    carrier = pbx.sipp.answering(trunk, ours.address, pbx.carrier_ports[trunk])

    originate(pbx, "101", callee)
    begin = pbx.ami.wait_for(
        lambda e: e.event == "DialBegin" and e.get("DestChannel", "").startswith("PJSIP/trunk-"),
        since=pbx.mark,
    )
    assert begin["DestChannel"].startswith(f"PJSIP/trunk-{trunk}-")
    pbx.ami.wait_for(event("DialEnd", DestChannel=begin["DestChannel"]), since=pbx.mark)
    assert re.search(rf"^From: <sip:{ours.national}@", received_invite(pbx, carrier), re.MULTILINE)


def test_a_consultant_can_call_out_while_callers_wait_in_the_queue(pbx, alice, bob):
    pbx.add_trunks()
    busy = pbx.add_consultant(bob, "102")
    free = pbx.add_consultant(alice, "101")
    pbx.settings(max_wait_seconds=300)
    pbx.apply()
    pbx.phone(busy)
    pbx.log_in(busy)
    pbx.phone(free)
    pbx.call("tollfree", "0671000001")
    pbx.ami.wait_for(event("AgentConnect"), since=pbx.mark)
    pbx.call("tollfree", "0671000002")
    waiting = pbx.inbound("0671000002")["Linkedid"]
    pbx.ami.wait_for(event("QueueCallerJoin", Linkedid=waiting), since=pbx.mark)

    kyivstar = CARRIERS["kyivstar"]
    pbx.sipp.answering("kyivstar", kyivstar.address, pbx.carrier_ports["kyivstar"])
    originate(pbx, "101", "380671234567")
    begin = pbx.ami.wait_for(
        lambda e: (
            e.event == "DialBegin" and e.get("DestChannel", "").startswith("PJSIP/trunk-kyivstar-")
        ),
        since=pbx.mark,
    )
    pbx.ami.wait_for(
        event("DialEnd", DestChannel=begin["DestChannel"], DialStatus="ANSWER"), since=pbx.mark
    )
    entries = [
        e for e in pbx.ami.action_list("QueueStatus", Queue="hotline") if e.event == "QueueEntry"
    ]
    assert [entry["Uniqueid"] for entry in entries] == [waiting]


@pytest.mark.parametrize(("chosen", "trunk"), [("lifecell", "lifecell"), ("", "vodafone")])
def test_a_consultant_dials_from_the_smartphone_app_choosing_our_number_or_not(
    consultant_online, chosen, trunk
):
    pbx = consultant_online
    ours = CARRIERS[trunk]
    carrier = pbx.sipp.answering(trunk, ours.address, pbx.carrier_ports[trunk])

    pbx.sipp.dial_out("sip101", "sip-101-secret", "127.0.0.31", "+380501234567", trunk=chosen)
    begin = pbx.ami.wait_for(
        lambda e: e.event == "DialBegin" and e.get("DestChannel", "").startswith("PJSIP/trunk-"),
        since=pbx.mark,
    )
    assert begin["Channel"].startswith("PJSIP/sip101-")
    assert begin["DestChannel"].startswith(f"PJSIP/trunk-{trunk}-")
    pbx.ami.wait_for(
        event("DialEnd", DestChannel=begin["DestChannel"], DialStatus="ANSWER"), since=pbx.mark
    )
    invite = received_invite(pbx, carrier)
    assert invite.startswith("0501234567@")
    assert re.search(rf"^From: <sip:{ours.national}@", invite, re.MULTILINE)
