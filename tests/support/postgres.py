"""A PostgreSQL cluster of the test's own: initdb into a temporary directory, served
by pg_ctl on a free loopback port, stopped and removed at the end.

Tests that stop or restart the database must never touch the machine's own
server. Debian's server binaries (package postgresql) live in
/usr/lib/postgresql/<version>/bin, outside PATH; initdb refuses to run as root,
so as root the cluster runs as the `postgres` system user the package creates.
"""

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.webapp import free_port

START_SECONDS = 60


def server_binaries() -> Path:
    """The newest installed server's bin directory (or the one on PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path is None:
        raise RuntimeError("no PostgreSQL server installed (scripts/install-system-deps.sh)")
    return Path(on_path).parent


def _version(path: str) -> int:
    return int(Path(path).parts[-3])


@dataclass
class PostgresCluster:
    directory: Path
    port: int = field(default_factory=free_port)
    binaries: Path = field(default_factory=server_binaries)

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._own(self.directory)
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} -c fsync=off"
        self._run(
            "pg_ctl",
            "start",
            "-D",
            self.data,
            "-w",
            "-t",
            str(START_SECONDS),
            "-l",
            self.directory / "server.log",
            "-o",
            options,
        )

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-D", self.data, "-m", mode, "-w")

    def create_database(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _run(self, program: str, *arguments) -> None:
        command = [str(self.binaries / program), *map(str, arguments)]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=START_SECONDS + 30)

    @staticmethod
    def _own(path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")
