"""The queue: who is rung, who waits, and consultants reached on a mobile number."""

import pytest

from tests.integration.conftest import CARRIERS
from tests.support.ami import event, user_event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]


def test_two_consultants_three_callers_the_third_waits_and_is_answered_when_one_hangs_up(
    pbx, alice, bob
):
    pbx.add_trunks()
    lines = [pbx.add_consultant(alice, "101"), pbx.add_consultant(bob, "102")]
    pbx.settings(wrapup_seconds=0, max_wait_seconds=120)
    pbx.apply()
    for line in lines:
        pbx.phone(line)
        pbx.log_in(line)

    callers = ["0671000001", "0671000002", "0671000003"]
    for number in callers:
        pbx.call("tollfree", number)
    linkedids = {number: pbx.inbound(number)["Linkedid"] for number in callers}

    connects = pbx.ami.wait_for_all(event("AgentConnect"), 2, since=pbx.mark, what="two answers")
    answered = {connect["Linkedid"] for connect in connects}
    assert {connect["MemberName"] for connect in connects} == {"alice", "bob"}
    (waiting,) = set(linkedids.values()) - answered
    pbx.ami.wait_for(event("QueueCallerJoin", Linkedid=waiting), since=pbx.mark)
    # The third caller is in the queue, and nobody has answered them.
    entries = [
        e for e in pbx.ami.action_list("QueueStatus", Queue="hotline") if e.event == "QueueEntry"
    ]
    assert [entry["Uniqueid"] for entry in entries] == [waiting]
    assert not pbx.ami.matching(user_event("HotlineMenu", Linkedid=waiting), since=pbx.mark)

    first = connects[0]
    pbx.hang_up(first["Channel"])
    third = pbx.ami.wait_for(event("AgentConnect", Linkedid=waiting), since=pbx.mark)
    assert third["MemberName"] == first["MemberName"]
    assert int(third["HoldTime"]) >= 0


def test_a_consultant_reached_on_a_mobile_number_through_a_trunk_answers_a_queue_call(pbx, alice):
    """A power cut: no browser, no app, only the consultant's mobile through Kyivstar."""
    pbx.add_trunks()
    line = pbx.add_consultant(
        alice, "101", mobile_number="+380 67 765 43 21", forward_to_mobile=True
    )
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    kyivstar = CARRIERS["kyivstar"]
    mobile = pbx.sipp.answering("mobile", kyivstar.address, pbx.carrier_ports["kyivstar"])
    pbx.log_in(line)

    pbx.call("tollfree", "0502223344")
    linkedid = pbx.inbound("0502223344")["Linkedid"]
    # Asterisk calls the mobile through the Kyivstar trunk, from our Kyivstar number.
    dial = pbx.ami.wait_for(
        lambda e: (
            e.event == "DialBegin" and e.get("DestChannel", "").startswith("PJSIP/trunk-kyivstar-")
        ),
        since=pbx.mark,
        what="the call to the mobile",
    )
    assert dial["DestExten"] == "0677654321" or dial["DialString"] == "0677654321@trunk-kyivstar"
    mobile_channel = dial["DestChannel"]
    # The mobile answered; Asterisk asks to press 1 before it connects the caller.
    pbx.wait_app(mobile_channel, "Read", "mobile-confirm", since=pbx.mark)
    assert not pbx.ami.matching(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    pbx.press(mobile_channel, "1")

    connect = pbx.ami.wait_for(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    assert connect["Interface"] == "Local/101@hotline-consultant"
    assert connect["MemberName"] == "alice"
    invite = pbx.asterisk.wait_until(mobile.first_invite, "the INVITE to the mobile")
    assert invite.startswith("0677654321@")
    assert "From: <sip:0671110011@" in invite
    # Asterisk's own record of the call: the mobile leg went out through Kyivstar.
    pbx.hang_up(connect["Channel"])
    rows = pbx.asterisk.wait_until(
        lambda: [r for r in pbx.asterisk.cdr(linkedid) if "trunk-kyivstar" in r["dstchannel"]],
        "the mobile leg's CDR",
    )
    assert rows[0]["disposition"] == "ANSWERED"


def test_a_mobile_that_does_not_press_1_does_not_take_the_call(pbx, alice):
    """The mobile operator's voicemail answers, but never presses 1."""
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101", mobile_number="0677654321", forward_to_mobile=True)
    pbx.settings(wrapup_seconds=0, ring_seconds=30)
    pbx.apply()
    pbx.sipp.answering("voicemail", CARRIERS["kyivstar"].address, pbx.carrier_ports["kyivstar"])
    pbx.log_in(line)

    pbx.call("tollfree", "0502223344")
    linkedid = pbx.inbound("0502223344")["Linkedid"]
    dial = pbx.ami.wait_for(
        lambda e: (
            e.event == "DialBegin" and e.get("DestChannel", "").startswith("PJSIP/trunk-kyivstar-")
        ),
        since=pbx.mark,
    )
    # Three times the prompt and four seconds each for a key, then the mobile is let go.
    pbx.ami.wait_for(event("Hangup", Channel=dial["DestChannel"]), since=pbx.mark, timeout=60)
    assert not pbx.ami.matching(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    assert any(c["Linkedid"] == linkedid for c in pbx.channels()), "the caller is still waiting"
