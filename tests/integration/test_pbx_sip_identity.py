"""Who may send Asterisk a call: carriers by address only, consultants by name and password.

A carrier's trunk knows no password of ours, so Asterisk recognises its calls
by the address they come from (pjsip.conf `identify`). Anybody can write a
trunk's name or login into From; from any other address that INVITE must be
refused like any stranger's, and no call may start. A consultant's endpoint
is recognised by its name, from wherever the smartphone is, and always
challenged for the password.
"""

import pytest

from tests.integration.conftest import CARRIERS, PHONE_ADDRESSES

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]

# Addresses no trunk and no phone uses (tests/integration/conftest.py).
STRANGER = "127.0.0.77"
TRUNK_LOGIN = "hotline800"


def security_events(pbx, since: int, kind: str, address: str) -> list:
    return [
        e
        for e in pbx.ami.events[since:]
        if e.event == kind and f"/{address}/" in e.get("RemoteAddress", "")
    ]


def no_call_started(pbx, since: int) -> bool:
    return not any(e.event in ("Newchannel", "UserEvent") for e in pbx.ami.events[since:])


@pytest.fixture
def tollfree(pbx):
    pbx.add_trunks("tollfree", username=TRUNK_LOGIN, password="carrier-secret")
    pbx.apply()
    return pbx


@pytest.mark.parametrize("from_user", ["trunk-tollfree", TRUNK_LOGIN, "0671234567"])
def test_an_invite_from_another_address_in_the_carriers_name_is_refused(tollfree, from_user):
    pbx = tollfree
    number = CARRIERS["tollfree"].national
    mark = pbx.ami.mark()
    spoofed = pbx.sipp.refused_call("spoofed", STRANGER, from_user, number)
    assert spoofed.returncode == 0, spoofed.errors()[-1500:]
    pbx.asterisk.wait_until(
        lambda: security_events(pbx, mark, "InvalidAccountID", STRANGER), "the security event"
    )
    assert no_call_started(pbx, mark)

    # The same INVITE from the carrier's own address is the carrier's call.
    caller = pbx.call("tollfree", from_user)
    inbound = pbx.inbound(from_user, since=mark)
    assert inbound["Trunk"] == "tollfree"
    # Hung up here once answered, while its sipp still answers the BYE: nothing
    # is left for a later test's sipp to receive.
    pbx.wait_app(inbound["Channel"], "Playback", since=mark)
    pbx.hang_up(inbound["Channel"])
    assert caller.wait(timeout=30) == 0, caller.errors()[-1500:]


def test_an_anonymous_invite_is_refused(tollfree):
    pbx = tollfree
    mark = pbx.ami.mark()
    anonymous = pbx.sipp.refused_call(
        "anonymous", STRANGER, "anonymous", CARRIERS["tollfree"].national
    )
    assert anonymous.returncode == 0, anonymous.errors()[-1500:]
    pbx.asterisk.wait_until(
        lambda: security_events(pbx, mark, "InvalidAccountID", STRANGER), "the security event"
    )
    assert no_call_started(pbx, mark)


def test_a_consultants_endpoint_is_challenged_even_from_a_carriers_address(pbx, alice):
    pbx.add_trunks("tollfree")
    line = pbx.add_consultant(alice, "101")
    pbx.apply()
    mark = pbx.ami.mark()
    carrier = CARRIERS["tollfree"].address
    guess = pbx.sipp.refused_call("guess", carrier, line.sip_endpoint, "0501234567")
    assert guess.returncode == 0, guess.errors()[-1500:]
    pbx.asterisk.wait_until(
        lambda: security_events(pbx, mark, "ChallengeResponseFailed", carrier),
        "the failed challenge",
    )
    assert no_call_started(pbx, mark)


def test_the_consultants_phone_address_identifies_nobody(pbx, alice):
    line = pbx.add_consultant(alice, "101")
    pbx.apply()
    pbx.phone(line)
    mark = pbx.ami.mark()
    address = PHONE_ADDRESSES["101"]
    stranger = pbx.sipp.refused_call("stranger", address, "0671234567", "0501234567")
    assert stranger.returncode == 0, stranger.errors()[-1500:]
    pbx.asterisk.wait_until(
        lambda: security_events(pbx, mark, "InvalidAccountID", address), "the security event"
    )
    assert no_call_started(pbx, mark)
