"""The voice prompts the dialplan plays, and where each one is read from.

Defaults are generated in Ukrainian (asterisk/prompts/generate.sh) into the
instance directory; an administrator's own recording of a prompt, saved in
PROMPTS_DIR under the prompt's name (e.g. `greeting.wav`), replaces it.
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GENERATOR = Path(settings.BASE_DIR) / "asterisk" / "prompts" / "generate.sh"
# What Asterisk can play of an administrator's file without help.
PLAYABLE_EXTENSIONS = (".wav", ".sln16", ".gsm", ".alaw", ".ulaw", ".sln")


@dataclass(frozen=True)
class PromptKind:
    name: str
    description: Promise


PROMPTS: tuple[PromptKind, ...] = (
    PromptKind("greeting", _("Greeting at the start of every call")),
    PromptKind("recording-notice", _("Notice that the call is recorded; 0 declines")),
    PromptKind("please-wait", _("Repeated while the caller waits in the queue")),
    PromptKind("you-are-next", _("The caller is next in the queue")),
    PromptKind("busy-menu", _("Nobody is free: 1 voice message, 2 callback, 3 keep waiting")),
    PromptKind("hours", _("Outside working hours")),
    PromptKind("offhours-menu", _("Outside working hours: 1 voice message, 2 callback")),
    PromptKind("voicemail-intro", _("Before recording a voice message")),
    PromptKind("voicemail-thanks", _("After a voice message")),
    PromptKind("callback-your-number", _("Before reading out the caller's number")),
    PromptKind("callback-confirm", _("Press 1 to confirm the number or key in another one")),
    PromptKind("callback-enter", _("Key in a number for the callback")),
    PromptKind("callback-invalid", _("The keyed-in number was not recognised")),
    PromptKind(
        "callback-may-identify",
        _("May we say who we are if someone else answers the callback? 1 yes, 2 no"),
    ),
    PromptKind("callback-thanks", _("After a callback request")),
    PromptKind("invalid-choice", _("A key that means nothing in a menu")),
    PromptKind("over-limit", _("All lines busy (over the channel limit)")),
    PromptKind("goodbye", _("Before hanging up")),
    PromptKind("mobile-confirm", _("To a consultant's mobile: press 1 to take the call")),
)


def default_prompts_dir(instance_dir: Path) -> Path:
    return instance_dir / "prompts"


def generate_default_prompts(instance_dir: Path) -> Path:
    """Make sure the default prompts exist (a second run does nothing); return their dir."""
    target = default_prompts_dir(instance_dir)
    subprocess.run([str(GENERATOR), str(target)], check=True, capture_output=True, text=True)
    return target


def prompt_path(name: str, instance_dir: Path, custom_dir: Path) -> str:
    """The path Playback() gets for a prompt: the administrator's file, else the default.

    Asterisk takes the path without its extension and picks the best format itself.
    """
    custom = custom_dir / name
    if any(custom.with_name(name + ext).is_file() for ext in PLAYABLE_EXTENSIONS):
        return str(custom)
    return str(default_prompts_dir(instance_dir) / name)
