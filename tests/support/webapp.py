"""The web app as `make run` serves it: Daphne in its own process, on the test database.

In the embedded mode (no Redis) the Daphne process also runs the connector;
with REDIS_URL set (CI, production) `manage.py run_connector` runs beside it
and the two talk through Redis, exactly as in production.
"""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 60


def database_url() -> str:
    """The test database pytest-django made, as a URL another process can open."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class WebApp:
    port: int
    logs: Path
    processes: list[subprocess.Popen] = field(default_factory=list)
    commands: list[tuple[list[str], dict[str, str], Path]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def restart(self) -> None:
        """Stop the processes and start them again on the same port, as systemd
        restarts hotline-web: open pages reconnect to the new process."""
        self.stop()
        self.processes = [_spawn(*command) for command in self.commands]
        _wait_for_port(self, self.port)


def start(logs: Path, environment: dict[str, str], *, connector: bool = True) -> WebApp:
    """Start Daphne (and the connector when it runs apart) and wait until it serves.

    `connector=False` serves the pages and websockets only (no Asterisk needed)."""
    logs.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "hotline.settings",
        "PYTHONUNBUFFERED": "1",
        **environment,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    app = WebApp(port=free_port(), logs=logs)
    python = sys.executable
    daphne = [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(app.port)]
    app.commands.append(([*daphne, "hotline.asgi:application"], env, logs / "daphne.log"))
    if not connector:
        env["HOTLINE_EMBEDDED_CONNECTOR"] = "0"
    elif not settings.HOTLINE_EMBEDDED_CONNECTOR and env.get("HOTLINE_EMBEDDED_CONNECTOR") != "1":
        app.commands.append(([python, "manage.py", "run_connector"], env, logs / "connector.log"))
    app.processes = [_spawn(*command) for command in app.commands]
    _wait_for_port(app, app.port)
    return app


def _spawn(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )


def _wait_for_port(app: WebApp, port: int) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        for process in app.processes:
            if process.poll() is not None:
                app.stop()
                raise RuntimeError(f"the web app exited early; see {app.logs}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    app.stop()
    raise RuntimeError(f"the web app did not listen within {START_SECONDS} s; see {app.logs}")
