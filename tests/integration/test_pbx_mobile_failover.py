"""Calls follow a consultant to their mobile by themselves.

While a consultant is in the queue and none of their own phones can be rung
(a power cut: the laptop and the router are dark), the queue rings their
mobile through the trunk of the mobile's operator; they press 1 to take the
call. When a phone of theirs registers again, it takes over. The phone here
is the smartphone app's endpoint played by sipp: the browser phone's
endpoint is rung the same way (hotline-consultant in extensions.conf), only
over a WebSocket that sipp cannot speak.
"""

import pytest

from hotline_asterisk_connector import membership
from tests.integration.conftest import CARRIERS
from tests.support.ami import event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]


def rang(pbx, prefix: str, since: int) -> list:
    return [
        e
        for e in pbx.ami.matching(event("DialBegin"), since=since)
        if e.get("DestChannel", "").startswith(prefix)
    ]


def test_with_no_phone_reachable_the_mobile_rings_through_its_operators_trunk(pbx, alice):
    pbx.add_trunks()
    # A lifecell mobile; the administrator did not ask to ring it alongside the phones.
    line = pbx.add_consultant(alice, "101", mobile_number="063 765 43 21")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    lifecell = CARRIERS["lifecell"]
    mobile = pbx.sipp.answering("mobile", lifecell.address, pbx.carrier_ports["lifecell"])
    pbx.log_in(line)
    # The queue counts her as free although no phone of hers is registered.
    (member,) = [
        m for m in pbx.ami.action_list("QueueStatus", Queue="hotline") if m.event == "QueueMember"
    ]
    assert member["Status"] == "1", member  # AST_DEVICE_NOT_INUSE

    pbx.call("tollfree", "0502223344")
    linkedid = pbx.inbound("0502223344")["Linkedid"]
    dial = pbx.dial_to("lifecell", pbx.mark)
    pbx.wait_app(dial["DestChannel"], "Read", "mobile-confirm", since=pbx.mark)
    assert not pbx.ami.matching(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    pbx.press(dial["DestChannel"], "1")

    connect = pbx.ami.wait_for(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    assert (connect["Interface"], connect["MemberName"]) == (
        "Local/101@hotline-consultant",
        "alice",
    )
    invite = pbx.asterisk.wait_until(mobile.first_invite, "the INVITE to the mobile")
    assert invite.startswith("0637654321@")
    assert "From: <sip:0631110033@" in invite  # our lifecell number
    # While she talks on the mobile the queue sees her busy, not free for a second call.
    pbx.asterisk.wait_until(
        lambda: [
            m
            for m in pbx.ami.action_list("QueueStatus", Queue="hotline")
            if m.event == "QueueMember" and m["Status"] == "2"  # AST_DEVICE_INUSE
        ],
        "alice in use on the mobile",
    )
    pbx.hang_up(connect["Channel"])


def test_a_mobile_that_does_not_press_1_lets_the_next_consultant_take_the_call(pbx, alice, bob):
    pbx.add_trunks()
    first = pbx.add_consultant(alice, "101", mobile_number="067 765 43 21")
    # Bob is tried only when Alice cannot take the call.
    second = pbx.add_consultant(bob, "102", penalty=1)
    pbx.settings(wrapup_seconds=0, ring_seconds=30)
    pbx.apply()
    kyivstar = CARRIERS["kyivstar"]
    pbx.sipp.answering("voicemail", kyivstar.address, pbx.carrier_ports["kyivstar"])
    pbx.phone(second)
    pbx.log_in(first)
    pbx.log_in(second)

    pbx.call("tollfree", "0502223344")
    linkedid = pbx.inbound("0502223344")["Linkedid"]
    dial = pbx.dial_to("kyivstar", pbx.mark)
    # The mobile operator's voicemail answers and never presses 1: the mobile is let go...
    pbx.ami.wait_for(event("Hangup", Channel=dial["DestChannel"]), since=pbx.mark, timeout=60)
    # ...and Bob's phone takes the call.
    connect = pbx.ami.wait_for(event("AgentConnect", Linkedid=linkedid), since=pbx.mark, timeout=60)
    assert connect["MemberName"] == "bob"
    assert connect["DestChannel"].startswith("Local/102@hotline-consultant")
    answered = pbx.ami.matching(event("AgentConnect"), since=pbx.mark)
    assert [e["MemberName"] for e in answered] == ["bob"]
    pbx.hang_up(connect["Channel"])


def test_when_the_phone_is_back_it_takes_over_from_the_mobile(pbx, alice):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101", mobile_number="050 765 43 21")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    vodafone = CARRIERS["vodafone"]
    pbx.sipp.answering("mobile", vodafone.address, pbx.carrier_ports["vodafone"])
    phone = pbx.phone(line)
    pbx.log_in(line)

    def one_call(caller: str) -> dict:
        since = pbx.ami.mark()
        pbx.call("tollfree", caller)
        linkedid = pbx.inbound(caller, since=since)["Linkedid"]
        return {"since": since, "linkedid": linkedid}

    # The app is registered: it rings, the mobile does not.
    call = one_call("0502220001")
    connect = pbx.ami.wait_for(
        event("AgentConnect", Linkedid=call["linkedid"]), since=call["since"]
    )
    assert rang(pbx, "PJSIP/sip101-", call["since"])
    assert not rang(pbx, "PJSIP/trunk-", call["since"])
    pbx.hang_up(connect["Channel"])

    # The app is gone (unregistered): the mobile rings through Vodafone.
    pbx.sipp.hang_up_phone(phone)
    call = one_call("0502220002")
    dial = pbx.dial_to("vodafone", call["since"])
    pbx.wait_app(dial["DestChannel"], "Read", "mobile-confirm", since=call["since"])
    pbx.press(dial["DestChannel"], "1")
    connect = pbx.ami.wait_for(
        event("AgentConnect", Linkedid=call["linkedid"]), since=call["since"]
    )
    assert not rang(pbx, "PJSIP/sip101-", call["since"])
    pbx.hang_up(connect["Channel"])

    # The app registers again: it takes the calls, and the mobile no longer rings.
    pbx.phone(line)
    call = one_call("0502220003")
    connect = pbx.ami.wait_for(
        event("AgentConnect", Linkedid=call["linkedid"]), since=call["since"]
    )
    assert rang(pbx, "PJSIP/sip101-", call["since"])
    assert not rang(pbx, "PJSIP/trunk-", call["since"])
    pbx.hang_up(connect["Channel"])


def test_on_the_mobile_by_choice_rings_only_the_mobile(pbx, alice):
    """The consultant chose «На мобільному» from a browser: her registered app stays quiet."""
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101", mobile_number="067 765 43 21")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    kyivstar = CARRIERS["kyivstar"]
    pbx.sipp.answering("mobile", kyivstar.address, pbx.carrier_ports["kyivstar"])
    pbx.phone(line)
    pbx.log_in(line)
    membership.answer_on_mobile(alice, True)
    line.refresh_from_db()
    assert line.on_mobile

    pbx.call("tollfree", "0502223344")
    linkedid = pbx.inbound("0502223344")["Linkedid"]
    dial = pbx.dial_to("kyivstar", pbx.mark)
    pbx.wait_app(dial["DestChannel"], "Read", "mobile-confirm", since=pbx.mark)
    pbx.press(dial["DestChannel"], "1")
    connect = pbx.ami.wait_for(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    assert not rang(pbx, "PJSIP/sip101-", pbx.mark)
    pbx.hang_up(connect["Channel"])

    # Back at the desk: the app rings again, and a reload keeps what she chose.
    membership.answer_on_mobile(alice, False)
    pbx.apply()
    since = pbx.ami.mark()
    pbx.call("tollfree", "0502223345")
    linkedid = pbx.inbound("0502223345", since=since)["Linkedid"]
    connect = pbx.ami.wait_for(event("AgentConnect", Linkedid=linkedid), since=since)
    assert rang(pbx, "PJSIP/sip101-", since)
    assert not rang(pbx, "PJSIP/trunk-", since)
    pbx.hang_up(connect["Channel"])


def test_a_phone_that_stops_answering_is_passed_over_for_the_mobile(pbx, alice):
    """A dead laptop or a lost network: the registration stays, but the phone no
    longer answers Asterisk's qualify; once it is unreachable the mobile rings."""
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101", mobile_number="067 765 43 21")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    kyivstar = CARRIERS["kyivstar"]
    pbx.sipp.answering("mobile", kyivstar.address, pbx.carrier_ports["kyivstar"])
    phone = pbx.phone(line)
    pbx.log_in(line)
    phone.stop()  # gone without a word: no un-registration
    pbx.asterisk.wait_until(
        lambda: pbx.sipp.device_state(line.sip_endpoint) == "Unavailable",
        "the silent phone seen unreachable",
        timeout=90,
    )

    pbx.call("tollfree", "0502223344")
    linkedid = pbx.inbound("0502223344")["Linkedid"]
    dial = pbx.dial_to("kyivstar", pbx.mark)
    pbx.wait_app(dial["DestChannel"], "Read", "mobile-confirm", since=pbx.mark)
    pbx.press(dial["DestChannel"], "1")
    connect = pbx.ami.wait_for(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    assert not rang(pbx, "PJSIP/sip101-", pbx.mark)
    pbx.hang_up(connect["Channel"])
