"""A fresh Debian 12 root for the install test, and the place it runs in.

The root is made once with debootstrap (minbase, from the mirror this machine's
apt uses) and cached under ~/.cache/hotline like the Asterisk root; every test
run gets a copy-on-write overlay of it, so the cache stays fresh.

`Machine` is one process holding a private mount namespace (the overlay and
the bind mounts vanish with it) and a network namespace of its own, the "VPS":
a veth pair, both ends inside, one with a documentation address. Commands
run either with the machine's mounts and this host's network (`fetch`: package
downloads only) or wholly inside (`run`: the install and the services, which
then never meet this machine's own PostgreSQL, Redis or ports).
"""

import contextlib
import os
import shutil
import signal
import subprocess
from pathlib import Path

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hotline"
BASE_ROOT = CACHE / "debian12-root"
DOWNLOADS = CACHE / "install-test"
VPS_ADDRESS = "203.0.113.10"

_HOLD = """
set -e
ip link set lo up
ip link add vps0 type veth peer name vps1
ip addr add {address}/24 dev vps0
ip link set vps0 up
ip link set vps1 up
ip route add default via 203.0.113.1
echo ready
exec sleep infinity
"""


def debian_mirror() -> str:
    for sources in Path("/etc/apt/sources.list.d").glob("*.sources"):
        for line in sources.read_text().splitlines():
            if line.startswith("URIs:"):
                for uri in line.split()[1:]:
                    if uri.rstrip("/").endswith("/debian"):
                        return uri
    for line in Path("/etc/apt/sources.list").read_text().splitlines():
        parts = line.split()
        if parts[:1] == ["deb"]:
            uri = next(part for part in parts[1:] if "://" in part)
            if uri.rstrip("/").endswith("/debian"):
                return uri
    raise RuntimeError("no Debian mirror in /etc/apt")


def base_root() -> Path:
    """The cached fresh Debian 12 (about a minute the first time)."""
    if (BASE_ROOT / ".hotline-ready").is_file():
        return BASE_ROOT
    partial = BASE_ROOT.with_name(BASE_ROOT.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run(
        ["debootstrap", "--variant=minbase", "bookworm", partial, debian_mirror()],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (partial / ".hotline-ready").touch()
    shutil.rmtree(BASE_ROOT, ignore_errors=True)
    partial.rename(BASE_ROOT)
    return BASE_ROOT


class Machine:
    def __init__(self, scratch: Path, binds: dict[str, Path]) -> None:
        self._holder = subprocess.Popen(
            [
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "--net",
                "--",
                "sh",
                "-c",
                _HOLD.format(address=VPS_ADDRESS),
            ],
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        if self._holder.stdout.readline().strip() != "ready":
            self._holder.kill()
            raise RuntimeError("could not make the VPS namespaces")
        try:
            self._set_up(scratch, binds)
        except BaseException:
            self.close()
            raise

    def _set_up(self, scratch: Path, binds: dict[str, Path]) -> None:
        self.root = scratch / "root"
        # The root as this process sees it: through the holder's mount namespace.
        self.view = Path(f"/proc/{self._holder.pid}/root") / self.root.relative_to("/")
        for name in ("upper", "work", "root"):
            (scratch / name).mkdir()
        self.fetch(
            [
                "mount",
                "-t",
                "overlay",
                "overlay",
                "-o",
                f"lowerdir={base_root()},upperdir={scratch / 'upper'},workdir={scratch / 'work'}",
                self.root,
            ]
        )
        for inside, outside in binds.items():
            (self.view / inside.lstrip("/")).mkdir(parents=True, exist_ok=True)
            self.fetch(["mount", "--bind", outside, self.root / inside.lstrip("/")])
        self.run(["mount", "-t", "proc", "proc", self.root / "proc"], chroot=False)
        self.run(["mount", "-t", "sysfs", "sysfs", self.root / "sys"], chroot=False)
        self.run(["mount", "--rbind", "/dev", self.root / "dev"], chroot=False)
        # Packages must not start their services: the test starts them from the units.
        policy = self.view / "usr/sbin/policy-rc.d"
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        # A scratch root need not survive a power cut: dpkg without fsync is far faster.
        (self.view / "etc/dpkg/dpkg.cfg.d/unsafe-io").write_text("force-unsafe-io\n")
        (self.view / "etc/hosts").write_text(f"127.0.0.1 localhost\n{VPS_ADDRESS} hotline.test\n")

    def _enter(self, network: bool) -> list[str]:
        return ["nsenter", "-t", str(self._holder.pid), "-m", *(["-n"] if network else []), "--"]

    def fetch(self, argv: list, **kwargs) -> subprocess.CompletedProcess:
        """With the machine's mounts and this host's network: downloads only."""
        return subprocess.run([*self._enter(False), *map(str, argv)], check=True, **kwargs)

    def command(self, argv: list, chroot: bool = True) -> list[str]:
        inside = ["chroot", str(self.root)] if chroot else []
        return [*self._enter(True), *inside, *map(str, argv)]

    def run(self, argv: list, chroot: bool = True, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(argv, chroot), check=True, **kwargs)

    def spawn(self, argv: list[str], log: Path) -> subprocess.Popen:
        """A long-running process inside (argv already includes its chroot)."""
        with log.open("wb") as output:
            return subprocess.Popen(
                [*self._enter(True), *argv],
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def namespace_pid(self) -> int:
        """A process in the VPS's namespaces, for `nsenter -t` and `ip link set … netns`."""
        return self._holder.pid

    def namespace(self) -> str:
        return os.readlink(f"/proc/{self._holder.pid}/ns/net")

    def owns(self, proc: Path, namespace: str) -> bool:
        """Whether the process /proc/<pid> runs inside (the holder excluded)."""
        try:
            return (
                proc.name != str(self._holder.pid) and os.readlink(proc / "ns" / "net") == namespace
            )
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            return False

    def close(self) -> None:
        """Kill every process in the VPS's network namespace (daemons too), then
        the holder: the mounts go with its mount namespace."""
        namespace = self.namespace()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and self.owns(entry, namespace):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(entry.name), signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._holder.pid, signal.SIGKILL)
        self._holder.wait()
