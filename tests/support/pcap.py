"""The RTP a sipp caller plays: speech, and key presses that Asterisk hears every time.

sipp replays captures verbatim. Its DTMF captures (dtmf_2833_<key>.pcap) all
carry one SSRC and fixed sequence numbers and timestamps, so after one key
Asterisk drops most others as out-of-order repeats (res_rtp_asterisk only
accepts an event newer than the last). Asterisk forgets that history when the
SSRC changes, so each press here is: one packet of speech (the speech SSRC),
the key (the DTMF SSRC), then seven seconds of speech. Every press thus starts
with two SSRC changes, and the caller goes on talking after it.

All packets get one UDP destination port, because sipp sends each packet to
the remote media port plus its offset from the capture's lowest port.
"""

import struct
from pathlib import Path

SOURCE = Path("/usr/share/sip-tester")
KEYS = {**{str(digit): str(digit) for digit in range(10)}, "#": "pound", "*": "star"}
_RTP_PORT = 10000
_GLOBAL_HEADER = 24
_RECORD_HEADER = struct.Struct("<IIII")
_ETHERNET = 14


def _records(path: Path) -> tuple[bytes, list[tuple[float, bytes]]]:
    data = path.read_bytes()
    header, offset, records = data[:_GLOBAL_HEADER], _GLOBAL_HEADER, []
    while offset < len(data):
        seconds, micros, length, _original = _RECORD_HEADER.unpack_from(data, offset)
        offset += _RECORD_HEADER.size
        records.append((seconds + micros / 1e6, data[offset : offset + length]))
        offset += length
    return header, records


def _on_port(packet: bytes) -> bytes:
    ip_header = (packet[_ETHERNET] & 0x0F) * 4
    udp = _ETHERNET + ip_header
    # Same source and destination port for all; checksum 0 (sipp computes its own).
    return (
        packet[:udp]
        + struct.pack("!HH", _RTP_PORT, _RTP_PORT)
        + packet[udp + 4 : udp + 6]
        + b"\0\0"
        + packet[udp + 8 :]
    )


def _write(path: Path, header: bytes, packets: list[tuple[float, bytes]]) -> None:
    with path.open("wb") as file:
        file.write(header)
        for moment, packet in packets:
            seconds = int(moment)
            micros = round((moment - seconds) * 1e6)
            file.write(_RECORD_HEADER.pack(seconds, micros, len(packet), len(packet)))
            file.write(packet)


def _relative(records: list[tuple[float, bytes]], start: float) -> list[tuple[float, bytes]]:
    first = records[0][0]
    return [(start + moment - first, _on_port(packet)) for moment, packet in records]


def prepare(directory: Path) -> Path:
    """Write talk.pcap and press-<key>.pcap into `directory` (once); return it."""
    directory.mkdir(parents=True, exist_ok=True)
    header, speech = _records(SOURCE / "g711a.pcap")
    talk = _relative(speech, 0.0)
    _write(directory / "talk.pcap", header, talk)
    for name in KEYS.values():
        _header, key = _records(SOURCE / f"dtmf_2833_{name}.pcap")
        press = _relative(speech[:1], 0.0)
        press += _relative(key, 0.02)
        press += _relative(speech[1:], press[-1][0] + 0.02)
        _write(directory / f"press-{name}.pcap", header, press)
    return directory


def long_talk(directory: Path, seconds: float) -> Path:
    """Replace talk.pcap with `seconds` of speech: the sample, repeated with RTP
    sequence numbers and timestamps running on, as one long utterance."""
    header, speech = _records(SOURCE / "g711a.pcap")
    sample = _relative(speech, 0.0)
    length = sample[-1][0] + 0.02
    packets: list[tuple[float, bytes]] = []
    repeat = 0
    while repeat * length < seconds:
        for moment, packet in sample:
            rtp = _ETHERNET + (packet[_ETHERNET] & 0x0F) * 4 + 8
            sequence, stamp = struct.unpack_from("!HI", packet, rtp + 2)
            shift = repeat * len(sample)
            moved = struct.pack(
                "!HI", (sequence + shift) & 0xFFFF, (stamp + shift * 160) & 0xFFFFFFFF
            )
            packets.append(
                (repeat * length + moment, packet[: rtp + 2] + moved + packet[rtp + 8 :])
            )
        repeat += 1
    _write(directory / "talk.pcap", header, packets)
    return directory
