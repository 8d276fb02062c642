"""Starting a service the way systemd would, from its unit file: the command of
`ExecStart`, its user and group, environment, working directory and ambient
capabilities. The install test runs what the installer installed, in a root
without a running systemd."""

import shlex
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Unit:
    exec_start: list[str]
    user: str = "root"
    group: str = ""
    working_directory: str = "/"
    environment: dict[str, str] = field(default_factory=dict)
    environment_files: list[str] = field(default_factory=list)
    ambient_capabilities: list[str] = field(default_factory=list)


def parse(path: Path) -> Unit:
    service: dict[str, list[str]] = {}
    section = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]" and "=" in line:
            key, value = line.split("=", 1)
            service.setdefault(key.strip(), []).append(value.strip())
    # An empty assignment resets the list: the last command is the one that runs.
    command = [value for value in service.get("ExecStart", []) if value][-1]
    environment = {}
    for value in service.get("Environment", []):
        for item in shlex.split(value):
            key, _, setting = item.partition("=")
            environment[key] = setting
    return Unit(
        exec_start=shlex.split(command.lstrip("-+!@")),
        user=service.get("User", ["root"])[-1],
        group=service.get("Group", [""])[-1],
        working_directory=service.get("WorkingDirectory", ["/"])[-1],
        environment=environment,
        environment_files=[value.lstrip("-") for value in service.get("EnvironmentFile", [])],
        ambient_capabilities=" ".join(service.get("AmbientCapabilities", [])).split(),
    )


def read_environment_file(path: Path) -> dict[str, str]:
    values = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip().strip('"')
    return values


def command(unit: Unit, root: Path, view: Path, home: str) -> list[str]:
    """The argv that runs `unit` inside `root` (chroot) as its user, with its
    environment; `view` is where this process reads the root's files."""
    environment = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME": home}
    for name in unit.environment_files:
        environment.update(read_environment_file(view / name.lstrip("/")))
    environment.update(unit.environment)
    privileges = []
    if unit.user != "root":
        privileges = [
            "setpriv",
            f"--reuid={unit.user}",
            f"--regid={unit.group or unit.user}",
            "--init-groups",
        ]
        capabilities = ",".join(
            "+" + cap.lower().removeprefix("cap_") for cap in unit.ambient_capabilities
        )
        if capabilities:
            privileges += [f"--inh-caps={capabilities}", f"--ambient-caps={capabilities}"]
        privileges.append("--")
    return [
        "chroot",
        str(root),
        "sh",
        "-c",
        'cd "$1" && shift && exec "$@"',
        "sh",
        unit.working_directory,
        "env",
        "-i",
        *(f"{key}={value}" for key, value in environment.items()),
        *privileges,
        *unit.exec_start,
    ]
