"""The CRM's side of the mobile failover, against the real Asterisk with the
connector running: who is on the mobile (wallboard), which phone took a call
(journal), and «На мобільному» chosen from the desk."""

import pytest
from django.urls import reverse

from hotline_asterisk_connector.models import (
    CallLeg,
    ConsultantLine,
    ConsultantState,
    Device,
    PresenceState,
)
from hotline_reports.live import live_state
from tests.conftest import PASSWORD
from tests.connector.running import wait_for
from tests.integration.conftest import CARRIERS
from tests.support.ami import event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def line(pbx, alice, connector):
    """Alice's line with a lifecell mobile, the connector running."""
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101", mobile_number="063 765 43 21")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    lifecell = CARRIERS["lifecell"]
    pbx.sipp.answering("mobile", lifecell.address, pbx.carrier_ports["lifecell"])
    connector.start()
    return line


def board_device(user) -> str:
    (row,) = [c for c in live_state() if c["id"] == user.pk]
    return row["device"]


def app_reachable(user) -> bool | None:
    state = ConsultantState.objects.filter(user=user).first()
    return state.app_reachable if state else None


def test_a_consultant_whose_app_goes_dark_is_on_the_mobile_and_the_journal_says_so(
    pbx, line, alice
):
    phone = pbx.phone(line)
    pbx.log_in(line)
    wait_for(lambda: app_reachable(alice) is True, "the app seen registered")
    wait_for(
        lambda: ConsultantState.objects.filter(user=alice, state=PresenceState.AVAILABLE).exists(),
        "Alice available",
    )
    assert board_device(alice) == ""

    pbx.sipp.hang_up_phone(phone)
    wait_for(lambda: app_reachable(alice) is False, "the app seen gone")
    assert board_device(alice) == Device.MOBILE
    # Still free for calls: the mobile counts.
    assert ConsultantState.objects.get(user=alice).state == PresenceState.AVAILABLE

    pbx.call("tollfree", "0502223344")
    linkedid = pbx.inbound("0502223344")["Linkedid"]
    dial = pbx.dial_to("lifecell", pbx.mark)
    pbx.wait_app(dial["DestChannel"], "Read", "mobile-confirm", since=pbx.mark)
    pbx.press(dial["DestChannel"], "1")
    connect = pbx.ami.wait_for(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    leg = wait_for(
        lambda: CallLeg.objects.filter(call__linkedid=linkedid, answered_on=Device.MOBILE).first(),
        "the leg answered on the mobile",
    )
    assert leg.consultant == alice
    assert leg.call.answered_device() == "Мобільний номер"
    pbx.hang_up(connect["Channel"])
    wait_for(
        lambda: CallLeg.objects.filter(pk=leg.pk, ended_at__isnull=False).exists(), "leg ended"
    )


def test_on_the_mobile_chosen_from_the_desk(pbx, line, alice, client):
    pbx.phone(line)
    wait_for(lambda: app_reachable(alice) is True, "the app seen registered")
    client.login(username="alice", password=PASSWORD)
    status = reverse("hotline_workspace:status")

    assert client.post(status, {"state": "on_mobile"}).json() == {"ok": True}
    wait_for(
        lambda: ConsultantState.objects.filter(user=alice, state=PresenceState.AVAILABLE).exists(),
        "Alice in the queue",
    )
    assert ConsultantLine.objects.get(pk=line.pk).on_mobile
    assert board_device(alice) == Device.MOBILE
    desk = client.get(reverse("hotline_workspace:desk")).content.decode()
    assert 'value="on_mobile" selected' in desk

    pbx.call("tollfree", "0502223344")
    linkedid = pbx.inbound("0502223344")["Linkedid"]
    dial = pbx.dial_to("lifecell", pbx.mark)  # not the registered app
    pbx.hang_up(dial["DestChannel"])
    pbx.ami.wait_for(event("Hangup", Linkedid=linkedid), since=pbx.mark)

    assert client.post(status, {"state": "available"}).json() == {"ok": True}
    assert not ConsultantLine.objects.get(pk=line.pk).on_mobile
    assert board_device(alice) == ""
