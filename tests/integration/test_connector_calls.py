"""The connector against the real Asterisk: every call flow leaves the journal a
supervisor expects. sipp plays the carriers, callers and consultants' phones;
expected times are Asterisk's own event timestamps."""

import asyncio
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from hotline_asterisk_connector import clicktocall, journal
from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    Disposition,
    ScheduleException,
    Trunk,
)
from hotline_crm.models import Client, ClientPhone
from hotline_workspace import worklist
from hotline_workspace.models import Kind, WorklistItem
from tests.connector.recording import AmiRecorder
from tests.connector.running import ConnectorThread, forget_call_records, wait_for
from tests.integration.conftest import CARRIERS
from tests.support.ami import event, user_event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db(transaction=True)]

# The recorders' event loop, on a thread of its own for the whole module.
recording_loop = asyncio.new_event_loop()
threading.Thread(target=recording_loop.run_forever, name="ami-recorder", daemon=True).start()

CALLER = "0671234567"


@pytest.fixture
def connector(pbx, request):
    """The daemon as production runs it, with the connector's own AMI user. What it
    hears is recorded too: HOTLINE_RECORD_FIXTURES=1 saves it as a replay fixture."""
    forget_call_records(pbx.asterisk)
    config = replace(pbx.asterisk.connector_ami, heartbeat_seconds=5)
    recorder = asyncio.run_coroutine_threadsafe(AmiRecorder(config).start(), recording_loop)
    recorder = recorder.result(30)
    running = ConnectorThread(config)
    yield running
    running.stop()
    asyncio.run_coroutine_threadsafe(recorder.stop(), recording_loop).result(30)
    recorder.save(request.node.name.removeprefix("test_"), pbx.asterisk.cdr())


def when(message) -> datetime:
    return datetime.fromtimestamp(float(message["Timestamp"]), tz=UTC)


def ended_call(linkedid: str) -> Call:
    return wait_for(
        lambda: Call.objects.filter(linkedid=linkedid, ended_at__isnull=False).first(),
        f"call {linkedid} in the journal, ended",
    )


def talk_until_recorded(pbx, linkedid: str, seconds: int) -> None:
    """Let the call go on until its recording holds `seconds` more of audio."""
    recording = pbx.ami.wait_for(
        lambda e: e.get("Variable") == "MIXMONITOR_FILENAME" and e.get("Linkedid") == linkedid,
        since=pbx.mark,
    )
    path = Path(recording["Value"])
    start = path.stat().st_size if path.exists() else 0
    pbx.asterisk.wait_until(
        lambda: path.exists() and path.stat().st_size >= start + seconds * 16000,
        f"{seconds} s more of the call",
    )


def test_answered_call(pbx, connector, alice):
    card = Client.objects.create(name="Олена")
    ClientPhone.objects.create(client=card, number="+380671234567")
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    pbx.phone(line)
    pbx.log_in(line)
    connector.start()

    pbx.call("vodafone", CALLER)
    inbound = pbx.inbound(CALLER)
    linkedid = inbound["Linkedid"]
    joined = pbx.ami.wait_for(event("QueueCallerJoin", Linkedid=linkedid), since=pbx.mark)
    connect = pbx.ami.wait_for(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    talk_until_recorded(pbx, linkedid, 2)
    pbx.hang_up(inbound["Channel"])
    hangup = pbx.ami.matching(event("Hangup", Channel=inbound["Channel"]), since=pbx.mark)[0]

    call = ended_call(linkedid)
    assert (call.direction, call.disposition) == (CallDirection.INBOUND, Disposition.ANSWERED)
    assert (call.dialled_number, call.caller_number, call.caller_number_raw) == (
        CARRIERS["vodafone"].e164,
        "+380671234567",
        CALLER,
    )
    assert (call.consultant, call.client) == (alice, card)
    wait = (when(connect) - when(joined)).total_seconds()
    talk = (when(hangup) - when(connect)).total_seconds()
    assert abs(call.wait_seconds - wait) <= 1
    assert abs(call.talk_seconds - talk) <= 1
    assert talk >= 1.5  # the test let them talk for two seconds of recording
    recording = Path(settings.RECORDINGS_DIR) / call.recording_file
    assert recording.is_file() and recording.name == f"{linkedid}.wav"
    assert [(leg.consultant, leg.answered_at is not None) for leg in call.legs.all()] == [
        (alice, True)
    ]
    assert Call.objects.count() == 1


def test_caller_who_gives_up_while_it_rings_is_abandoned(pbx, connector, alice):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0, ring_seconds=30)
    pbx.apply()
    pbx.sipp.phone(line.sip_endpoint, line.sip_password, "127.0.0.21", ring_ms=120000)
    pbx.log_in(line)
    connector.start()

    pbx.call("tollfree", CALLER)
    inbound = pbx.inbound(CALLER)
    linkedid = inbound["Linkedid"]
    joined = pbx.ami.wait_for(event("QueueCallerJoin", Linkedid=linkedid), since=pbx.mark)
    called = pbx.ami.wait_for(event("AgentCalled", Linkedid=linkedid), since=pbx.mark)
    wait_for(lambda: Call.objects.filter(linkedid=linkedid, legs__isnull=False).exists(), "a leg")
    pbx.hang_up(inbound["Channel"])
    abandon = pbx.ami.wait_for(event("QueueCallerAbandon", Linkedid=linkedid), since=pbx.mark)

    call = ended_call(linkedid)
    assert call.disposition == Disposition.ABANDONED
    assert (call.consultant, call.answered_at, call.talk_seconds) == (None, None, None)
    assert abs(call.wait_seconds - (when(abandon) - when(joined)).total_seconds()) <= 1
    leg = call.legs.get()
    assert (leg.consultant, leg.answered_at) == (alice, None)
    assert abs(leg.ring_seconds - (when(abandon) - when(called)).total_seconds()) <= 1
    assert list(journal.missed_calls()) == [call]


def test_nobody_available_and_the_caller_leaves_a_voice_message(pbx, connector):
    pbx.add_trunks()
    pbx.apply()
    connector.start()

    pbx.call("kyivstar", CALLER)
    inbound = pbx.inbound(CALLER)
    channel, linkedid = inbound["Channel"], inbound["Linkedid"]
    pbx.ami.wait_for(user_event("HotlineMenu", Linkedid=linkedid), since=pbx.mark)
    pbx.wait_app(channel, "Read", since=pbx.mark)
    pbx.press(channel, "1")
    record = pbx.wait_app(channel, "Record", since=pbx.mark)
    message_file = Path(record["AppData"].split(",")[0])
    pbx.asterisk.wait_until(message_file.exists, "the message file")
    pbx.hang_up(channel)
    saved = pbx.ami.wait_for(user_event("HotlineVoicemail", Linkedid=linkedid), since=pbx.mark)

    call = ended_call(linkedid)
    assert call.disposition == Disposition.VOICEMAIL
    assert call.dialled_number == CARRIERS["kyivstar"].e164
    voicemail = wait_for(
        lambda: WorklistItem.objects.filter(kind=Kind.VOICEMAIL).filter(call=call).first(),
        "the voicemail row",
    )
    assert (voicemail.caller_number, voicemail.dialled_number) == (
        "+380671234567",
        CARRIERS["kyivstar"].e164,
    )
    assert (Path(settings.VOICEMAIL_DIR) / voicemail.audio_file) == message_file
    assert voicemail.duration_seconds == int(saved["Duration"])
    assert list(journal.missed_calls()) == [call]


def test_nobody_available_and_the_caller_asks_to_be_called_back(pbx, connector):
    pbx.add_trunks()
    pbx.apply()
    connector.start()

    pbx.call("lifecell", CALLER)
    inbound = pbx.inbound(CALLER)
    channel, linkedid = inbound["Channel"], inbound["Linkedid"]
    pbx.ami.wait_for(user_event("HotlineMenu", Linkedid=linkedid), since=pbx.mark)
    pbx.wait_app(channel, "Read", since=pbx.mark)
    pbx.press(channel, "2")
    pbx.wait_app(channel, "Read", "callback-confirm", since=pbx.mark)
    pbx.press(channel, "1")
    pbx.wait_app(channel, "Read", "callback-may-identify", since=pbx.mark)
    pbx.press(channel, "2")
    pbx.ami.wait_for(user_event("HotlineCallback", Linkedid=linkedid), since=pbx.mark)

    call = ended_call(linkedid)  # Asterisk thanks the caller and hangs up
    assert call.disposition == Disposition.CALLBACK_REQUESTED
    request = WorklistItem.objects.filter(kind=Kind.CALLBACK).get(call=call)
    assert (request.number_to_call, request.dialled_number, request.caller_number) == (
        "+380671234567",
        CARRIERS["lifecell"].e164,
        "+380671234567",
    )
    # Someone else may answer: the caller said we must not say who we are.
    assert request.may_say_who_we_are is False
    assert list(journal.missed_calls()) == [call]


def test_nobody_available_and_the_caller_hangs_up_at_the_menu(pbx, connector):
    pbx.add_trunks()
    pbx.apply()
    connector.start()

    pbx.call("tollfree", CALLER)
    inbound = pbx.inbound(CALLER)
    pbx.ami.wait_for(user_event("HotlineMenu", Linkedid=inbound["Linkedid"]), since=pbx.mark)
    pbx.hang_up(inbound["Channel"])

    call = ended_call(inbound["Linkedid"])
    assert call.disposition == Disposition.NOBODY_AVAILABLE
    assert not call.legs.exists()


def test_a_withheld_caller_who_hangs_up_at_the_menu_is_missed_with_nothing_to_call_back(
    pbx, connector
):
    pbx.add_trunks()
    pbx.apply()
    connector.start()

    pbx.call("kyivstar", "anonymous")
    inbound = pbx.inbound("anonymous")
    # The dialplan reports the presentation with the call, for `Privacy: id`.
    assert inbound["Presentation"].startswith("allowed")
    pbx.ami.wait_for(user_event("HotlineMenu", Linkedid=inbound["Linkedid"]), since=pbx.mark)
    pbx.hang_up(inbound["Channel"])

    call = ended_call(inbound["Linkedid"])
    assert call.disposition == Disposition.NOBODY_AVAILABLE
    assert call.caller_withheld
    assert (call.caller_number, call.caller_number_raw) == ("", "")
    assert call in journal.missed_calls()
    # On the worklist, as no number to call back: not a task anyone can take.
    [entry] = worklist.open_entries()
    assert (entry.item.call, entry.number_to_call, entry.is_task) == (call, "", False)


def test_a_call_outside_working_hours(pbx, connector):
    ScheduleException.objects.create(date=timezone.localdate(), name="Свято", is_closed=True)
    pbx.add_trunks()
    pbx.apply()
    connector.start()

    pbx.call("tollfree", CALLER)
    inbound = pbx.inbound(CALLER)
    pbx.ami.wait_for(user_event("HotlineOffHours", Linkedid=inbound["Linkedid"]), since=pbx.mark)
    pbx.hang_up(inbound["Channel"])

    call = ended_call(inbound["Linkedid"])
    assert call.disposition == Disposition.OFF_HOURS
    assert call.queued_at is None and call.wait_seconds is None


def test_a_call_over_the_channel_limit(pbx, connector):
    pbx.add_trunks()
    pbx.settings(total_channel_limit=1)
    pbx.apply()
    connector.start()

    pbx.call("tollfree", "0501000001")
    first = pbx.inbound("0501000001")
    pbx.ami.wait_for(user_event("HotlineMenu", Linkedid=first["Linkedid"]), since=pbx.mark)
    pbx.call("tollfree", "0501000002", busy=True)
    second = pbx.inbound("0501000002")
    pbx.ami.wait_for(user_event("HotlineOverLimit", Linkedid=second["Linkedid"]), since=pbx.mark)

    refused = ended_call(second["Linkedid"])
    assert refused.disposition == Disposition.OVER_LIMIT
    pbx.hang_up(first["Channel"])
    assert ended_call(first["Linkedid"]).disposition == Disposition.NOBODY_AVAILABLE
    assert {c.disposition for c in journal.missed_calls()} == {
        Disposition.OVER_LIMIT,
        Disposition.NOBODY_AVAILABLE,
    }


def test_click_to_call_rings_the_consultant_then_the_number(pbx, connector, alice):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0, record_outbound=True)
    pbx.apply()
    pbx.phone(line)
    kyivstar = CARRIERS["kyivstar"]
    pbx.sipp.answering("callee", kyivstar.address, pbx.carrier_ports["kyivstar"])
    connector.start()

    chosen = next(trunk for trunk in Trunk.objects.all() if trunk.name == "kyivstar")
    call = clicktocall.place_call(alice, "050 111 22 33", trunk_id=chosen.pk)
    outbound = pbx.ami.wait_for(
        user_event("HotlineOutbound", Linkedid=call.linkedid), since=pbx.mark
    )
    answered = pbx.ami.wait_for(
        lambda e: (
            e.event == "DialEnd"
            and e.get("Linkedid") == call.linkedid
            and e.get("DestChannel", "").startswith("PJSIP/trunk-")
            and e.get("DialStatus") == "ANSWER"
        ),
        since=pbx.mark,
    )
    talk_until_recorded(pbx, call.linkedid, 2)
    consultant_side = next(c for c in pbx.channels() if c["Uniqueid"] == call.linkedid)
    pbx.hang_up(consultant_side["Channel"])
    hangup = pbx.ami.matching(event("Hangup", Uniqueid=call.linkedid), since=pbx.mark)[0]

    call = ended_call(call.linkedid)
    assert (call.direction, call.disposition, call.consultant) == (
        CallDirection.OUTBOUND,
        Disposition.OUTBOUND_ANSWERED,
        alice,
    )
    assert call.callee_number == "+380501112233"
    assert outbound["Trunk"] == "kyivstar"  # the line the consultant chose
    assert call.dialled_number == CARRIERS["kyivstar"].e164
    assert abs(call.talk_seconds - (when(hangup) - when(answered)).total_seconds()) <= 1
    assert (Path(settings.RECORDINGS_DIR) / call.recording_file).is_file()
    assert Call.objects.count() == 1


def test_click_to_call_when_the_consultants_phone_is_off(pbx, connector, alice):
    pbx.add_trunks()
    pbx.add_consultant(alice, "101")
    pbx.apply()
    connector.start()

    call = clicktocall.place_call(alice, "0501112233")

    call = ended_call(call.linkedid)
    assert (call.direction, call.disposition, call.answered_at) == (
        CallDirection.OUTBOUND,
        Disposition.OUTBOUND_NOT_ANSWERED,
        None,
    )
