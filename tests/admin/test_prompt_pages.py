import subprocess
import wave
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.urls import reverse

from hotline_admin import prompts
from hotline_admin.models import AppliedChange, Prompt, PromptSource


def tone(path: Path, seconds: float, codec: list[str], rate: int = 44100) -> bytes:
    """A real audio file of a 440 Hz tone, made by ffmpeg in the format asked for."""
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}:sample_rate={rate}",
            "-ac",
            "2",
            *codec,
            str(path),
        ],
        check=True,
    )
    return path.read_bytes()


@pytest.fixture
def admin_browser(dave) -> Browser:
    browser = Browser()
    browser.force_login(dave)
    return browser


def upload(browser: Browser, name: str, filename: str, content: bytes, accept="text/html"):
    return browser.post(
        reverse("hotline_admin:prompt_upload", args=[name]),
        {"audio": SimpleUploadedFile(filename, content)},
        headers={"Accept": accept},
    )


@pytest.mark.parametrize(
    ("filename", "codec"),
    [
        ("привітання.mp3", ["-c:a", "libmp3lame"]),
        ("greeting.ogg", ["-c:a", "libvorbis"]),
        ("greeting.m4a", ["-c:a", "aac"]),
        ("greeting.wav", ["-c:a", "pcm_s24le"]),
        ("recording.webm", ["-c:a", "libopus"]),
    ],
)
def test_an_upload_in_any_common_format_becomes_8khz_mono_wav(
    admin_browser, storage, tmp_path, filename, codec
):
    content = tone(tmp_path / filename, 2.5, codec)

    upload(admin_browser, "greeting", filename, content)

    target = storage["PROMPTS_DIR"] / "greeting.wav"
    with wave.open(str(target)) as converted:
        assert converted.getframerate() == 8000
        assert converted.getnchannels() == 1
        assert converted.getsampwidth() == 2
        seconds = converted.getnframes() / 8000
    assert 2.4 <= seconds <= 2.6
    prompt = Prompt.objects.get(name="greeting")
    assert prompt.original_name == filename
    assert 2.4 <= float(prompt.duration_seconds) <= 2.6
    assert prompt.source == PromptSource.UPLOAD
    # The dialplan now names the new file, so saving re-applied the configuration.
    assert AppliedChange.objects.count() == 1


def test_a_browser_recording_is_marked_as_such_and_answered_in_json(admin_browser, tmp_path):
    content = tone(tmp_path / "microphone.webm", 1.5, ["-c:a", "libopus"], rate=48000)
    response = admin_browser.post(
        reverse("hotline_admin:prompt_upload", args=["hours"]),
        {"audio": SimpleUploadedFile("microphone.webm", content), "source": "microphone"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert Prompt.objects.get(name="hours").source == PromptSource.MICROPHONE


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("notes.mp3", "це не звук, а текст".encode(), "немає звуку"),
        ("empty.mp3", b"", "Файл порожній"),
        (
            "playlist.m3u8",
            b"#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/a.mp3\n",
            "немає звуку",
        ),
    ],
)
def test_files_that_are_not_audio_are_refused_in_ukrainian(
    admin_browser, storage, filename, content, message
):
    response = admin_browser.post(
        reverse("hotline_admin:prompt_upload", args=["greeting"]),
        {"audio": SimpleUploadedFile(filename, content)},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not (storage["PROMPTS_DIR"] / "greeting.wav").exists()
    assert not Prompt.objects.exists()


def test_an_image_is_refused(admin_browser, tmp_path):
    picture = tmp_path / "photo.png"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=red:s=32x32",
            "-frames:v",
            "1",
            str(picture),
        ],
        check=True,
    )
    response = admin_browser.post(
        reverse("hotline_admin:prompt_upload", args=["greeting"]),
        {"audio": SimpleUploadedFile("photo.png", picture.read_bytes())},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "немає звуку" in response.json()["error"]


def test_a_file_over_the_size_limit_is_refused(admin_browser, monkeypatch):
    monkeypatch.setattr(prompts, "MAX_UPLOAD_BYTES", 1024)
    response = admin_browser.post(
        reverse("hotline_admin:prompt_upload", args=["greeting"]),
        {"audio": SimpleUploadedFile("big.mp3", b"\0" * 2048)},
        headers={"Accept": "application/json"},
    )
    assert "Файл завеликий" in response.json()["error"]


def test_a_too_short_recording_is_refused(admin_browser, tmp_path):
    content = tone(tmp_path / "click.mp3", 0.1, ["-c:a", "libmp3lame"])
    response = upload(admin_browser, "greeting", "click.mp3", content, accept="application/json")
    assert response.status_code == 400
    assert "Запис закороткий" in response.json()["error"]
    assert not Prompt.objects.exists()


def test_an_unknown_prompt_name_is_not_found(admin_browser, tmp_path):
    content = tone(tmp_path / "a.mp3", 1, ["-c:a", "libmp3lame"])
    response = upload(admin_browser, "no-such-prompt", "a.mp3", content)
    assert response.status_code == 404


def test_listening_and_restoring_the_default(admin_browser, storage, settings, tmp_path):
    default = Path(settings.HOTLINE_ASTERISK_DIR) / "prompts" / "greeting.wav"
    default.parent.mkdir(parents=True)
    default.write_bytes(b"RIFF default greeting")
    audio_url = reverse("hotline_admin:prompt_audio", args=["greeting"])
    assert b"".join(admin_browser.get(audio_url).streaming_content) == b"RIFF default greeting"

    upload(admin_browser, "greeting", "a.mp3", tone(tmp_path / "a.mp3", 1, ["-c:a", "libmp3lame"]))
    own = (storage["PROMPTS_DIR"] / "greeting.wav").read_bytes()
    assert b"".join(admin_browser.get(audio_url).streaming_content) == own

    admin_browser.post(reverse("hotline_admin:prompt_restore", args=["greeting"]))
    assert not (storage["PROMPTS_DIR"] / "greeting.wav").exists()
    assert not Prompt.objects.exists()
    # Applying the change may have generated the real default prompts meanwhile.
    heard = b"".join(admin_browser.get(audio_url).streaming_content)
    assert heard == default.read_bytes()
    assert heard != own


def test_the_prompt_page_lists_every_prompt_of_the_pbx(admin_browser):
    page = admin_browser.get(reverse("hotline_admin:prompts")).content.decode()
    for info in prompts.catalogue():
        assert f'id="prompt-{info.name}"' in page
    assert "Вітаємо!" in page  # the default text of the greeting


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_only_the_administrator_uploads_or_listens(request, persona, tmp_path):
    browser = Browser()
    browser.force_login(request.getfixturevalue(persona))
    content = tone(tmp_path / "a.mp3", 1, ["-c:a", "libmp3lame"])
    assert upload(browser, "greeting", "a.mp3", content).status_code == 403
    assert browser.get(reverse("hotline_admin:prompt_audio", args=["greeting"])).status_code == 403
    assert browser.get(reverse("hotline_admin:prompts")).status_code == 403
    assert not Prompt.objects.exists()
