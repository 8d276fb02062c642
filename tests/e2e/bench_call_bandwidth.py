"""Bytes on the wire per minute of one call, for docs/power-outage-plan.uk.md.

Not part of the suite (the name does not start with test_); run it alone:

    .venv/bin/pytest tests/e2e/bench_call_bandwidth.py -s

A carrier (sipp) calls the 0-800 line in G.711 A-law and echoes what it hears;
the consultant answers in Chromium, which talks Opus with Asterisk (as a
browser or a SIP app on a smartphone would over mobile data). For one minute
it counts:

- the Opus leg from the browser's own WebRTC statistics: bytes of the ICE
  candidate pair (SRTP packets with their RTP headers) plus 28 bytes of IPv4
  and UDP headers per packet, each way;
- the G.711 leg from Asterisk's RTP statistics of the carrier's channel
  (`pjsip show channelstats`): packets each way, times 160 bytes of A-law
  (20 ms), 12 of RTP and 28 of IPv4 and UDP.

The result goes to docs/benchmarks/call-bandwidth.json.
"""

import json
import re
import time
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e import pbx
from tests.e2e.conftest import go_available, media_flows_both_ways, sign_in

SECONDS = 60
IP_UDP = 28  # IPv4 20 + UDP 8; IPv6 would add 20 more per packet
RTP = 12
ALAW_PAYLOAD = 160  # 20 ms at 8000 samples/s, one byte each
RESULT = Path(__file__).resolve().parents[2] / "docs" / "benchmarks" / "call-bandwidth.json"

BROWSER_STATS = """async () => {
  const pc = window.hotlineDesk.phone.session.connection;
  const out = {};
  const codecs = {};
  const reports = await pc.getStats();
  reports.forEach((r) => { if (r.type === "codec") codecs[r.id] = r.mimeType; });
  reports.forEach((r) => {
    if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded") {
      out.pairBytesSent = r.bytesSent; out.pairBytesReceived = r.bytesReceived;
    }
    if (r.type === "outbound-rtp" && r.kind === "audio") {
      out.packetsSent = r.packetsSent; out.codec = codecs[r.codecId];
    }
    if (r.type === "inbound-rtp" && r.kind === "audio") out.packetsReceived = r.packetsReceived;
  });
  return out;
}"""


def carrier_packets(asterisk) -> tuple[int, int]:
    """Received and sent RTP packets of the carrier's channel, as Asterisk counts them."""
    for line in asterisk.cli("pjsip show channelstats").splitlines():
        if "trunk-tollfree" in line:
            numbers = [int(n) for n in re.findall(r"\s(\d+)\s", f" {line} ")]
            return numbers[0], numbers[3]
    raise AssertionError("no channel of the carrier in pjsip show channelstats")


def test_measure_bytes_per_minute(telephony, chromium, alice, artefacts):
    space, asterisk, app = telephony
    desk = sign_in(chromium, app, alice)
    go_available(desk, alice)
    caller = pbx.carrier_call(space, artefacts, "+380671234567")
    try:
        expect(desk.locator("#ringing")).to_be_visible(timeout=pbx.DEADLINE * 1000)
        desk.click("#answer")
        media_flows_both_ways(desk)
        print(asterisk.cli("pjsip show channelstats"))
        before, started = desk.evaluate(BROWSER_STATS), time.monotonic()
        carrier_before = carrier_packets(asterisk)
        time.sleep(SECONDS)  # a benchmark: one minute of talk is what is measured
        after, elapsed = desk.evaluate(BROWSER_STATS), time.monotonic() - started
        carrier_after = carrier_packets(asterisk)
        print(asterisk.cli("pjsip show channelstats"))
        desk.click("#hangup")
    finally:
        if caller.poll() is None:
            caller.kill()

    per_minute = 60 / elapsed
    sent = after["packetsSent"] - before["packetsSent"]
    received = after["packetsReceived"] - before["packetsReceived"]
    opus_up = (after["pairBytesSent"] - before["pairBytesSent"] + sent * IP_UDP) * per_minute
    opus_down = (
        after["pairBytesReceived"] - before["pairBytesReceived"] + received * IP_UDP
    ) * per_minute
    g711_rx = (carrier_after[0] - carrier_before[0]) * per_minute
    g711_tx = (carrier_after[1] - carrier_before[1]) * per_minute
    packet = ALAW_PAYLOAD + RTP + IP_UDP
    result = {
        "seconds_measured": round(elapsed, 1),
        "browser_codec": after.get("codec"),
        "opus_bytes_per_minute_up": round(opus_up),
        "opus_bytes_per_minute_down": round(opus_down),
        "opus_packets_per_minute_up": round(sent * per_minute),
        "opus_packets_per_minute_down": round(received * per_minute),
        "g711_packets_per_minute_in": round(g711_rx),
        "g711_packets_per_minute_out": round(g711_tx),
        "g711_bytes_per_minute_in": round(g711_rx * packet),
        "g711_bytes_per_minute_out": round(g711_tx * packet),
    }
    print(json.dumps(result, indent=2))
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    assert after.get("codec") == "audio/opus"
