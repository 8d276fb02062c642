"""Playing a recording or a voice message: the audit row, then the audio.

A player fetches one file in many Range requests (seeking, buffering), so
one play is one audit row: a repeat of the same file by the same person
within PLAY_WINDOW adds none. A range request never escapes the trail: the
first request of any kind writes the row.
"""

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from hotline_asterisk_connector.models.calls import Call
from hotline_audit.models import AuditEvent
from hotline_audit.trail import Kind, record
from hotline_workspace import audio
from hotline_workspace.models import WorklistItem

PLAY_WINDOW = timedelta(minutes=10)


def play_recording(request: HttpRequest, call: Call) -> HttpResponse:
    path = audio.resolve(settings.RECORDINGS_DIR, call.recording_file)
    _record_play(request, Kind.RECORDING_PLAY, call, call.client_id)
    return audio.stream(request, path)


def play_voice_message(request: HttpRequest, item: WorklistItem) -> HttpResponse:
    path = audio.resolve(settings.VOICEMAIL_DIR, item.audio_file)
    client_id = item.call.client_id if item.call_id else None
    _record_play(request, Kind.VOICEMAIL_PLAY, item, client_id)
    return audio.stream(request, path)


def _record_play(request: HttpRequest, kind: Kind, obj, client_id: int | None) -> None:
    recent = AuditEvent.objects.filter(
        kind=kind,
        user=request.user,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        at__gte=timezone.now() - PLAY_WINDOW,
    )
    if not recent.exists():
        record(kind, request=request, obj=obj, client=client_id)
