"""A small but complete line's worth of data, for backup and retention tests."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User

from hotline_admin.models import MaintenanceSettings, Prompt, PromptSource
from hotline_asterisk_connector.models import (
    Call,
    CallComment,
    ConsultantLine,
    Disposition,
    PbxSettings,
    ScheduleException,
    Trunk,
    WorkingHours,
)
from hotline_crm.models import AgeStatus, Client, ClientPhone, Consultation, Gender, Topic
from hotline_workspace.models import Kind, WorklistItem

KYIV = datetime.timezone(datetime.timedelta(hours=2))


@dataclass
class Sample:
    old_client: Client
    recent_client: Client
    old_call: Call
    recent_call: Call
    unknown_caller_call: Call
    missed_call: Call
    old_voicemail: WorklistItem


def write_file(root: Path, name: str, content: bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def call(linkedid: str, started: datetime.datetime, **fields) -> Call:
    return Call.objects.create(linkedid=linkedid, uniqueid=linkedid, started_at=started, **fields)


def build(consultant: User, now: datetime.datetime) -> Sample:
    """Two cards (one last in touch a year ago, one last week), their calls, forms and audio."""
    recordings = Path(settings.RECORDINGS_DIR)
    voicemails = Path(settings.VOICEMAIL_DIR)
    year_ago = now - datetime.timedelta(days=365)
    week_ago = now - datetime.timedelta(days=7)
    topics = list(Topic.objects.order_by("pk")[:2])

    old_client = Client.objects.create(
        name="Олена Петренко",
        settlement="Нікопольська громада",
        notes="Просила не дзвонити ввечері",
        age=29,
        age_status=AgeStatus.KNOWN,
        gender=Gender.FEMALE,
        oblast="UA-12",
        settlement_type="city",
        created_at=year_ago,
        last_contact_at=year_ago,
    )
    ClientPhone.objects.create(client=old_client, number="+380671234567", raw="067 123 45 67")
    recent_client = Client.objects.create(
        name="Іван",
        age=41,
        age_status=AgeStatus.KNOWN,
        gender=Gender.MALE,
        oblast="UA-23",
        created_at=week_ago,
        last_contact_at=week_ago,
    )
    ClientPhone.objects.create(client=recent_client, number="+380501112233")

    old_consultation = Consultation.objects.create(
        client=old_client,
        consultant=consultant,
        summary="Питання про екстрену контрацепцію",
        action_taken="Направлено до жіночої консультації",
        outcome="referred",
        created_at=year_ago,
    )
    old_consultation.take_snapshot()
    old_consultation.save()
    old_consultation.topics.set(topics)
    recent_consultation = Consultation.objects.create(
        client=recent_client, consultant=consultant, summary="Консультація", created_at=week_ago
    )
    recent_consultation.take_snapshot()
    recent_consultation.save()
    recent_consultation.topics.set(topics[:1])

    write_file(recordings, "2025/old.wav", b"RIFF old recording")
    write_file(recordings, "recent.wav", b"RIFF recent recording")
    old_call = call(
        "1700000000.1",
        year_ago,
        dialled_number="+380800500335",
        caller_number="+380671234567",
        caller_number_raw="0671234567",
        client=old_client,
        consultant=consultant,
        consultation=old_consultation,
        answered_at=year_ago + datetime.timedelta(seconds=12),
        ended_at=year_ago + datetime.timedelta(seconds=312),
        wait_seconds=12,
        talk_seconds=300,
        disposition=Disposition.ANSWERED,
        recording_file="2025/old.wav",
    )
    CallComment.objects.create(call=old_call, author=consultant, text="Клієнтка плакала")
    recent_call = call(
        "1790000000.5",
        week_ago,
        dialled_number="+380800500335",
        caller_number="+380501112233",
        client=recent_client,
        consultant=consultant,
        consultation=recent_consultation,
        wait_seconds=3,
        talk_seconds=95,
        disposition=Disposition.ANSWERED,
        recording_file="recent.wav",
    )
    # Missed a year ago: the worklist holds it for a callback, with her number.
    missed_call = call(
        "1700000050.4",
        year_ago,
        dialled_number="+380800500335",
        caller_number="+380671234567",
        client=old_client,
        ended_at=year_ago + datetime.timedelta(seconds=30),
        wait_seconds=30,
        disposition=Disposition.ABANDONED,
    )
    WorklistItem.objects.create(
        kind=Kind.MISSED,
        call=missed_call,
        caller_number="+380671234567",
        dialled_number="+380800500335",
        created_at=year_ago,
    )
    unknown_caller_call = call(
        "1700000100.2",
        year_ago,
        dialled_number="+380671110000",
        caller_number="+380931234567",
        disposition=Disposition.VOICEMAIL,
        wait_seconds=40,
    )
    write_file(voicemails, "default/100/INBOX/msg0000.wav", b"RIFF old voicemail")
    old_voicemail = WorklistItem.objects.create(
        kind=Kind.VOICEMAIL,
        call=unknown_caller_call,
        caller_number="+380931234567",
        dialled_number="+380671110000",
        audio_file="default/100/INBOX/msg0000.wav",
        duration_seconds=14,
        created_at=year_ago,
    )
    WorklistItem.objects.create(
        kind=Kind.CALLBACK,
        caller_number="+380931234567",
        number_to_call="+380931234567",
        created_at=year_ago,
    )

    Trunk.objects.create(
        name="toll-free",
        operator="toll_free",
        number="+380800500335",
        host="sip.example.net",
        username="hotline",
        password="trunk-secret",
        register=True,
        is_default_outbound=True,
    )
    ConsultantLine.objects.create(
        user=consultant, extension="1001", webrtc_password="w" * 24, sip_password="s" * 24
    )
    WorkingHours.objects.create(
        weekday=0, opens_at=datetime.time(9, 0), closes_at=datetime.time(18, 0)
    )
    ScheduleException.objects.create(date=datetime.date(2026, 12, 25), name="Різдво")
    pbx = PbxSettings.load()
    pbx.max_wait_seconds = 90
    pbx.save()
    write_file(Path(settings.PROMPTS_DIR), "welcome.wav", b"RIFF our own welcome")
    Prompt.objects.create(
        name="welcome", source=PromptSource.UPLOAD, original_name="привіт.mp3", duration_seconds=3
    )
    # Permissions travel by natural key: their ids differ on every installation.
    Group.objects.get(name="supervisor").permissions.add(
        Permission.objects.get(codename="view_client")
    )
    consultant.user_permissions.add(Permission.objects.get(codename="add_consultation"))
    maintenance = MaintenanceSettings.load()
    maintenance.backups_keep = 3
    maintenance.save()
    return Sample(
        old_client=old_client,
        recent_client=recent_client,
        old_call=old_call,
        recent_call=recent_call,
        unknown_caller_call=unknown_caller_call,
        missed_call=missed_call,
        old_voicemail=old_voicemail,
    )
