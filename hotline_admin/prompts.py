"""Voice prompts the administrator replaces: check the upload, convert it, put it in place.

Any common audio format is accepted (MP3, OGG, WAV, M4A, FLAC, the WebM or
OGG a browser's MediaRecorder makes) and converted with ffmpeg into what
Asterisk plays without transcoding: 8 kHz mono 16-bit WAV. The file is
replaced atomically, so a caller never hears half of it.
"""

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline_admin.models import Prompt, PromptSource

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_SECONDS = 300
MIN_SECONDS = Decimal("0.3")
SAMPLE_RATE = 8000
CONVERT_TIMEOUT_SECONDS = 120
# ffprobe's names for the containers we accept. Anything else (playlists,
# images, video-only files) is refused before ffmpeg opens it for real.
ACCEPTED_FORMATS = {
    "wav",
    "mp3",
    "ogg",
    "matroska,webm",
    "mov,mp4,m4a,3gp,3g2,mj2",
    "flac",
    "aac",
    "amr",
    "aiff",
}
# ffmpeg must read the uploaded file and nothing else: no URLs, no playlists.
_ONLY_LOCAL_FILES = ["-protocol_whitelist", "file"]


class PromptError(Exception):
    """An upload that cannot become a prompt, with a message for the administrator."""


@dataclass(frozen=True)
class PromptInfo:
    """One prompt the PBX plays, with the default Ukrainian recording it falls back to."""

    name: str
    title: str
    text: str
    default_path: Path | None


def default_texts() -> dict[str, str]:
    """What each default prompt says, from the PBX's source of the default recordings."""
    source = Path(settings.BASE_DIR) / "asterisk" / "prompts" / "uk.txt"
    texts = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        name, separator, text = line.partition("|")
        if separator and not name.startswith("#"):
            texts[name.strip()] = text.strip()
    return texts


def catalogue() -> list[PromptInfo]:
    from hotline_asterisk_connector.pbx.prompts import PROMPTS, default_prompts_dir

    defaults = default_prompts_dir(Path(settings.HOTLINE_ASTERISK_DIR))
    texts = default_texts()
    return [
        PromptInfo(
            name=kind.name,
            title=str(kind.description),
            text=texts.get(kind.name, ""),
            default_path=defaults / f"{kind.name}.wav",
        )
        for kind in PROMPTS
    ]


def current_path(info: PromptInfo) -> Path | None:
    """The file callers hear now: the administrator's own, or the default."""
    own = prompt_path(info.name)
    if own.is_file():
        return own
    if info.default_path is not None and info.default_path.is_file():
        return info.default_path
    return None


@dataclass(frozen=True)
class Probe:
    format_name: str
    duration: Decimal


def prompt_path(name: str) -> Path:
    return Path(settings.PROMPTS_DIR) / f"{name}.wav"


def probe(path: Path) -> Probe:
    try:
        completed = subprocess.run(
            [
                "ffprobe",
                *_ONLY_LOCAL_FILES,
                "-v",
                "error",
                "-show_entries",
                "format=format_name,duration:stream=codec_type",
                "-of",
                "json",
                str(path),
            ],
            capture_output=True,
            timeout=CONVERT_TIMEOUT_SECONDS,
            check=False,
        )
        info = json.loads(completed.stdout or b"{}")
    except (subprocess.TimeoutExpired, ValueError) as error:
        raise PromptError(_("This file could not be read as audio.")) from error
    streams = [stream.get("codec_type") for stream in info.get("streams", [])]
    format_name = info.get("format", {}).get("format_name", "")
    if completed.returncode != 0 or "audio" not in streams:
        raise PromptError(
            _("This file has no sound we can read. Upload an MP3, OGG, WAV or M4A file.")
        )
    if format_name not in ACCEPTED_FORMATS:
        raise PromptError(
            _("Files of this kind are not accepted. Upload an MP3, OGG, WAV or M4A file.")
        )
    try:
        duration = Decimal(info["format"]["duration"])
    except (KeyError, ArithmeticError, ValueError):
        # Browser recordings (WebM) often carry no duration; the converted WAV does.
        duration = Decimal(0)
    return Probe(format_name=format_name, duration=duration)


def convert(source: Path, target: Path) -> None:
    try:
        completed = subprocess.run(
            [
                "ffmpeg",
                *_ONLY_LOCAL_FILES,
                "-nostdin",
                "-v",
                "error",
                "-y",
                "-i",
                str(source),
                "-vn",
                "-ac",
                "1",
                "-ar",
                str(SAMPLE_RATE),
                "-c:a",
                "pcm_s16le",
                "-f",
                "wav",
                str(target),
            ],
            capture_output=True,
            timeout=CONVERT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise PromptError(_("Converting this file took too long. Try a shorter one.")) from error
    if completed.returncode != 0:
        raise PromptError(_("This file could not be converted. Try saving it as MP3 or WAV."))


def wav_seconds(path: Path) -> Decimal:
    """Length of a 16-bit mono WAV we wrote ourselves, from its data size."""
    data_bytes = path.stat().st_size - 44
    return (Decimal(max(data_bytes, 0)) / (SAMPLE_RATE * 2)).quantize(Decimal("0.01"))


def check_upload(upload: UploadedFile) -> None:
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise PromptError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "size": round(upload.size / 1024 / 1024, 1),
                "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
            }
        )
    if not upload.size:
        raise PromptError(_("The file is empty."))


def replace_prompt(
    name: str, upload: UploadedFile, source: PromptSource, user: AbstractBaseUser | None
) -> Prompt:
    """Check and convert the upload, put it in place of the prompt `name`, and record it."""
    check_upload(upload)
    target = prompt_path(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="prompt-") as scratch:
        original = Path(scratch) / "upload"
        with original.open("wb") as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
        probe(original)
        # Converted next to the target, then renamed over it: one atomic step.
        converted = target.with_name(f".{target.name}.{os.getpid()}.partial")
        try:
            convert(original, converted)
            seconds = wav_seconds(converted)
            if seconds < MIN_SECONDS:
                raise PromptError(_("The recording is too short: it has almost no sound."))
            if seconds > MAX_SECONDS:
                raise PromptError(
                    _("The recording is too long: at most %(minutes)s minutes.")
                    % {"minutes": MAX_SECONDS // 60}
                )
            converted.chmod(0o644)
            os.replace(converted, target)
        finally:
            converted.unlink(missing_ok=True)
    with transaction.atomic():
        prompt, _created = Prompt.objects.update_or_create(
            name=name,
            defaults={
                "source": source,
                "original_name": (upload.name or "")[:255],
                "duration_seconds": seconds,
                "uploaded_by": user if user is not None and user.is_authenticated else None,
                "uploaded_at": timezone.now(),
            },
        )
    return prompt


def restore_default(name: str) -> None:
    """Forget the administrator's recording: the PBX plays its default prompt again."""
    prompt_path(name).unlink(missing_ok=True)
    Prompt.objects.filter(name=name).delete()
