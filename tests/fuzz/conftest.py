"""One of everything a page can be about, for the bad-input tests: a card and
its form, a call with a recording, a voice message, a callback request, a
number, a working-hours exception, a topic, a consultant's line, a prompt."""

import datetime
import socket
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser

from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    ConsultantLine,
    Disposition,
    Operator,
    ScheduleException,
    Trunk,
)
from hotline_crm.models import Client, Consultation, Topic
from hotline_workspace.models import Kind, WorklistItem
from tests.crm.conftest import new_client, new_consultation

KYIV = ZoneInfo("Europe/Kyiv")


@dataclass
class World:
    alice: User
    dave: User
    client: Client
    consultation: Consultation
    call: Call
    voicemail: WorklistItem
    callback: WorklistItem
    trunk: Trunk
    line: ConsultantLine
    topic: Topic
    exception: ScheduleException


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_asterisk(settings, tmp_path):
    """No Asterisk: configuration goes to scratch, the AMI port refuses at once."""
    for name in ("RECORDINGS_DIR", "VOICEMAIL_DIR", "PROMPTS_DIR", "BACKUP_DIR"):
        (tmp_path / name.lower()).mkdir()
        setattr(settings, name, tmp_path / name.lower())
    settings.HOTLINE_ASTERISK_DIR = tmp_path / "asterisk"
    with socket.socket() as closed_port:
        closed_port.bind(("127.0.0.1", 0))
        settings.HOTLINE_AMI_HOST = "127.0.0.1"
        settings.HOTLINE_AMI_PORT = closed_port.getsockname()[1]
        yield


@pytest.fixture
def world(alice, dave, settings) -> World:
    client = new_client(alice, "+380671234567", name="Марія")
    consultation = new_consultation(alice, client, summary="Розмова")
    started = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=KYIV)
    (settings.RECORDINGS_DIR / "call-1.wav").write_bytes(b"RIFF" + bytes(2000))
    call = Call.objects.create(
        linkedid="1700000000.1",
        direction=CallDirection.INBOUND,
        dialled_number="+380800500001",
        caller_number="+380671234567",
        started_at=started,
        disposition=Disposition.ANSWERED,
        consultant=alice,
        client=client,
        recording_file="call-1.wav",
    )
    (settings.VOICEMAIL_DIR / "vm-1.wav").write_bytes(b"RIFF" + bytes(2000))
    voicemail = WorklistItem.objects.create(
        kind=Kind.VOICEMAIL, caller_number="+380672222222", audio_file="vm-1.wav"
    )
    callback = WorklistItem.objects.create(kind=Kind.CALLBACK, number_to_call="+380673333333")
    trunk = Trunk.objects.create(
        name="kyivstar",
        operator=Operator.KYIVSTAR,
        number="0671000000",
        host="127.0.0.3",
        match="127.0.0.3",
    )
    line = ConsultantLine.objects.create(
        user=alice, extension="1001", webrtc_password="w" * 20, sip_password="s" * 20
    )
    return World(
        alice=alice,
        dave=dave,
        client=client,
        consultation=consultation,
        call=call,
        voicemail=voicemail,
        callback=callback,
        trunk=trunk,
        line=line,
        topic=Topic.objects.first(),
        exception=ScheduleException.objects.create(date=datetime.date(2026, 12, 25), name="Різдво"),
    )


def browser_as(user: User) -> Browser:
    browser = Browser(raise_request_exception=False)
    browser.force_login(user)
    return browser
