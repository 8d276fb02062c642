"""A consultant comments on a call and plays its recording; a colleague cannot open them."""

import datetime
import math
import struct
import wave
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from hotline_asterisk_connector.models import Call, Disposition
from tests.e2e.conftest import BROWSER_TEST, screenshot, sign_in

pytestmark = BROWSER_TEST

RATE = 8000
SECONDS = 3


def write_tone(path) -> None:
    """Three seconds of a 440 Hz tone, 8 kHz mono 16-bit, as MixMonitor writes WAV."""
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(RATE)
        audio.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / RATE)))
                for n in range(RATE * SECONDS)
            )
        )


def test_comment_and_recording_are_the_consultants_own(
    web, chromium, second_chromium, alice, bob, recordings_dir
):
    write_tone(recordings_dir / "call.wav")
    call = Call.objects.create(
        linkedid="e2e.1",
        caller_number="+380671234567",
        dialled_number="+380800500001",
        consultant=alice,
        started_at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Kyiv")),
        answered_at=datetime.datetime(2026, 3, 2, 10, 0, 12, tzinfo=ZoneInfo("Europe/Kyiv")),
        # Ended: a call without an end is one in progress, which the desk opens.
        ended_at=datetime.datetime(2026, 3, 2, 10, 3, 17, tzinfo=ZoneInfo("Europe/Kyiv")),
        talk_seconds=185,
        wait_seconds=12,
        disposition=Disposition.ANSWERED,
        recording_file="call.wav",
    )

    desk = sign_in(chromium, web, alice, "/journal/")
    journal = desk.frame_locator("#frame-main")
    row = journal.locator(f"tr[data-call-id='{call.pk}']")
    expect(row.locator(".talk-seconds")).to_have_text("185")
    screenshot(desk, "journal")
    row.get_by_role("link").first.click()

    journal.locator("textarea[name=text]").fill("Просила передзвонити після 18:00")
    journal.get_by_role("button", name="Додати коментар").click()
    comment = journal.locator("ol.comments li").first
    expect(comment.locator(".text")).to_have_text("Просила передзвонити після 18:00")
    expect(comment.locator(".meta")).to_contain_text("Аліна")

    # The recording plays in the page and seeks: the player fetched byte ranges.
    desk.wait_for_function(
        """() => {
            const audio = document.querySelector('#frame-main').contentDocument
                .querySelector('audio#recording');
            return audio && audio.readyState >= 1 && Math.round(audio.duration) === 3;
        }"""
    )
    desk.evaluate(
        """() => new Promise((resolve) => {
            const audio = document.querySelector('#frame-main').contentDocument
                .querySelector('audio#recording');
            audio.addEventListener('seeked', resolve, {once: true});
            audio.currentTime = 2.5;
        })"""
    )

    bobs_desk = sign_in(second_chromium, web, bob)
    assert bobs_desk.request.get(f"{web.url}/journal/{call.pk}/").status == 404
    assert bobs_desk.request.get(f"{web.url}/journal/{call.pk}/recording").status == 404
    bobs_journal = bobs_desk.frame_locator("#frame-main")
    bobs_desk.evaluate("url => { document.querySelector('#frame-main').src = url; }", "/journal/")
    expect(bobs_journal.get_by_text("Жодного дзвінка не знайдено.")).to_be_visible()
