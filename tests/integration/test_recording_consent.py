"""Recording with consent, against the real Asterisk: only conversations with a
consultant are recorded, a caller who presses 0 after the notice is not, and the
journal says so; outgoing calls are recorded only when the administrator says so."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from hotline_asterisk_connector.models import Call, Disposition, ScheduleException
from hotline_workspace.models import Kind, WorklistItem
from tests.connector.running import wait_for
from tests.integration.conftest import CARRIERS
from tests.integration.test_pbx_inbound import audio_seconds
from tests.integration.test_pbx_outbound import originate
from tests.support.ami import event, user_event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db(transaction=True)]

CALLER = "0671234567"
DECLINED = "Без запису (абонент відмовився)"
# How long the parties talk: longer than the consultant's Local channel takes to
# optimise itself away (about 2 s), which once ended a recording made on it.
TALK_SECONDS = 4


@pytest.fixture
def consultant_on_duty(pbx, alice):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    pbx.phone(line)
    pbx.log_in(line)
    return pbx


def recording_events(pbx, linkedid: str) -> list:
    return pbx.ami.matching(
        lambda e: e.get("Variable") == "MIXMONITOR_FILENAME" and e.get("Linkedid") == linkedid,
        since=pbx.mark,
    )


def recording_files(linkedid: str) -> list[Path]:
    return list(Path(settings.RECORDINGS_DIR).rglob(f"{linkedid}*"))


def ended_call(linkedid: str) -> Call:
    return wait_for(
        lambda: Call.objects.filter(linkedid=linkedid, ended_at__isnull=False).first(),
        f"call {linkedid} in the journal, ended",
    )


def journal_page(user, call: Call) -> tuple[str, str]:
    browser = Browser()
    browser.force_login(user)
    listing = browser.get(reverse("hotline_workspace:journal"))
    detail = browser.get(reverse("hotline_workspace:call", args=[call.pk]))
    assert (listing.status_code, detail.status_code) == (200, 200)
    return listing.content.decode(), detail.content.decode()


def talk_then_hang_up(pbx, linkedid: str, caller_channel: str) -> None:
    """Connected to the consultant: let them talk, then the caller hangs up."""
    pbx.ami.wait_for(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    time.sleep(TALK_SECONDS)
    pbx.hang_up(caller_channel)


def test_a_caller_who_presses_0_talks_to_a_consultant_unrecorded(
    consultant_on_duty, connector, alice
):
    pbx = consultant_on_duty
    connector.start()
    pbx.call("vodafone", CALLER)
    inbound = pbx.inbound(CALLER)
    channel, linkedid = inbound["Channel"], inbound["Linkedid"]

    pbx.wait_app(channel, "Read", "recording-notice", since=pbx.mark)
    pbx.press(channel, "0")
    pbx.ami.wait_for(user_event("HotlineRecordingDeclined", Linkedid=linkedid), since=pbx.mark)
    talk_then_hang_up(pbx, linkedid, channel)

    call = ended_call(linkedid)
    assert (call.disposition, call.consultant) == (Disposition.ANSWERED, alice)
    assert call.talk_seconds >= TALK_SECONDS - 1
    assert call.recording_declined and call.recording_file == ""
    assert recording_events(pbx, linkedid) == []
    assert recording_files(linkedid) == []
    listing, detail = journal_page(call.consultant, call)
    assert DECLINED in listing and DECLINED in detail
    assert "<audio" not in detail


def test_a_caller_who_does_not_press_0_is_recorded(consultant_on_duty, connector):
    pbx = consultant_on_duty
    connector.start()
    pbx.call("vodafone", CALLER)
    inbound = pbx.inbound(CALLER)
    channel, linkedid = inbound["Channel"], inbound["Linkedid"]

    pbx.wait_app(channel, "Read", "recording-notice", since=pbx.mark)
    connect = pbx.ami.wait_for(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    recording = pbx.ami.wait_for(
        lambda e: e.get("Variable") == "MIXMONITOR_FILENAME" and e.get("Linkedid") == linkedid,
        since=pbx.mark,
    )
    path = Path(recording["Value"])
    pbx.asterisk.wait_until(
        lambda: path.exists() and path.stat().st_size >= 44 + TALK_SECONDS * 16000,
        f"{TALK_SECONDS} s of the conversation on disk",
    )
    pbx.hang_up(channel)
    hangup = pbx.ami.matching(event("Hangup", Channel=channel), since=pbx.mark)[0]
    # The whole conversation and nothing before it: not the greeting, not the wait.
    talked = float(hangup["Timestamp"]) - float(connect["Timestamp"])
    pbx.asterisk.wait_until(
        lambda: abs(audio_seconds(path) - talked) < 1.0, "the recording as long as the talk"
    )

    call = ended_call(linkedid)
    assert call.disposition == Disposition.ANSWERED
    assert not call.recording_declined
    recorded = pbx.asterisk.wait_until(
        lambda: [r["recording"] for r in pbx.asterisk.cdr(linkedid) if r["recording"]],
        "the recording in the CDR",
    )
    assert set(recorded) == {str(path)}
    assert (Path(settings.RECORDINGS_DIR) / call.recording_file) == path
    assert pbx.ami.matching(user_event("HotlineRecordingDeclined", Linkedid=linkedid)) == []
    listing, detail = journal_page(call.consultant, call)
    assert DECLINED not in listing and DECLINED not in detail
    assert '<audio id="recording"' in detail


def test_a_call_the_consultant_takes_on_the_mobile_is_recorded(pbx, alice):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101", mobile_number="063 765 43 21")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    lifecell = CARRIERS["lifecell"]
    pbx.sipp.answering("mobile", lifecell.address, pbx.carrier_ports["lifecell"])
    pbx.log_in(line)
    pbx.call("tollfree", CALLER)
    inbound = pbx.inbound(CALLER)
    linkedid = inbound["Linkedid"]
    dial = pbx.dial_to("lifecell", pbx.mark)
    pbx.wait_app(dial["DestChannel"], "Read", "mobile-confirm", since=pbx.mark)
    # Ringing and the «press 1» prompt are no conversation yet.
    assert recording_events(pbx, linkedid) == []
    pbx.press(dial["DestChannel"], "1")

    connect = pbx.ami.wait_for(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    recording = pbx.ami.wait_for(
        lambda e: e.get("Variable") == "MIXMONITOR_FILENAME" and e.get("Linkedid") == linkedid,
        since=pbx.mark,
    )
    path = Path(recording["Value"])
    pbx.asterisk.wait_until(
        lambda: path.exists() and path.stat().st_size >= 44 + TALK_SECONDS * 16000,
        f"{TALK_SECONDS} s of the conversation on disk",
    )
    pbx.hang_up(inbound["Channel"])
    hangup = pbx.ami.matching(event("Hangup", Channel=inbound["Channel"]), since=pbx.mark)[0]
    talked = float(hangup["Timestamp"]) - float(connect["Timestamp"])
    pbx.asterisk.wait_until(
        lambda: abs(audio_seconds(path) - talked) < 1.0, "the recording as long as the talk"
    )
    assert path.name == f"{linkedid}.wav"


def test_an_off_hours_call_leaves_its_voice_message_and_no_conversation_recording(pbx, connector):
    ScheduleException.objects.create(date=timezone.localdate(), name="Свято", is_closed=True)
    pbx.add_trunks()
    pbx.apply()
    connector.start()
    pbx.call("tollfree", CALLER)
    inbound = pbx.inbound(CALLER)
    channel, linkedid = inbound["Channel"], inbound["Linkedid"]

    pbx.wait_app(channel, "Read", "offhours-menu", since=pbx.mark)
    pbx.press(channel, "1")
    record = pbx.wait_app(channel, "Record", since=pbx.mark)
    message = Path(record["AppData"].split(",")[0])
    pbx.asterisk.wait_until(
        lambda: message.exists() and message.stat().st_size > 44 + 16000, "the voice message"
    )
    pbx.hang_up(channel)

    call = ended_call(linkedid)
    assert call.disposition == Disposition.VOICEMAIL
    assert call.recording_file == "" and not call.recording_declined
    assert wait_for(
        lambda: WorklistItem.objects.filter(kind=Kind.VOICEMAIL).filter(call=call).exists(),
        "the voice message row",
    )
    assert recording_events(pbx, linkedid) == []
    assert recording_files(linkedid) == []
    # Nothing is recorded, so nobody is told it will be.
    notices = pbx.ami.matching(
        lambda e: e.get("Channel") == channel and "recording-notice" in e.get("AppData", ""),
        since=pbx.mark,
    )
    assert notices == []


def test_a_caller_nobody_answers_is_not_recorded(pbx, connector):
    pbx.add_trunks()
    pbx.apply()
    connector.start()
    pbx.call("tollfree", CALLER)
    inbound = pbx.inbound(CALLER)
    channel, linkedid = inbound["Channel"], inbound["Linkedid"]

    pbx.ami.wait_for(user_event("HotlineMenu", Linkedid=linkedid), since=pbx.mark)
    pbx.hang_up(channel)

    call = ended_call(linkedid)
    assert call.disposition == Disposition.NOBODY_AVAILABLE
    # The recorder waited for a conversation that never came: no file, none in the journal.
    assert call.recording_file == ""
    assert recording_files(linkedid) == []
    pbx.asterisk.wait_until(
        lambda: [r for r in pbx.asterisk.cdr(linkedid) if r["channel"] == channel],
        "the caller's CDR",
    )
    assert [row["recording"] for row in pbx.asterisk.cdr(linkedid) if row["recording"]] == []


def call_out(pbx) -> tuple[str, str]:
    """Alice calls a landline through kyivstar: the call's linkedid and the callee's channel,
    once the callee answered."""
    kyivstar = CARRIERS["kyivstar"]
    pbx.sipp.answering("callee", kyivstar.address, pbx.carrier_ports["kyivstar"])
    originate(pbx, "101", "380442223344", trunk="kyivstar")
    answered = pbx.ami.wait_for(
        lambda e: (
            e.event == "DialEnd"
            and e.get("DestChannel", "").startswith("PJSIP/trunk-kyivstar-")
            and e.get("DialStatus") == "ANSWER"
        ),
        since=pbx.mark,
        what="the callee's answer",
    )
    return answered["Linkedid"], answered["DestChannel"]


@pytest.fixture
def consultant_online(pbx, alice):
    pbx.add_trunks()
    return pbx, pbx.add_consultant(alice, "101")


def test_an_outgoing_call_is_not_recorded_by_default(consultant_online):
    pbx, line = consultant_online
    pbx.apply()
    pbx.phone(line)
    linkedid, callee = call_out(pbx)
    time.sleep(TALK_SECONDS)
    pbx.hang_up(callee)

    assert recording_events(pbx, linkedid) == []
    assert recording_files(linkedid) == []


def test_an_outgoing_call_is_recorded_with_the_setting_on(consultant_online):
    pbx, line = consultant_online
    pbx.settings(record_outbound=True)
    pbx.apply()
    pbx.phone(line)
    linkedid, callee = call_out(pbx)
    recording = pbx.ami.wait_for(
        lambda e: e.get("Variable") == "MIXMONITOR_FILENAME" and e.get("Linkedid") == linkedid,
        since=pbx.mark,
    )
    path = Path(recording["Value"])
    pbx.asterisk.wait_until(
        lambda: path.exists() and path.stat().st_size >= 44 + TALK_SECONDS * 16000,
        f"{TALK_SECONDS} s of the conversation on disk",
    )
    pbx.hang_up(callee)
    assert path.name == f"{linkedid}.wav"
    recorded = pbx.asterisk.wait_until(
        lambda: [r["recording"] for r in pbx.asterisk.cdr(linkedid) if r["recording"]],
        "the recording in the CDR",
    )
    assert set(recorded) == {str(path)}
