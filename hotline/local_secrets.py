"""Secrets for a machine that runs without production's environment:
`make run`, the tests, a developer's shell.

They are random, made once into a file only its owner may read
(var/local-secrets.env) and read back on every start, so the browser's
session and the Asterisk the first run configured keep working. Nothing is
derived from a path or from another secret: whoever knows one learns nothing
about the others.
"""

import os
import secrets
from pathlib import Path

NAMES = (
    "SECRET_KEY",
    "HOTLINE_AMI_SECRET",
    "HOTLINE_AMI_STATUS_SECRET",
    "HOTLINE_AMI_APPLY_SECRET",
)


def load_or_create(path: Path) -> dict[str, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    values = _read(path)
    missing = [name for name in NAMES if not values.get(name)]
    if missing:
        values.update({name: secrets.token_urlsafe(48) for name in missing})
        _write(path, values, replace=path.exists())
    return _read(path)


def _read(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def _write(path: Path, values: dict[str, str], *, replace: bool) -> None:
    """Write beside the file, then link it into place: of two processes starting
    at once (web and connector) one wins and both read the winner's file."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write("".join(f"{name}={values[name]}\n" for name in NAMES))
    try:
        if replace:
            os.replace(partial, path)
        else:
            os.link(partial, path)
    except FileExistsError:
        pass
    finally:
        partial.unlink(missing_ok=True)
