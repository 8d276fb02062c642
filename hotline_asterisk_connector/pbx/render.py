"""Render asterisk/templates into an Asterisk instance directory.

The instance directory holds everything one running Asterisk writes or reads
besides its programs: etc/ (the rendered configuration), lib/, spool/, run/,
log/ and prompts/ (the generated defaults). `dirs` lists every directory it
must see at the same path as Django (asterisk/run.sh bind mounts them into
the Debian sid root).
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template import Context, Engine

from hotline_asterisk_connector.pbx import prompts
from hotline_asterisk_connector.pbx.config import ConfigurationError, PbxConfig

TEMPLATES_DIR = Path(settings.BASE_DIR) / "asterisk" / "templates"
_MISSING = "!!HOTLINE-MISSING-VALUE!!"
# Configuration files Asterisk itself must not show to other local users.
_SECRET_FILES = {"pjsip.conf", "manager.conf"}

_engine = Engine(dirs=[str(TEMPLATES_DIR)], autoescape=False, string_if_invalid=_MISSING)


@dataclass(frozen=True)
class RenderResult:
    directory: Path
    changed: tuple[str, ...]  # names of the files whose content changed


def template_names() -> list[str]:
    """Every configuration file rendered; names starting with _ are included pieces."""
    return sorted(
        path.name
        for path in TEMPLATES_DIR.iterdir()
        if path.suffix == ".conf" and not path.name.startswith("_")
    )


def template_context(config: PbxConfig) -> dict:
    default_trunk = config.default_outbound_trunk
    return {
        "paths": config.paths,
        "network": config.network,
        "ami_users": config.ami_users,
        "trunks": config.trunks,
        "consultants": config.consultants,
        "queue": config.queue,
        "prompt_paths": config.prompt_paths,
        "always_open": config.always_open,
        "time_conditions": config.time_conditions,
        "day_exception_globals": config.day_exception_globals,
        "trunk_for_code": config.trunk_for_code,
        "default_outbound_trunk": default_trunk.name if default_trunk else "",
        "allowed_destinations": config.dialling.asterisk_patterns(),
        "blocked_addresses": config.blocked_addresses,
    }


def render_file(name: str, config: PbxConfig) -> str:
    # Context escapes for HTML unless told not to (the engine's setting does
    # not reach it): a password with & or > would reach Asterisk altered.
    # Values are made safe for Asterisk by pbx/config.py instead.
    text = _engine.get_template(name).render(Context(template_context(config), autoescape=False))
    if _MISSING in text:
        raise ConfigurationError(f"{name}: a template asks for a value the configuration lacks")
    return text


def render_configuration(config: PbxConfig) -> RenderResult:
    """Write the whole configuration; files whose content did not change are left alone."""
    paths = config.paths
    for directory in (
        paths.etc,
        paths.instance / "lib",
        paths.instance / "spool",
        paths.instance / "run",
        paths.instance / "log",
        *paths.shared_dirs(),
    ):
        directory.mkdir(parents=True, exist_ok=True)
    prompts.generate_default_prompts(paths.instance)
    changed = [
        name
        for name in template_names()
        if _write_if_changed(paths.etc / name, render_file(name, config), name in _SECRET_FILES)
    ]
    _write_if_changed(
        paths.instance / "dirs", "".join(f"{d}\n" for d in paths.shared_dirs()), secret=False
    )
    return RenderResult(directory=paths.instance, changed=tuple(changed))


def _write_if_changed(path: Path, text: str, secret: bool) -> bool:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    # Write aside and rename, so Asterisk never reads half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        # Secrets: the owner (the web app) and the group (in production Asterisk's
        # own user, deploy/install.sh) only.
        os.chmod(temporary, 0o640 if secret else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True
