"""A bare RTP receiver standing in for a phone's ear, to tell speech from silence.

sipp's media port plays captures but keeps nothing it receives, so a phone
that must prove what it heard (listen.xml) points its SDP here instead.
Only G.711 A-law (payload type 8) is understood.
"""

import math
import socket
import struct
import threading

from tests.support.asterisk import free_port

_RTP_HEADER = 12
_PCMA = 8


def alaw_to_linear(byte: int) -> int:
    """One G.711 A-law sample as a 16-bit linear value (ITU-T G.711)."""
    byte ^= 0x55
    exponent = (byte >> 4) & 0x07
    mantissa = byte & 0x0F
    value = (mantissa << 4) + 8
    if exponent:
        value = (value + 0x100) << (exponent - 1)
    return value if byte & 0x80 else -value


def loudness(payload: bytes) -> float:
    """Root mean square of the decoded samples: A-law silence is under 10, speech thousands."""
    if not payload:
        return 0.0
    return math.sqrt(sum(alaw_to_linear(b) ** 2 for b in payload) / len(payload))


class RtpReceiver:
    """Receives RTP on `address` (a free port) in a thread, keeping each packet's loudness."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.port = free_port(address, both=False) & ~1
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind((address, self.port))
        self.socket.settimeout(0.2)
        self.levels: list[float] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"rtp-{self.port}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                packet = self.socket.recv(2048)
            except TimeoutError:
                continue
            except OSError:
                return
            if len(packet) <= _RTP_HEADER or packet[1] & 0x7F != _PCMA:
                continue
            # Skip the CSRC list and any header extension.
            offset = _RTP_HEADER + 4 * (packet[0] & 0x0F)
            if packet[0] & 0x10 and len(packet) >= offset + 4:
                offset += 4 + 4 * struct.unpack_from("!H", packet, offset + 2)[0]
            with self._lock:
                self.levels.append(loudness(packet[offset:]))

    def speech_packets(self, threshold: float = 300.0) -> int:
        """How many packets so far carried sound well above silence."""
        with self._lock:
            return sum(1 for level in self.levels if level > threshold)

    def packets(self) -> int:
        with self._lock:
            return len(self.levels)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.socket.close()
