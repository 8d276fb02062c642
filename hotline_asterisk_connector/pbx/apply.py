"""Apply a changed configuration to the running Asterisk without dropping calls.

Each rendered file is reloaded by the module that reads it; calls in progress
keep going (PJSIP sessions, queue callers and running dialplan survive these
reloads). Only asterisk.conf and modules.conf need a full restart.
"""

import logging
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from django.conf import settings
from django.utils.translation import gettext as _

from hotline_asterisk_connector.ami.client import AmiClient, AmiConfig, AmiError, ConnectionLost
from hotline_asterisk_connector.pbx.config import PbxConfig, load_config
from hotline_asterisk_connector.pbx.render import render_configuration

log = logging.getLogger(__name__)

# File → the modules to reload, in this order (endpoints before the dialplan
# that dials them). None: only a restart applies it.
RELOADS: dict[str, tuple[str, ...] | None] = {
    "pjsip.conf": ("res_pjsip.so", "res_pjsip_outbound_registration.so"),
    "extensions.conf": ("pbx_config.so",),
    "queues.conf": ("app_queue.so",),
    "musiconhold.conf": ("res_musiconhold.so",),
    "manager.conf": ("manager",),
    "http.conf": ("http",),
    "rtp.conf": ("res_rtp_asterisk.so",),
    "cdr.conf": ("cdr",),
    "cdr_sqlite3_custom.conf": ("cdr_sqlite3_custom.so",),
    "features.conf": ("features",),
    "indications.conf": ("indications",),
    "logger.conf": ("logger",),
    "asterisk.conf": None,
    "modules.conf": None,
}


@dataclass(frozen=True)
class ApplyOutcome:
    accepted: bool
    message: str
    changed: tuple[str, ...] = ()
    needs_restart: bool = False


def reload_plan(changed: tuple[str, ...]) -> tuple[list[str], bool]:
    """The modules to reload for these changed files, and whether a restart is needed too."""
    modules: list[str] = []
    needs_restart = False
    order = list(RELOADS)
    # A file with no module listed (acl.conf, cel.conf…) never changes with the
    # database; when it does change (a first render, an upgrade) a restart applies it.
    for name in sorted(
        changed, key=lambda name: order.index(name) if name in order else len(order)
    ):
        reload = RELOADS.get(name)
        if reload is None:
            needs_restart = True
            continue
        modules.extend(module for module in reload if module not in modules)
    return modules, needs_restart


async def reload_modules(modules: list[str], ami: AmiConfig) -> list[str]:
    """Reload each module; return Asterisk's refusals (empty when all went well)."""
    refusals = []
    async with AmiClient(ami, events=False) as client:
        for module in modules:
            response = await client.action("Reload", Module=module)
            if not response.is_success:
                refusals.append(f"{module}: {response.get('Message', 'refused')}")
    return refusals


def apply_ami_config() -> AmiConfig:
    """The AMI user that may reload (and nothing else the application does)."""
    return AmiConfig(
        host=settings.HOTLINE_AMI_HOST,
        port=settings.HOTLINE_AMI_PORT,
        username=settings.HOTLINE_AMI_APPLY_USERNAME,
        secret=settings.HOTLINE_AMI_APPLY_SECRET,
        heartbeat_seconds=0,
    )


def apply_configuration(
    config: PbxConfig | None = None, ami: AmiConfig | None = None
) -> ApplyOutcome:
    """Render the configuration from the database and reload what changed in Asterisk."""
    result = render_configuration(config or load_config())
    if not result.changed:
        return ApplyOutcome(True, _("Nothing changed in the PBX configuration."))
    modules, needs_restart = reload_plan(result.changed)
    ami = ami or apply_ami_config()
    try:
        refusals = async_to_sync(reload_modules)(
            modules, AmiConfig(ami.host, ami.port, ami.username, ami.secret, heartbeat_seconds=0)
        )
    except (AmiError, ConnectionLost, OSError, TimeoutError) as error:
        log.warning("Asterisk did not take the new configuration: %s", error)
        return ApplyOutcome(
            False,
            _("The configuration is saved but Asterisk is not reachable (%(reason)s).")
            % {"reason": error or type(error).__name__},
            result.changed,
            needs_restart,
        )
    if refusals:
        return ApplyOutcome(
            False,
            _("Asterisk refused to reload: %(reasons)s") % {"reasons": "; ".join(refusals)},
            result.changed,
            needs_restart,
        )
    message = (
        _("Applied; some changes take effect after Asterisk restarts.")
        if needs_restart
        else _("Applied.")
    )
    return ApplyOutcome(True, message, result.changed, needs_restart)
