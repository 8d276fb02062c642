"""sipp (Debian's sip-tester) playing carriers, callers and consultants' phones.

Every sipp runs on its own loopback address and port, writes its message and
error logs next to the test's other files, and is stopped at the end of the
test. The scenarios live in tests/sipp/:

    caller.xml        a caller through a carrier: calls, sends audio, presses keys
    caller-busy.xml   a caller expecting the busy message as early media, then 486
    answer.xml        a phone that answers (consultant's app, or a carrier we call out through)
    phone.xml         a consultant's smartphone app: registers, then answer.xml answers its calls
    listen.xml        a supervisor's app listening in: answers, its audio to the test's receiver
    unregister.xml    removes a phone's registrations at the end of a test
    registrar.xml     a carrier's registrar challenging our trunk registration
    dial-out.xml      a consultant's app dialling out, choosing our number by a header
    refused-caller.xml  an INVITE Asterisk must refuse (spoofed, anonymous, bad password)

Keys are pressed through Asterisk itself (see `press`): the scenarios turn an
in-dialog NOTIFY into RFC 4733 DTMF, so the test presses exactly when the
dialplan listens instead of guessing a delay.
"""

import ipaddress
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import pcap
from tests.support.ami import Ami
from tests.support.asterisk import AsteriskInstance, free_port

SCENARIOS = Path(__file__).resolve().parent.parent / "sipp"
SIPP = shutil.which("sipp") or "/usr/bin/sipp"


def _bound(address: str, port: int) -> bool:
    """Whether some socket is bound to address:port (UDP or TCP), from /proc/net."""
    packed = int(ipaddress.IPv4Address(address)).to_bytes(4, "little").hex().upper()
    wanted = f"{packed}:{port:04X}"
    for table in ("/proc/net/udp", "/proc/net/tcp"):
        with open(table) as lines:
            if any(line.split()[1] == wanted for line in lines.readlines()[1:]):
                return True
    return False


def _free_media_ports(address: str) -> int:
    """An even port with the next three free too: sipp's audio and video RTP and RTCP."""
    for _ in range(200):
        port = free_port(address, both=False) & ~1
        probes = []
        try:
            for offset in range(4):
                probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                probes.append(probe)
                probe.bind((address, port + offset))
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
        return port
    raise RuntimeError("no free media ports")


@dataclass
class Sipp:
    """One sipp process; `returncode` 0 means every call went as the scenario says."""

    name: str
    scenario: str
    address: str
    remote: str | None
    log_dir: Path
    keys: dict[str, str] = field(default_factory=dict)
    extra: list[str] = field(default_factory=list)
    port: int = 0
    media_port: int = 0
    # Where the scenario and its captures are: sipp finds talk.pcap and
    # press-<key>.pcap next to the scenario and in its working directory.
    media: Path = SCENARIOS
    process: subprocess.Popen | None = None

    def start(self) -> "Sipp":
        """Start sipp; if another process took its ports meanwhile, start again on others."""
        fixed_port = self.port
        for _attempt in range(5):
            self.port = fixed_port or free_port(self.address, both=True)
            self.media_port = _free_media_ports(self.address)
            self._launch()
            if self._listening() or fixed_port or "Unable to bind" not in self.errors():
                return self
        raise RuntimeError(f"sipp {self.name} found no free port: {self.errors()[-500:]}")

    def _launch(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        (self.log_dir / f"{self.name}-errors.log").unlink(missing_ok=True)
        argv = [
            SIPP,
            *([self.remote] if self.remote else []),
            "-sf",
            str(self.media / self.scenario),
            "-i",
            self.address,
            "-mi",
            self.address,
            "-p",
            str(self.port),
            "-mp",
            str(self.media_port),
            "-nostdin",
            "-trace_msg",
            "-message_file",
            str(self.log_dir / f"{self.name}-messages.log"),
            "-trace_err",
            "-error_file",
            str(self.log_dir / f"{self.name}-errors.log"),
            # Generous: a call may wait minutes in a menu; the test ends it.
            "-recv_timeout",
            "600000",
            "-timeout_error",
            *self.extra,
        ]
        for key, value in self.keys.items():
            argv += ["-key", key, value]
        self.process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(self.log_dir / f"{self.name}-stderr.log").open("wb"),
            cwd=self.media,
            start_new_session=True,
        )

    def _listening(self, timeout: float = 10.0) -> bool:
        """Whether sipp bound its SIP port; False if it exited (e.g. the port was taken)."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            # sipp binds its SIP port, then audio and video RTP (media port + 2).
            if _bound(self.address, self.port) and _bound(self.address, self.media_port + 2):
                return True
            time.sleep(0.01)
        return self.process.poll() is None

    def wait(self, timeout: float = 60.0) -> int:
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    @property
    def returncode(self) -> int | None:
        return self.process.returncode if self.process is not None else None

    @property
    def contact(self) -> str:
        return f"{self.address}:{self.port}"

    def messages(self) -> str:
        path = self.log_dir / f"{self.name}-messages.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def first_invite(self) -> str:
        """Request line and headers of the first INVITE in the log, once fully written."""
        rest = self.messages().partition("INVITE sip:")[2]
        head, blank, _body = rest.partition("\n\n")
        return head if blank else ""

    def errors(self) -> str:
        path = self.log_dir / f"{self.name}-errors.log"
        return path.read_text(errors="replace") if path.exists() else ""


class SippPark:
    """Creates sipp processes for one test and stops them all at its end."""

    def __init__(self, asterisk: AsteriskInstance, log_dir: Path) -> None:
        self.asterisk = asterisk
        self.log_dir = log_dir
        self.running: list[Sipp] = []
        self.media = pcap.prepare(asterisk.base_dir / "sipp-media")
        for scenario in SCENARIOS.glob("*.xml"):
            shutil.copy2(scenario, self.media / scenario.name)
        self.credentials: dict[str, tuple[str, str, str]] = {}

    @property
    def remote(self) -> str:
        return f"{self.asterisk.bind}:{self.asterisk.network.sip_port}"

    def _start(self, sipp: Sipp) -> Sipp:
        sipp.media = self.media
        self.running.append(sipp)
        return sipp.start()

    def call(
        self,
        name: str,
        carrier_address: str,
        dialled: str,
        caller: str,
        busy: bool = False,
        tcp: bool = False,
    ) -> Sipp:
        """A caller dialling `dialled` from `caller` through the carrier at `carrier_address`."""
        return self._start(
            Sipp(
                name,
                "caller-busy.xml" if busy else "caller.xml",
                carrier_address,
                self.remote,
                self.log_dir,
                keys={"caller": caller},
                extra=["-s", dialled, "-m", "1", *(["-t", "t1"] if tcp else [])],
            )
        )

    def phone(
        self,
        user: str,
        password: str,
        address: str,
        ring_ms: int = 300,
        answer: str = "answer.xml",
        keys: dict[str, str] | None = None,
    ) -> Sipp:
        """A consultant's smartphone app registered as endpoint `user`, answering every
        call with the `answer` scenario (listen.xml: a supervisor listening in).

        Returns once Asterisk counts the device as reachable (its qualify answered).
        """
        phone = self._start(
            Sipp(
                f"phone-{user}",
                "phone.xml",
                address,
                self.remote,
                self.log_dir,
                keys={"user": user, "ring_ms": str(ring_ms), **(keys or {})},
                extra=[
                    "-oocsf",
                    str(self.media / answer),
                    "-m",
                    "1",
                    "-au",
                    user,
                    "-ap",
                    password,
                ],
            )
        )
        self.credentials[phone.name] = (user, password, address)
        self.asterisk.wait_until(
            lambda: self.device_state(user) == "Not in use", f"{user} registered and reachable"
        )
        return phone

    def device_state(self, endpoint: str) -> str:
        assert self.asterisk.ami is not None
        for item in self.asterisk.ami.action_list("PJSIPShowEndpoint", Endpoint=endpoint):
            if item.event == "EndpointDetail":
                return item.get("DeviceState", "")
        return ""

    def hang_up_phone(self, phone: Sipp) -> None:
        """Stop a phone and remove its registration, as a consultant closing the app would."""
        phone.stop()
        user, password, address = self.credentials.pop(phone.name)
        unregister = self._start(
            Sipp(
                f"unregister-{user}",
                "unregister.xml",
                address,
                self.remote,
                self.log_dir,
                keys={"user": user},
                extra=["-m", "1", "-au", user, "-ap", password],
            )
        )
        assert unregister.wait(timeout=30) == 0, unregister.errors()[-1500:]

    def answering(self, name: str, address: str, port: int, ring_ms: int = 300) -> Sipp:
        """A carrier (or a mobile behind it) that answers what Asterisk sends to address:port."""
        return self._start(
            Sipp(
                name,
                "answer.xml",
                address,
                None,
                self.log_dir,
                keys={"ring_ms": str(ring_ms)},
                port=port,
            )
        )

    def dial_out(
        self, user: str, password: str, address: str, number: str, trunk: str = ""
    ) -> Sipp:
        """A consultant's smartphone app dialling `number`, choosing our `trunk` or not."""
        return self._start(
            Sipp(
                f"dial-out-{user}",
                "dial-out.xml",
                address,
                self.remote,
                self.log_dir,
                keys={"user": user, "trunk": trunk},
                extra=["-s", number, "-m", "1", "-au", user, "-ap", password],
            )
        )

    def refused_call(
        self, name: str, address: str, caller: str, dialled: str, password: str = ""
    ) -> Sipp:
        """An INVITE From `caller` at `address`, answering the challenge with `password`;
        returns once sipp has exited (0: both INVITEs were refused, nothing else came)."""
        sipp = self._start(
            Sipp(
                name,
                "refused-caller.xml",
                address,
                self.remote,
                self.log_dir,
                keys={"caller": caller},
                extra=[
                    "-s",
                    dialled,
                    "-m",
                    "1",
                    "-au",
                    caller,
                    "-ap",
                    password or "not-the-secret",
                ],
            )
        )
        sipp.wait(timeout=60)
        return sipp

    def registrar(self, name: str, address: str, port: int) -> Sipp:
        """A carrier's registrar on address:port, for one registration."""
        return self._start(
            Sipp(name, "registrar.xml", address, None, self.log_dir, port=port, extra=["-m", "1"])
        )

    def stop_all(self) -> None:
        for name in list(self.credentials):
            self.hang_up_phone(next(s for s in self.running if s.name == name))
        for sipp in self.running:
            sipp.stop()


def press(ami: Ami, channel: str, keys: str) -> None:
    """Press `keys` on the phone behind `channel`, one at a time, each heard by Asterisk.

    The NOTIFY asks the sipp scenario to send the key as RFC 4733 DTMF; the
    next key waits until Asterisk reports this one received (DTMFEnd).
    """
    for key in keys:
        mark = ami.mark()
        response = ami.action(
            "PJSIPNotify", Channel=channel, Variable=[f"X-Hotline-Press={key}", "Event=talk"]
        )
        assert response.get("Response") == "Success", response
        ami.wait_for(
            lambda e, key=key: (
                e.event == "DTMFEnd"
                and e.get("Channel") == channel
                and e.get("Direction") == "Received"
                and e.get("Digit") == key
            ),
            since=mark,
            what=f"DTMF {key} from {channel}",
        )
