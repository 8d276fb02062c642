"""Consultants call only where the NGO allows, one outgoing call at a time, on the real Asterisk.

The dialplan enforces it for whatever a consultant's phone dials (the desk
checks the same before it dials: tests/workspace/test_desk_outbound_policy.py).
"""

import pytest

from tests.integration.conftest import CARRIERS
from tests.integration.test_pbx_outbound import originate
from tests.support.ami import event, user_event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]

APP_ADDRESS = "127.0.0.31"
SECOND_APP_ADDRESS = "127.0.0.32"


@pytest.fixture
def consultant_online(pbx, alice):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.apply()
    pbx.phone(line)
    return pbx


def trunk_dialled(pbx, since: int) -> bool:
    return bool(
        pbx.ami.matching(
            lambda e: e.event == "DialBegin" and "PJSIP/trunk-" in e.get("DestChannel", ""),
            since=since,
        )
    )


@pytest.mark.parametrize("number", ["+48123456789", "0048123456789", "0900123456", "112"])
def test_a_number_outside_ukraines_landlines_and_mobiles_is_refused_from_the_app(
    consultant_online, number
):
    pbx = consultant_online
    mark = pbx.ami.mark()
    refused = pbx.sipp.refused_call(
        "dial-abroad", APP_ADDRESS, "sip101", number, password="sip-101-secret"
    )
    assert refused.returncode == 0, refused.errors()[-1500:]
    assert "SIP/2.0 403 Forbidden" in refused.messages()
    pbx.ami.wait_for(
        user_event("HotlineOutboundRefused", Reason="destination", Consultant="101"), since=mark
    )
    assert not trunk_dialled(pbx, mark)


def test_a_ukrainian_landline_goes_through_from_the_app(consultant_online):
    pbx = consultant_online
    carrier = pbx.sipp.answering(
        "kyivstar", CARRIERS["kyivstar"].address, pbx.carrier_ports["kyivstar"]
    )
    mark = pbx.ami.mark()
    pbx.sipp.dial_out("sip101", "sip-101-secret", APP_ADDRESS, "0442223344", trunk="kyivstar")
    begin = pbx.dial_to("kyivstar", since=mark)
    pbx.ami.wait_for(
        event("DialEnd", DestChannel=begin["DestChannel"], DialStatus="ANSWER"), since=mark
    )
    assert pbx.asterisk.wait_until(carrier.first_invite, "the INVITE").startswith("0442223344@")


def test_an_opened_prefix_lets_the_call_out(consultant_online):
    pbx = consultant_online
    pbx.settings(outbound_allow_other=True, outbound_prefixes="+48")
    pbx.apply()
    carrier = pbx.sipp.answering(
        "kyivstar", CARRIERS["kyivstar"].address, pbx.carrier_ports["kyivstar"]
    )
    mark = pbx.ami.mark()
    originate(pbx, "101", "48123456789", trunk="kyivstar")
    begin = pbx.dial_to("kyivstar", since=mark)
    pbx.ami.wait_for(
        event("DialEnd", DestChannel=begin["DestChannel"], DialStatus="ANSWER"), since=mark
    )
    assert pbx.asterisk.wait_until(carrier.first_invite, "the INVITE").startswith("0048123456789@")


def test_click_to_call_abroad_is_refused_by_the_dialplan_too(consultant_online):
    pbx = consultant_online
    mark = pbx.ami.mark()
    originate(pbx, "101", "48123456789", trunk="kyivstar")
    pbx.ami.wait_for(
        user_event("HotlineOutboundRefused", Reason="destination", Consultant="101"), since=mark
    )
    assert not trunk_dialled(pbx, mark)


def test_a_second_outgoing_call_of_the_same_consultant_is_refused(consultant_online):
    pbx = consultant_online
    pbx.sipp.answering("vodafone", CARRIERS["vodafone"].address, pbx.carrier_ports["vodafone"])
    mark = pbx.ami.mark()
    pbx.sipp.dial_out("sip101", "sip-101-secret", APP_ADDRESS, "0501234567", trunk="vodafone")
    first = pbx.dial_to("vodafone", since=mark)
    pbx.ami.wait_for(
        event("DialEnd", DestChannel=first["DestChannel"], DialStatus="ANSWER"), since=mark
    )

    second = pbx.sipp.refused_call(
        "second", SECOND_APP_ADDRESS, "sip101", "0671234567", password="sip-101-secret"
    )
    assert second.returncode == 0, second.errors()[-1500:]
    assert "SIP/2.0 486 Busy Here" in second.messages()
    pbx.ami.wait_for(
        user_event("HotlineOutboundRefused", Reason="busy", Consultant="101"), since=mark
    )
    # The first call goes on; only one call ever went out.
    assert first["DestChannel"] in [c["Channel"] for c in pbx.channels()]
    dialled = pbx.ami.matching(
        lambda e: e.event == "DialBegin" and "PJSIP/trunk-" in e.get("DestChannel", ""),
        since=mark,
    )
    assert len(dialled) == 1
