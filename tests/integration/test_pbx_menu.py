"""Nobody can answer: every caller gets the menu (voice message, callback, keep waiting),
and callers beyond the channel limit get the busy message."""

import subprocess
from pathlib import Path

import pytest

from tests.support.ami import event, user_event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]


def audio_seconds(path: Path) -> float:
    result = subprocess.run(["soxi", "-D", str(path)], capture_output=True, text=True, check=True)
    return float(result.stdout)


@pytest.fixture
def nobody_logged_in(pbx, alice):
    pbx.add_trunks()
    pbx.add_consultant(alice, "101")
    pbx.settings(max_wait_seconds=30)
    pbx.apply()
    return pbx


def reach_menu(pbx, caller: str, carrier: str = "tollfree") -> dict:
    pbx.call(carrier, caller)
    inbound = pbx.inbound(caller)
    menu = pbx.ami.wait_for(
        user_event("HotlineMenu", Linkedid=inbound["Linkedid"]), since=pbx.mark, what="the menu"
    )
    pbx.wait_app(inbound["Channel"], "Read", "busy-menu", since=pbx.mark)
    return {**inbound, "Reason": menu["Reason"]}


def test_nobody_logged_in_the_caller_gets_the_menu_and_leaves_a_voice_message(nobody_logged_in):
    pbx = nobody_logged_in
    call = reach_menu(pbx, "0671234567")
    assert call["Reason"] == "LEAVEEMPTY"
    channel = call["Channel"]

    pbx.press(channel, "1")
    record = pbx.wait_app(channel, "Record", since=pbx.mark)
    path = Path(record["AppData"].split(",")[0])
    # The caller speaks until the message holds three seconds, then hangs up.
    pbx.asterisk.wait_until(
        lambda: path.exists() and path.stat().st_size >= 44 + 3 * 16000, "a three-second message"
    )
    pbx.hang_up(channel)

    saved = pbx.ami.wait_for(
        user_event("HotlineVoicemail", Linkedid=call["Linkedid"]), since=pbx.mark
    )
    assert saved["File"] == str(path)
    assert saved["Did"] == "+380800500123"
    assert saved["CallerIDNum"] == "0671234567"
    assert path.name == f"{call['Linkedid']}-0671234567.wav"
    assert path.is_relative_to(pbx.asterisk.paths.voicemail)
    assert int(saved["Duration"]) >= 3
    assert audio_seconds(path) == pytest.approx(int(saved["Duration"]), abs=1.0)


def test_pressing_2_and_confirming_leaves_a_callback_request_with_the_dialled_number(
    nobody_logged_in,
):
    pbx = nobody_logged_in
    call = reach_menu(pbx, "0671234567", carrier="vodafone")
    channel = call["Channel"]

    pbx.press(channel, "2")
    # Asterisk reads the caller ID out, then waits for 1 (or another number).
    pbx.wait_app(channel, "Read", "callback-confirm", since=pbx.mark)
    pbx.press(channel, "1")
    # If someone else answers, the caller does not want us to say who we are.
    pbx.wait_app(channel, "Read", "callback-may-identify", since=pbx.mark)
    pbx.press(channel, "2")

    request = pbx.ami.wait_for(
        user_event("HotlineCallback", Linkedid=call["Linkedid"]), since=pbx.mark
    )
    assert request["Number"] == "0671234567"
    assert request["Did"] == "+380501110022"
    assert request["MaySayWhoWeAre"] == "no"
    said = pbx.ami.matching(
        lambda e: (
            e.event == "Newexten"
            and e.get("Channel") == channel
            and e.get("Application") == "Playback"
            and "/digits/" in e.get("AppData", "")
        ),
        since=pbx.mark,
    )
    assert [Path(f).name for f in said[0]["AppData"].split("&")] == list("0671234567")


def test_a_caller_can_key_in_another_number_for_the_callback(nobody_logged_in):
    pbx = nobody_logged_in
    call = reach_menu(pbx, "0671234567")
    channel = call["Channel"]

    pbx.press(channel, "2")
    pbx.wait_app(channel, "Read", "callback-confirm", since=pbx.mark)
    pbx.press(channel, "0")
    pbx.wait_app(channel, "Read", "HOTLINE_REST", since=pbx.mark)
    pbx.press(channel, "501234567#")
    pbx.wait_app(channel, "Read", "callback-may-identify", since=pbx.mark)
    pbx.press(channel, "1")

    request = pbx.ami.wait_for(
        user_event("HotlineCallback", Linkedid=call["Linkedid"]), since=pbx.mark
    )
    assert request["Number"] == "0501234567"
    assert request["Did"] == "+380800500123"
    assert request["MaySayWhoWeAre"] == "yes"


def test_five_callers_at_once_all_hear_the_menu_at_the_same_time(nobody_logged_in):
    pbx = nobody_logged_in
    callers = [f"067100000{n}" for n in range(1, 6)]
    for number in callers:
        pbx.call("tollfree", number)
    channels = {pbx.inbound(number)["Channel"] for number in callers}

    pbx.ami.wait_for_all(user_event("HotlineMenu"), 5, since=pbx.mark, what="five menus")
    # At one moment all five channels are in the menu, none ringing or silent.
    in_menu = pbx.asterisk.wait_until(
        lambda: (
            {
                c["Channel"]
                for c in pbx.channels()
                if c["Application"] == "Read" and "busy-menu" in c["ApplicationData"]
            }
            == channels
        ),
        "five channels in the menu together",
    )
    assert in_menu


def test_waiting_callers_all_get_the_menu_at_once_when_the_last_consultant_leaves(pbx, alice):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0, max_wait_seconds=300)
    pbx.apply()
    pbx.phone(line)
    pbx.log_in(line)
    pbx.call("tollfree", "0671000001")
    talking = pbx.ami.wait_for(event("AgentConnect"), since=pbx.mark)
    waiting = []
    for number in ("0671000002", "0671000003", "0671000004"):
        pbx.call("tollfree", number)
        waiting.append(pbx.inbound(number)["Linkedid"])
    pbx.ami.wait_for_all(
        lambda e: e.event == "QueueCallerJoin" and e.get("Linkedid") in waiting,
        3,
        since=pbx.mark,
        what="three callers waiting",
    )

    mark = pbx.ami.mark()
    pbx.log_out(line)
    menus = pbx.ami.wait_for_all(
        lambda e: (
            e.event == "UserEvent"
            and e.get("UserEvent") == "HotlineMenu"
            and e.get("Linkedid") in waiting
        ),
        3,
        since=mark,
        what="three menus",
    )
    assert {menu["Reason"] for menu in menus} == {"LEAVEEMPTY"}
    times = [float(menu["Timestamp"]) for menu in menus]
    # Each waiting caller notices within a second or so; nobody waits on alone.
    assert max(times) - min(times) < 3.0
    assert any(c["Linkedid"] == talking["Linkedid"] for c in pbx.channels()), "the call goes on"


def test_a_sixth_caller_over_the_limit_of_five_gets_the_busy_message(nobody_logged_in):
    pbx = nobody_logged_in
    for n in range(1, 6):
        pbx.call("tollfree", f"067100000{n}")
    pbx.ami.wait_for_all(user_event("HotlineMenu"), 5, since=pbx.mark, what="five menus")

    sixth = pbx.call("kyivstar", "0671000006", busy=True)
    inbound = pbx.inbound("0671000006")
    pbx.ami.wait_for(user_event("HotlineOverLimit", Linkedid=inbound["Linkedid"]), since=pbx.mark)
    pbx.wait_app(inbound["Channel"], "Playback", "over-limit", since=pbx.mark)
    hangup = pbx.ami.wait_for(event("Hangup", Channel=inbound["Channel"]), since=pbx.mark)
    assert hangup["Cause"] == "17"  # user busy
    # sipp saw 183 Session Progress with audio, then 486 Busy Here, and no answer.
    assert sixth.wait(timeout=30) == 0, sixth.errors()
    assert not pbx.ami.matching(
        user_event("HotlineMenu", Linkedid=inbound["Linkedid"]), since=pbx.mark
    )


def test_pressing_3_keeps_the_caller_waiting_until_a_consultant_comes(pbx, alice):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0, max_wait_seconds=300)
    pbx.apply()
    call = reach_menu(pbx, "0671234567")
    channel = call["Channel"]

    pbx.press(channel, "3")
    # Nobody there: music while Asterisk looks every two seconds for someone.
    pbx.wait_app(channel, "StartMusicOnHold", since=pbx.mark)
    pbx.wait_app(channel, "Wait", since=pbx.mark)
    pbx.phone(line)
    pbx.log_in(line)

    connect = pbx.ami.wait_for(event("AgentConnect", Linkedid=call["Linkedid"]), since=pbx.mark)
    assert connect["MemberName"] == "alice"
    assert len(pbx.ami.matching(user_event("HotlineMenu", Linkedid=call["Linkedid"]))) == 1


def test_when_the_maximum_wait_runs_out_the_caller_gets_the_menu(pbx, alice):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0, max_wait_seconds=5)
    pbx.apply()
    pbx.phone(line)
    pbx.log_in(line)
    pbx.call("tollfree", "0671000001")
    pbx.ami.wait_for(event("AgentConnect"), since=pbx.mark)

    pbx.call("tollfree", "0671000002")
    waiting = pbx.inbound("0671000002")["Linkedid"]
    joined = pbx.ami.wait_for(event("QueueCallerJoin", Linkedid=waiting), since=pbx.mark)
    menu = pbx.ami.wait_for(user_event("HotlineMenu", Linkedid=waiting), since=pbx.mark)
    assert menu["Reason"] == "TIMEOUT"
    assert float(menu["Timestamp"]) - float(joined["Timestamp"]) == pytest.approx(5, abs=1.5)
