"""Click-to-call against a client's safe-contact profile: nothing is dialled until
the consultant confirms, and the confirmation is in the audit trail."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hotline_asterisk_connector.models import Call
from hotline_audit.models import AuditEvent, Kind
from hotline_crm.models import CallbackSafety, Client, ClientPhone
from tests.conftest import PASSWORD
from tests.connector.running import wait_for
from tests.integration.conftest import CARRIERS
from tests.support.ami import user_event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db(transaction=True)]
NUMBER = "+380637654321"


@pytest.fixture
def desk(pbx, alice, client, connector):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    pbx.phone(line)
    lifecell = CARRIERS["lifecell"]
    pbx.sipp.answering("callee", lifecell.address, pbx.carrier_ports["lifecell"])
    connector.start()
    client.login(username="alice", password=PASSWORD)
    return client


def card_outside_safe_hours() -> Client:
    now = timezone.localtime()
    start = (now + datetime.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    end = (now + datetime.timedelta(hours=3)).time().replace(second=0, microsecond=0)
    client = Client.objects.create(
        callback_safety=CallbackSafety.SAFE,
        safe_from=start,
        safe_until=end,
        if_someone_else_answers="Скажіть, що з аптеки.",
    )
    ClientPhone.objects.create(client=client, number=NUMBER)
    return client


def test_a_call_outside_safe_hours_waits_for_confirmation_and_is_audited(pbx, desk, alice):
    client = card_outside_safe_hours()
    dial = reverse("hotline_workspace:dial")

    refused = desk.post(dial, {"number": "063 765 43 21"})
    assert refused.status_code == 409
    body = refused.json()
    assert body["confirm"] is True
    assert "поза безпечними годинами" in body["warnings"][0]
    assert not Call.objects.exists()
    assert not AuditEvent.objects.filter(kind=Kind.SAFE_CONTACT_OVERRIDE).exists()

    placed = desk.post(dial, {"number": "063 765 43 21", "confirmed": "1"})
    assert placed.status_code == 200, placed.content
    assert placed.json()["briefing"][-1] == "Якщо відповість інша людина: Скажіть, що з аптеки."
    call = Call.objects.get(pk=placed.json()["call_id"])
    assert call.client == client
    (audit,) = AuditEvent.objects.filter(kind=Kind.SAFE_CONTACT_OVERRIDE)
    assert (audit.user, audit.client_id, audit.object_id) == (alice, client.pk, str(call.pk))
    assert "поза безпечними годинами" in audit.detail
    # Asterisk really places it: the consultant's app rings first, then the client.
    outbound = pbx.ami.wait_for(
        user_event("HotlineOutbound", Linkedid=call.linkedid), since=pbx.mark
    )
    assert outbound["Number"] == "0637654321"
    wait_for(
        lambda: Call.objects.filter(pk=call.pk, answered_at__isnull=False).exists(),
        "the client answered",
    )
