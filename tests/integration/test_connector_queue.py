"""A consultant logs in, pauses, comes back and logs out through the desk's status switch;
Asterisk's queue changes, and the consultant's state follows from its events.
Click-to-call through the endpoint places a real call."""

import pytest
from django.urls import reverse

from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    ConsultantState,
    PresenceState,
    Trunk,
)
from tests.conftest import PASSWORD
from tests.connector.running import wait_for
from tests.integration.conftest import CARRIERS
from tests.support.ami import event, user_event

STATUS = reverse("hotline_workspace:status")

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(pbx, alice, client, connector):
    """Alice's line, her phone registered, the connector running, Alice signed in."""
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    pbx.phone(line)
    connector.start()
    client.login(username="alice", password=PASSWORD)
    return client


def state_of(user) -> tuple[str, str]:
    row = ConsultantState.objects.filter(user=user).first()
    return (row.state, row.pause_reason) if row else (PresenceState.LOGGED_OUT, "")


def members(pbx) -> list:
    return [
        m for m in pbx.ami.action_list("QueueStatus", Queue="hotline") if m.event == "QueueMember"
    ]


def test_log_in_pause_come_back_and_log_out(pbx, desk, alice):
    assert desk.post(STATUS, {"state": "available"}).json() == {"ok": True}
    (member,) = members(pbx)
    assert (member["Name"], member["Location"], member["StateInterface"]) == (
        "alice",
        "Local/101@hotline-consultant",
        "hint:101@hotline-hints",
    )
    wait_for(lambda: state_of(alice) == (PresenceState.AVAILABLE, ""), "Alice available")

    assert desk.post(STATUS, {"state": "paused", "reason": "training"}).json() == {"ok": True}
    wait_for(lambda: state_of(alice) == (PresenceState.PAUSED, "training"), "Alice paused")
    assert members(pbx)[0]["Paused"] == "1"

    assert desk.post(STATUS, {"state": "available"}).json() == {"ok": True}
    wait_for(lambda: state_of(alice) == (PresenceState.AVAILABLE, ""), "Alice back")

    assert desk.post(STATUS, {"state": "logged_out"}).json() == {"ok": True}
    wait_for(lambda: state_of(alice)[0] == PresenceState.LOGGED_OUT, "Alice logged out")
    assert members(pbx) == []


def test_a_call_in_the_queue_shows_her_ringing_then_on_the_call(pbx, desk, alice):
    desk.post(STATUS, {"state": "available"})
    wait_for(lambda: state_of(alice)[0] == PresenceState.AVAILABLE, "Alice available")
    pbx.call("tollfree", "0671234567")
    inbound = pbx.inbound("0671234567")
    pbx.ami.wait_for(event("AgentConnect", Linkedid=inbound["Linkedid"]), since=pbx.mark)
    wait_for(lambda: state_of(alice)[0] == PresenceState.ON_CALL, "Alice on the call")
    pbx.hang_up(inbound["Channel"])
    wait_for(lambda: state_of(alice)[0] == PresenceState.AVAILABLE, "Alice free again")


def test_click_to_call_through_the_endpoint(pbx, desk, alice):
    lifecell = CARRIERS["lifecell"]
    pbx.sipp.answering("callee", lifecell.address, pbx.carrier_ports["lifecell"])
    trunk = Trunk.objects.get(name="lifecell")
    response = desk.post(
        reverse("hotline_workspace:dial"), {"number": "063 765 43 21", "trunk": trunk.pk}
    )
    assert response.status_code == 200
    call = Call.objects.get(pk=response.json()["call_id"])
    outbound = pbx.ami.wait_for(
        user_event("HotlineOutbound", Linkedid=call.linkedid), since=pbx.mark
    )
    assert (outbound["Trunk"], outbound["Number"]) == ("lifecell", "0637654321")
    answered = wait_for(
        lambda: Call.objects.filter(pk=call.pk, answered_at__isnull=False).first(),
        "the callee answered",
    )
    assert (answered.direction, answered.consultant, answered.callee_number) == (
        CallDirection.OUTBOUND,
        alice,
        "+380637654321",
    )
    assert answered.dialled_number == lifecell.e164
