"""A simulated internet of network namespaces the test makes itself, around the
install test's "VPS" (tests/support/debian_root.py):

    carrier 198.51.100.10 ─┐
                           ├── internet (a router) ── VPS 203.0.113.10
    router 198.18.0.2 ─────┘
      └─ NAT (nftables masquerade) ── home 198.19.0.10 (Chromium)

Only documentation and benchmarking ranges, on veth links between these
namespaces: nothing reaches this machine's own interfaces. Each namespace is
held by a sleeping process and vanishes when it is killed.
"""

import contextlib
import os
import signal
import socket
import struct
import subprocess
import threading
from pathlib import Path

from tests.support import netns

VPS_ADDRESS = "203.0.113.10"
CARRIER_ADDRESS = "198.51.100.10"
ROUTER_WAN_ADDRESS = "198.18.0.2"
HOME_ADDRESS = "198.19.0.10"
HOME_ROUTER_ADDRESS = "198.19.0.1"

_HOLD = """
set -e
ip link set lo up
echo ready
exec sleep infinity
"""

# The home router: its house behind one public address, like every home router.
_NAT = """
table ip home_nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan" masquerade
	}
}
"""

# A network that lets nothing out but TCP to port 443 (hotels, corporate
# networks, some mobile ones): no UDP, no TURN port, only "HTTPS".
_ONLY_443 = """
table inet home_only_443 {
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "lan" tcp dport 443 accept
		iifname "lan" counter drop
	}
}
"""


class Host:
    """One network namespace, held by a sleeping process."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._holder = subprocess.Popen(
            ["unshare", "--net", "--", "sh", "-c", _HOLD],
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        if self._holder.stdout.readline().strip() != "ready":
            self._holder.kill()
            raise RuntimeError(f"could not make the {name} namespace")
        self.pid = self._holder.pid
        self.path = Path(f"/proc/{self.pid}/ns/net")

    def command(self, argv: list) -> list[str]:
        return ["nsenter", f"--net={self.path}", "--", *map(str, argv)]

    def sh(self, script: str) -> subprocess.CompletedProcess:
        result = subprocess.run(self.command(["sh", "-ec", script]), capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"in {self.name}: {script}\n{result.stderr}")
        return result

    def nft(self, rules: str) -> None:
        subprocess.run(self.command(["nft", "-f", "-"]), input=rules, text=True, check=True)

    def wrapper_script(self, directory: Path, program: str, home: Path, nameserver: str) -> Path:
        """An executable that runs `program` here (for Playwright), with HOME=`home`
        and `nameserver` in its /etc/resolv.conf (and nothing in /etc/hosts)."""
        (directory / "resolv.conf").write_text(f"nameserver {nameserver}\n")
        (directory / "hosts").write_text("127.0.0.1 localhost\n")
        mounts = " && ".join(
            f"mount --bind {directory / name} /etc/{name}" for name in ("resolv.conf", "hosts")
        )
        script = directory / Path(program).name
        script.write_text(
            "#!/bin/sh\n"
            f"exec nsenter --net={self.path} -- unshare --mount -- sh -c "
            f'\'{mounts} && exec "$0" "$@"\' '
            f'env HOME={home} {program} "$@" 2>>{directory / "stderr.log"}\n'
        )
        script.chmod(0o755)
        return script

    def socket(self, kind: int = socket.SOCK_DGRAM, family: int = socket.AF_INET) -> socket.socket:
        """A socket that belongs to this namespace (made by a thread that enters it)."""
        made: list = []

        def make() -> None:
            with open(self.path) as namespace:
                netns.enter(namespace.fileno())  # this thread only, and it ends here
            made.append(socket.socket(family, kind))

        thread = threading.Thread(target=make)
        thread.start()
        thread.join()
        return made[0]

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._holder.pid, signal.SIGKILL)
        self._holder.wait()
        self._holder.stdout.close()


def _link(a: Host, a_name: str, b: Host, b_name: str) -> None:
    """A veth pair made inside `a` (its names never meet this machine's own links)."""
    pair = ["ip", "link", "add", a_name, "type", "veth", "peer", "name", b_name]
    subprocess.run([*a.command(pair), "netns", str(b.pid)], check=True)


def _address(host: Host, link: str, address: str, gateway: str | None = None) -> None:
    route = f"ip route add default via {gateway}" if gateway else ""
    host.sh(
        f"""
        echo 1 > /proc/sys/net/ipv6/conf/{link}/disable_ipv6
        ip addr add {address} dev {link}
        ip link set dev {link} up
        {route}
        """
    )


class Internet:
    """The namespaces around the VPS, whose own namespace the holder `vps_pid` keeps."""

    def __init__(self, vps_pid: int) -> None:
        self.hosts: list[Host] = []
        try:
            self._build(vps_pid)
        except BaseException:
            self.close()
            raise

    def _build(self, vps_pid: int) -> None:
        self.core = self._host("internet")
        self.carrier = self._host("carrier")
        self.router = self._host("router")
        self.home = self._host("home")
        # The VPS's veth (debian_root: vps0 has its address, vps1 is the loose
        # end) plugs into the internet; its services keep their sockets.
        self._vps = VpsSide(vps_pid)
        self._vps.sh(f"ip link set dev vps1 netns {self.core.pid}")
        _address(self.core, "vps1", "203.0.113.1/24")
        _link(self.carrier, "eth0", self.core, "carrier")
        _address(self.carrier, "eth0", f"{CARRIER_ADDRESS}/24", "198.51.100.1")
        _address(self.core, "carrier", "198.51.100.1/24")
        _link(self.router, "wan", self.core, "homes")
        _address(self.router, "wan", f"{ROUTER_WAN_ADDRESS}/24", "198.18.0.1")
        _address(self.core, "homes", "198.18.0.1/24")
        _link(self.home, "eth0", self.router, "lan")
        _address(self.home, "eth0", f"{HOME_ADDRESS}/24", "198.19.0.1")
        _address(self.router, "lan", f"{HOME_ROUTER_ADDRESS}/24")
        for router in (self.core, self.router):
            router.sh("echo 1 > /proc/sys/net/ipv4/ip_forward")
        self.router.nft(_NAT)

    def _host(self, name: str) -> Host:
        host = Host(name)
        self.hosts.append(host)
        return host

    def let_only_443_out_of_home(self, only_443: bool) -> None:
        self.router.sh("nft delete table inet home_only_443 2>/dev/null || true")
        if only_443:
            self.router.nft(_ONLY_443)

    def dropped_from_home(self) -> int:
        """Packets the home router's only-443 rule dropped so far."""
        listed = self.router.sh("nft list table inet home_only_443").stdout
        return int(listed.split("counter packets ")[1].split()[0])

    def close(self) -> None:
        if getattr(self, "_vps", None) and self.core in self.hosts:
            # Back to the VPS before the internet goes, or vps0 would go with it.
            self.core.sh(f"ip link set dev vps1 netns {self._vps.pid} 2>/dev/null || true")
            self._vps.sh("ip link set dev vps1 up 2>/dev/null || true")
        for host in reversed(self.hosts):
            host.close()


class VpsSide(Host):
    """The VPS's network namespace, which the install test's machine holds."""

    def __init__(self, pid: int) -> None:
        self.name = "vps"
        self.pid = pid
        self.path = Path(f"/proc/{pid}/ns/net")


class NameServer:
    """The home router's DNS: `names` (name -> IPv4 address), nothing else.

    WebRTC resolves its STUN and TURN server names through the system's resolver,
    so Chromium's own resolver rules would not reach them."""

    def __init__(self, host: Host, address: str, names: dict[str, str]) -> None:
        self.names = {name.lower(): socket.inet_aton(ip) for name, ip in names.items()}
        self.sock = host.socket()
        self.sock.bind((address, 53))
        self.sock.settimeout(0.5)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="home-dns", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                query, client = self.sock.recvfrom(512)
            except TimeoutError:
                continue
            with contextlib.suppress(Exception):
                self.sock.sendto(self._answer(query), client)

    def _answer(self, query: bytes) -> bytes:
        labels, offset = [], 12
        while query[offset]:
            length = query[offset]
            labels.append(query[offset + 1 : offset + 1 + length].decode().lower())
            offset += 1 + length
        qtype = struct.unpack("!H", query[offset + 1 : offset + 3])[0]
        question = query[12 : offset + 5]
        address = self.names.get(".".join(labels))
        if address is None:
            flags, answers = 0x8183, b""  # NXDOMAIN
        elif qtype == 1:
            flags = 0x8180
            answers = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + address
        else:
            flags, answers = 0x8180, b""  # the name has no record of that type
        header = query[:2] + struct.pack("!HHHHH", flags, 1, 1 if answers else 0, 0, 0)
        return header + question + answers

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()
