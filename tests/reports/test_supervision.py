"""The wallboard's supervisor phone and its listen / whisper / barge buttons, without
Asterisk: who gets the phone, which channel is joined, what the consultant's desk
is told. The calls themselves: tests/integration/test_supervise.py."""

import json

import pytest
from django.urls import reverse

from hotline_asterisk_connector import notify
from hotline_asterisk_connector.ami.protocol import Message
from hotline_asterisk_connector.events import EventRouter
from hotline_asterisk_connector.models import ConsultantLine
from hotline_asterisk_connector.supervise import (
    Mode,
    SuperviseError,
    consultant_channel,
    supervise,
)
from hotline_audit.models import AuditEvent, Kind
from hotline_workspace.screenpop import consultant_group

pytestmark = pytest.mark.django_db
JOINING = [Kind.LISTEN, Kind.WHISPER, Kind.BARGE]


def _line(user, extension: str, **fields) -> ConsultantLine:
    return ConsultantLine.objects.create(
        user=user,
        extension=extension,
        webrtc_password=f"web-{extension}-secret-0",
        sip_password=f"sip-{extension}-secret-0",
        **fields,
    )


def _channel(name: str, state: str = "6", bridge: str = "b-1", linkedid: str = "1.1") -> dict:
    return {"Channel": name, "ChannelState": state, "BridgeId": bridge, "Linkedid": linkedid}


def test_the_consultants_own_phone_in_a_bridge_is_the_channel_joined(alice):
    line = _line(alice, "101")
    channels = [
        _channel("PJSIP/trunk-tollfree-00000001"),  # the caller
        _channel("PJSIP/sip1010-00000002"),  # another consultant's extension 1010
        _channel("PJSIP/web101-00000003", state="5"),  # still ringing
        _channel("PJSIP/sip101-00000004", bridge=""),  # up, not in a call
        _channel("PJSIP/web101-00000005", linkedid="1.7"),
    ]
    found = consultant_channel(line, channels)
    assert (found.name, found.linkedid) == ("PJSIP/web101-00000005", "1.7")
    assert consultant_channel(line, channels[:4]) is None


def test_a_supervisor_without_a_line_or_a_consultant_is_refused_before_asterisk(
    alice, bob, carol, dave
):
    _line(alice, "101")
    with pytest.raises(SuperviseError, match="немає лінії на АТС"):
        supervise(carol, alice, Mode.LISTEN)
    _line(carol, "109", in_queue=False)
    with pytest.raises(SuperviseError, match="лише супервізор"):
        supervise(bob, alice, Mode.LISTEN)
    with pytest.raises(SuperviseError, match="У цього консультанта немає лінії"):
        supervise(carol, bob, Mode.WHISPER)
    _line(dave, "108", in_queue=False)
    with pytest.raises(SuperviseError, match="лише дзвінки консультантів"):
        supervise(carol, dave, Mode.LISTEN)
    assert not AuditEvent.objects.filter(kind__in=JOINING).exists()


def test_only_supervisors_with_a_line_get_the_wallboard_phone(client, alice, carol, dave):
    _line(alice, "101")
    client.force_login(carol)
    page = client.get(reverse("hotline_reports:wallboard")).content.decode()
    assert 'id="supervisor-phone"' not in page
    assert "web101" not in page  # nobody else's line either
    _line(carol, "109", in_queue=False)
    page = client.get(reverse("hotline_reports:wallboard")).content.decode()
    start = page.index('<script id="supervisor-phone" type="application/json">')
    phone = json.loads(page[start:].split(">", 1)[1].split("</script>", 1)[0])
    assert phone["sip"]["uri"].startswith("sip:web109@")
    assert phone["sip"]["password"] == "web-109-secret-0"
    assert set(phone["modes"]) == {"listen", "whisper", "barge"}
    assert "web-101" not in page


def test_the_buttons_refuse_an_unknown_consultant_or_mode(client, alice, carol):
    _line(carol, "109", in_queue=False)
    client.force_login(carol)
    url = reverse("hotline_reports:supervise")
    for data in (
        {"consultant": str(alice.pk), "mode": "record"},
        {"consultant": "9" * 5000, "mode": "listen"},
        {"consultant": "-1", "mode": "listen"},
        {"consultant": "٣", "mode": "listen"},
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert response.json()["error"]
    assert not AuditEvent.objects.filter(kind__in=JOINING).exists()


def test_the_wallboard_shows_the_service_level_card(client, carol):
    client.force_login(carol)
    page = client.get(reverse("hotline_reports:wallboard")).content.decode()
    card = page[page.index('class="card sla"') :].split("</section>", 1)[0]
    assert "Прийнято протягом 20 с" in card
    assert 'data-field="today.abandonment_rate"' in card
    assert 'data-field="today.wait_max"' in card


def test_a_whisper_or_a_barge_is_told_to_the_consultants_desk_listening_is_not(alice):
    line = _line(alice, "101")
    router = EventRouter()
    sent = []
    heard = [
        ("listen", True, line.extension),
        ("whisper", True, line.extension),
        ("whisper", False, line.extension),
        ("barge", True, "7"),  # nobody's extension
        ("barge", True, line.extension),
    ]
    for mode, active, extension in heard:
        name = "HotlineSupervise" if active else "HotlineSuperviseEnded"
        message = Message(Event="UserEvent", UserEvent=name, Mode=mode, Extension=extension)
        assert router.wants(message)
        with notify.collecting() as outbox:
            router.apply(message)
        sent += outbox
    group = consultant_group(alice.pk)
    assert sent == [
        (group, {"type": "supervisor.joined", "mode": "whisper"}),
        (group, {"type": "supervisor.left", "mode": "whisper"}),
        (group, {"type": "supervisor.joined", "mode": "barge"}),
    ]
