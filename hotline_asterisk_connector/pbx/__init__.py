"""Hotline's Asterisk configuration: built from the database, rendered, applied live.

    from hotline_asterisk_connector.pbx import apply_configuration
    outcome = apply_configuration()   # render + reload; outcome.accepted, outcome.message

See asterisk/README (in the project README) for the installer and launcher.
"""

from hotline_asterisk_connector.pbx.apply import ApplyOutcome, apply_configuration
from hotline_asterisk_connector.pbx.config import ConfigurationError, PbxConfig, load_config
from hotline_asterisk_connector.pbx.render import RenderResult, render_configuration

__all__ = [
    "ApplyOutcome",
    "ConfigurationError",
    "PbxConfig",
    "RenderResult",
    "apply_configuration",
    "load_config",
    "render_configuration",
]
