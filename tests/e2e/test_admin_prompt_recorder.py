"""The administrator records a voice prompt with the browser's microphone."""

import wave
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hotline_admin.models import Prompt, PromptSource
from tests.e2e.conftest import BROWSER_TEST, sign_in_staff, start_web
from tests.support import webapp

pytestmark = BROWSER_TEST


@pytest.fixture
def settings_web(transactional_db, namespace, artefacts, tmp_path):
    """The web app with its own prompt and Asterisk directories, and no Asterisk."""
    _space, bridge = namespace
    app = start_web(
        bridge,
        artefacts,
        {
            "HOTLINE_PROMPTS_DIR": str(tmp_path / "prompts"),
            "HOTLINE_ASTERISK_DIR": str(tmp_path / "asterisk"),
            "HOTLINE_RECORDINGS_DIR": str(tmp_path / "recordings"),
            "HOTLINE_VOICEMAIL_DIR": str(tmp_path / "voicemail"),
            "HOTLINE_AMI_PORT": str(webapp.free_port()),
        },
    )
    yield app
    app.stop()


def test_a_prompt_recorded_with_the_microphone_replaces_the_default(
    settings_web, chromium, dave, tmp_path
):
    page = sign_in_staff(chromium, settings_web, dave, "/settings/prompts/")

    greeting = page.locator("article#prompt-greeting")
    expect(greeting).to_contain_text("Зараз звучить: стандартне оголошення")
    recorder = greeting.locator(".recorder")
    # Only what applies is shown: nothing to stop or save before a recording.
    expect(recorder.locator("[data-action=record]")).to_be_visible()
    for hidden in ("[data-action=stop]", "[data-action=save]", "[data-role=level]"):
        expect(recorder.locator(hidden)).to_be_hidden()
    recorder.locator("[data-action=record]").click()
    expect(recorder.locator("[data-action=record]")).to_be_hidden()
    # Chromium's fake microphone beeps: the level meter moves while it records.
    # Stopped from inside the page as soon as the meter moves: a recording well
    # under two seconds, however slow the machine is to send the next click.
    page.wait_for_function(
        """box => {
            if (Number(box.dataset.level || 0) <= 0.01) return false;
            box.querySelector("[data-action=stop]").click();
            return true;
        }""",
        arg=recorder.element_handle(),
    )
    # Well under two seconds: a warning, and the recording may still be saved or redone.
    expect(recorder.locator("[data-role=short]")).to_be_visible()
    expect(recorder.locator("[data-role=short]")).to_contain_text("коротший за 2 секунди")
    expect(recorder.locator("[data-role=level]")).to_be_hidden()

    recorder.locator("[data-action=record]").click()
    expect(recorder.locator("[data-action=save]")).to_be_hidden()
    # Record two seconds of it.
    page.wait_for_function(
        "box => Number(box.dataset.recordedMs || 0) >= 2000", arg=recorder.element_handle()
    )
    recorder.locator("[data-action=stop]").click()
    expect(recorder.locator("[data-role=short]")).to_be_hidden()
    recorder.locator("[data-action=save]").click()

    expect(page.locator("article#prompt-greeting")).to_contain_text(
        "Зараз звучить: власний запис", timeout=30_000
    )
    prompt = Prompt.objects.get(name="greeting")
    assert prompt.source == PromptSource.MICROPHONE
    assert prompt.uploaded_by == dave
    with wave.open(str(Path(tmp_path / "prompts" / "greeting.wav"))) as converted:
        assert converted.getframerate() == 8000
        assert converted.getnchannels() == 1
        assert converted.getnframes() / 8000 >= 1.5
