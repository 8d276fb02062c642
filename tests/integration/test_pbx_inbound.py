"""Calls to the hotline's numbers reach a free consultant and are recorded."""

import re
import subprocess
from pathlib import Path

import pytest

from tests.integration.conftest import CARRIERS
from tests.support.ami import event

pytestmark = [pytest.mark.asterisk, pytest.mark.django_db]


def audio_seconds(path: Path) -> float:
    return float(
        subprocess.run(["soxi", "-D", str(path)], capture_output=True, text=True, check=True).stdout
    )


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
    answered_size = path.stat().st_size
    pbx.asterisk.wait_until(
        lambda: path.stat().st_size >= answered_size + 2 * 16000, "two seconds of talk"
    )
    caller = inbound["Channel"]
    pbx.hang_up(caller)
    hangup = pbx.ami.matching(event("Hangup", Channel=caller), since=pbx.mark)[0]

    # The file holds the call from MixMonitor's start to the hang-up, with sound in it.
    pbx.asterisk.wait_until(lambda: pbx.asterisk.cdr(linkedid), "the call's CDR")
    call_seconds = float(hangup["Timestamp"]) - float(recording["Timestamp"])
    assert audio_seconds(path) == pytest.approx(call_seconds, abs=1.0)
    assert rms_amplitude(path) > 0.01
    assert path.name == f"{linkedid}.wav"
    rows = pbx.asterisk.cdr(linkedid)
    assert {row["did"] for row in rows if row["channel"] == caller} == {CARRIERS[carrier].e164}
    assert any(
        row["disposition"] == "ANSWERED" and row["dstchannel"].startswith("PJSIP/sip101")
        for row in rows
    )
