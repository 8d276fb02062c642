"""Recordings and voice messages streamed to the browser, seekable through HTTP Range.

Audio of calls about health and violence never sits under STATIC or MEDIA:
views check who asks, then hand the file over with these helpers.
"""

import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse

_CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_AUDIO_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".opus": "audio/ogg",
}


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as HTTP counts

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class Unsatisfiable(Exception):
    """The Range header asks for bytes the file does not have."""


def parse_range(header: str, size: int) -> ByteRange | None:
    """The single byte range a Range header asks for; None means: send the whole file.

    Several ranges at once are legal but no audio player asks for them, so
    they get the whole file, which HTTP allows.
    """
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match:
        return None
    first, last = (_bounded(group) for group in match.groups())
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0:
            raise Unsatisfiable
        return ByteRange(max(size - suffix, 0), size - 1)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise Unsatisfiable
    return ByteRange(start, end)


def _bounded(digits: str) -> str:
    """More than 18 digits is beyond any file (and beyond what int() will parse
    from a string of 5,000): the same as the largest such number."""
    return "9" * 18 if len(digits) > 18 else digits


def resolve(directory: Path, name: str) -> Path:
    """The file `name` inside `directory`; 404 for anything missing or outside it."""
    if not name:
        raise Http404
    root = directory.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise Http404
    return path


def stream(request: HttpRequest, path: Path) -> HttpResponse:
    """The file, whole (200) or the asked range (206), never cached by anyone."""
    size = path.stat().st_size
    content_type = _AUDIO_TYPES.get(path.suffix.lower()) or (
        mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    try:
        byte_range = parse_range(request.headers.get("Range", ""), size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _private(response)
    if byte_range is None:
        response = FileResponse(path.open("rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        response = StreamingHttpResponse(
            _read(path, byte_range), status=206, content_type=content_type
        )
        response["Content-Length"] = str(byte_range.length)
        response["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return _private(response)


def _read(path: Path, byte_range: ByteRange) -> Iterator[bytes]:
    with path.open("rb") as audio:
        audio.seek(byte_range.start)
        left = byte_range.length
        while left > 0:
            chunk = audio.read(min(_CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
