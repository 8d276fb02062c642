"""The desk's click-to-call keeps to the NGO's outbound policy before it asks Asterisk to dial."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hotline_asterisk_connector.models import Call, CallDirection, ConsultantLine, PbxSettings
from tests.conftest import PASSWORD

DIAL = reverse("hotline_workspace:dial")


@pytest.fixture
def alice_at_the_desk(client, alice):
    ConsultantLine.objects.create(
        user=alice, extension="101", webrtc_password="w-secret", sip_password="s-secret"
    )
    client.login(username="alice", password=PASSWORD)
    return client


@pytest.mark.parametrize("number", ["+48 12 345 67 89", "0900 312 345", "+1 202 555 0123"])
def test_a_number_abroad_or_premium_is_refused_with_a_message_in_ukrainian(
    alice_at_the_desk, number
):
    response = alice_at_the_desk.post(DIAL, {"number": number})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith("Дзвінки на +")
    assert "лише на українські стаціонарні та мобільні номери" in error
    assert "«Вихідні дзвінки»" in error
    assert not Call.objects.exists()


def test_an_opened_prefix_passes_the_policy(alice_at_the_desk):
    PbxSettings.objects.update_or_create(
        pk=1, defaults={"outbound_allow_other": True, "outbound_prefixes": "+48"}
    )
    response = alice_at_the_desk.post(DIAL, {"number": "+48 12 345 67 89"})
    # Past the policy: the next check is the line to call out from (none here).
    assert response.status_code == 400
    assert response.json()["error"] == "Немає лінії для вихідних дзвінків."


def test_a_second_outgoing_call_is_refused_while_the_first_goes_on(alice_at_the_desk, alice):
    Call.objects.create(
        linkedid="out-first",
        uniqueid="out-first",
        direction=CallDirection.OUTBOUND,
        consultant=alice,
        callee_number="+380671234567",
        started_at=timezone.now(),
    )
    response = alice_at_the_desk.post(DIAL, {"number": "050 123 45 67"})
    assert response.status_code == 400
    assert response.json()["error"] == (
        "У вас уже триває вихідний дзвінок: завершіть його, перш ніж набирати інший номер."
    )
    assert Call.objects.count() == 1
