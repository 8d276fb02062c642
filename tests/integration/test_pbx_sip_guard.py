"""Repeated failed attempts from one address: counted from Asterisk's own security
events, the address shut out by Asterisk's ACL, and let in again when the block runs out."""

import datetime

import pytest
from django.utils import timezone

from hotline_asterisk_connector import sip_guard
from hotline_asterisk_connector.events import EventRouter
from hotline_asterisk_connector.models import BlockedAddress, SecurityEvent

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]

ATTACKER = "127.0.0.78"


def security_events(pbx, since: int) -> list:
    return [
        e
        for e in pbx.ami.events[since:]
        if e.event in sip_guard.FAILURES and f"/{ATTACKER}/" in e.get("RemoteAddress", "")
    ]


def guess(pbx, name: str, password: str):
    attempt = pbx.sipp.refused_call(name, ATTACKER, "sip101", "0501234567", password=password)
    assert attempt.returncode == 0, attempt.errors()[-1500:]
    return attempt


def test_repeated_wrong_passwords_are_counted_and_the_address_is_shut_out(
    pbx, alice, settings, monkeypatch
):
    settings.HOTLINE_SIP_GUARD_FAILURES = 5
    line = pbx.add_consultant(alice, "101")
    pbx.apply()
    mark = pbx.ami.mark()
    for attempt in range(5):
        guess(pbx, f"guess-{attempt}", f"guess-{attempt}")
    events = pbx.asterisk.wait_until(
        lambda: (found := security_events(pbx, mark)) and len(found) >= 5 and found,
        "five failures reported",
    )
    assert {e.event for e in events} == {"ChallengeResponseFailed"}
    assert {e["Service"] for e in events} == {"PJSIP"}

    # The connector's handler, fed Asterisk's real events; applying is the test's.
    applied = []
    monkeypatch.setattr(sip_guard, "apply_in_background", lambda: applied.append(True))
    router = EventRouter()
    for message in events:
        assert router.wants(message)
        router.apply(message)
    assert SecurityEvent.objects.filter(address=ATTACKER).count() == 5
    assert applied == [True]  # once: at the fifth failure
    blocked = BlockedAddress.objects.get()
    assert (blocked.address, blocked.failures) == (ATTACKER, 5)
    summary = sip_guard.summary()
    assert summary.failures == 5
    assert summary.top_addresses == [(ATTACKER, 5)]

    pbx.apply()
    assert f"deny = {ATTACKER}" in (pbx.asterisk.paths.etc / "pjsip.conf").read_text()
    # Shut out: even the right password from there is refused before any challenge.
    mark, log_mark = pbx.ami.mark(), pbx.asterisk.log_mark()
    refused = guess(pbx, "right-password", "sip-101-secret")
    assert "SIP/2.0 403 Forbidden" in refused.messages()
    assert "SIP/2.0 401" not in refused.messages()
    # res_pjsip_acl logs the refusal (it raises no security event of its own).
    pbx.asterisk.wait_until(
        lambda: f"Incoming SIP message from {ATTACKER}:" in pbx.asterisk.log_since(log_mark),
        "the ACL's refusal in the log",
    )
    assert not any(e.event in ("Newchannel", "SuccessfulAuth") for e in pbx.ami.events[mark:])
    # Nobody else is: the consultant's phone registers from its own address.
    pbx.phone(line)

    # The block runs out: the address gets an ordinary challenge again.
    assert sip_guard.expire(timezone.now() + datetime.timedelta(hours=2)) == 1
    pbx.apply()
    assert "deny =" not in (pbx.asterisk.paths.etc / "pjsip.conf").read_text()
    mark = pbx.ami.mark()
    again = guess(pbx, "after-the-block", "guess-again")
    assert "SIP/2.0 401" in again.messages()
    pbx.asterisk.wait_until(
        lambda: [e.event for e in security_events(pbx, mark)] == ["ChallengeResponseFailed"],
        "an ordinary failure",
    )


def test_the_web_proxy_and_carriers_are_never_shut_out(pbx, settings):
    pbx.add_trunks("tollfree")
    now = timezone.now()
    for address in ("127.0.0.1", "127.0.0.11"):
        for _ in range(10):
            SecurityEvent.objects.create(
                at=now, kind="InvalidPassword", service="PJSIP", address=address
            )
        assert sip_guard.decide(address, now) is None
    assert not BlockedAddress.objects.exists()
