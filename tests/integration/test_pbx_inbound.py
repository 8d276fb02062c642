"""Calls to the hotline's numbers reach a free consultant and are recorded."""

import re
import subprocess
from pathlib import Path

import pytest

from hotline_asterisk_connector.pbx.prompts import PROMPTS
from tests.integration.conftest import CARRIERS
from tests.support.ami import event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]


def audio_seconds(path: Path) -> float:
    """Length of a WAV file as its header says (-1 while Asterisk still writes it)."""
    result = subprocess.run(["soxi", "-D", str(path)], capture_output=True, text=True)
    try:
        return float(result.stdout)
    except ValueError:
        return -1.0


def rms_amplitude(path: Path) -> float:
    stat = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True).stderr
    return float(re.search(r"RMS\s+amplitude:\s+([0-9.]+)", stat).group(1))


@pytest.mark.parametrize("carrier", list(CARRIERS))
def test_a_call_to_each_number_reaches_a_free_consultant_and_is_recorded(pbx, alice, carrier):
    pbx.add_trunks()
    line = pbx.add_consultant(alice, "101")
    pbx.settings(wrapup_seconds=0)
    pbx.apply()
    pbx.phone(line)
    pbx.log_in(line)

    pbx.call(carrier, "0671234567")
    inbound = pbx.inbound("0671234567")
    assert inbound["Did"] == CARRIERS[carrier].e164
    assert inbound["Trunk"] == carrier
    linkedid = inbound["Linkedid"]
    recording = pbx.ami.wait_for(
        lambda e: (
            e.event == "VarSet"
            and e.get("Variable") == "MIXMONITOR_FILENAME"
            and e.get("Linkedid") == linkedid
        ),
        since=pbx.mark,
        what="the recording's file name",
    )
    connect = pbx.ami.wait_for(event("AgentConnect", Linkedid=linkedid), since=pbx.mark)
    assert connect["Interface"] == "Local/101@hotline-consultant"
    assert connect["MemberName"] == "alice"

    # Talk until the recording holds two seconds more than when the consultant answered.
    path = Path(recording["Value"])
    answered_size = pbx.asterisk.wait_until(
        lambda: path.exists() and path.stat().st_size, "the recording on disk"
    )
    pbx.asterisk.wait_until(
        lambda: path.stat().st_size >= answered_size + 2 * 16000, "two seconds of talk"
    )
    caller = inbound["Channel"]
    pbx.hang_up(caller)
    hangup = pbx.ami.matching(event("Hangup", Channel=caller), since=pbx.mark)[0]

    # The file holds the call from MixMonitor's start to the hang-up, with sound in it.
    call_seconds = float(hangup["Timestamp"]) - float(recording["Timestamp"])
    # Asterisk completes the WAV header when it closes the file, just after the hang-up.
    pbx.asterisk.wait_until(
        lambda: abs(audio_seconds(path) - call_seconds) < 1.0, "the recording as long as the call"
    )
    assert rms_amplitude(path) > 0.01
    assert path.name == f"{linkedid}.wav"
    # Asterisk's own record: the caller's leg to the consultant, answered, with our number.
    rows = pbx.asterisk.wait_until(
        lambda: [
            r
            for r in pbx.asterisk.cdr(linkedid)
            if r["channel"] == caller and r["dstchannel"].startswith("PJSIP/sip101")
        ],
        "the caller's CDR",
    )
    assert rows[0]["disposition"] == "ANSWERED"
    assert rows[0]["did"] == CARRIERS[carrier].e164


def test_the_spoken_ukrainian_prompts_are_played_to_the_caller(pbx, alice):
    pbx.add_trunks("tollfree")
    pbx.add_consultant(alice, "101")
    pbx.apply(spoken_prompts=True)
    defaults = pbx.asterisk.paths.default_prompts
    for kind in PROMPTS:
        for extension in (".wav", ".gsm", ".sln16"):
            assert (defaults / f"{kind.name}{extension}").stat().st_size > 1000
        info = subprocess.run(
            ["soxi", str(defaults / f"{kind.name}.wav")], capture_output=True, text=True
        ).stdout
        assert re.search(r"Sample Rate\s+: 8000", info)
        assert re.search(r"Channels\s+: 1", info)
    mark = pbx.asterisk.log_mark()

    pbx.call("tollfree", "0671234567")
    channel = pbx.inbound("0671234567")["Channel"]
    greeting = pbx.wait_app(channel, "Playback", str(defaults / "greeting"), since=pbx.mark)
    notice = pbx.wait_app(channel, "Read", str(defaults / "recording-notice"), since=pbx.mark)
    # The greeting was heard to its end: the next prompt began one greeting later.
    played = float(notice["Timestamp"]) - float(greeting["Timestamp"])
    assert played == pytest.approx(audio_seconds(defaults / "greeting.wav"), abs=0.5)
    pbx.wait_app(channel, "Read", str(defaults / "busy-menu"), since=pbx.mark)
    assert " WARNING[" not in pbx.asterisk.log_since(mark)


def test_a_carrier_on_tcp_delivers_calls_too(pbx, alice):
    pbx.add_trunks("vodafone", transport="tcp")
    line = pbx.add_consultant(alice, "101")
    pbx.apply()
    assert "transport = transport-tcp" in (pbx.asterisk.paths.etc / "pjsip.conf").read_text()
    pbx.phone(line)
    pbx.log_in(line)

    vodafone = CARRIERS["vodafone"]
    pbx.sipp.call("caller-tcp", vodafone.address, vodafone.national, "0951112233", tcp=True)
    inbound = pbx.inbound("0951112233")
    assert inbound["Did"] == vodafone.e164
    pbx.ami.wait_for(event("AgentConnect", Linkedid=inbound["Linkedid"]), since=pbx.mark)
