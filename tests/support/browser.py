"""Debian's Chromium driven by Playwright, inside the test's network namespace.

Playwright talks to Chromium over pipes, so the browser can live in the
namespace (where it meets Asterisk for WebRTC) while the test drives it from
outside. The media flags give Chromium a fake microphone that plays a beep
and grant it without asking; `--allow-loopback-in-peer-connection` lets it
use the namespace's addresses for ICE.
"""

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import BrowserContext, Playwright
from playwright.sync_api import Error as PlaywrightError

from tests.support.netns import NetworkNamespace

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
    "--allow-loopback-in-peer-connection",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def chromium(
    playwright: Playwright,
    namespace: NetworkNamespace,
    workdir: Path,
    *,
    microphone_blocked: bool = False,
) -> Iterator[BrowserContext]:
    """A fresh browser profile; its console is kept in workdir/console.log.

    `microphone_blocked`: the person said no to the microphone (every
    permission prompt is refused), as when it is blocked for the site.
    """
    args = FLAGS
    if microphone_blocked:
        args = [
            *(flag for flag in FLAGS if flag != "--use-fake-ui-for-media-stream"),
            "--deny-permission-prompts",
        ]
    workdir.mkdir(parents=True, exist_ok=True)
    executable = namespace.wrapper_script(workdir, CHROMIUM)
    console = (workdir / "console.log").open("a", encoding="utf-8")
    context = playwright.chromium.launch_persistent_context(
        str(workdir / "profile"),
        executable_path=str(executable),
        headless=True,
        args=args,
        locale="uk-UA",
        timezone_id="Europe/Kyiv",
        viewport={"width": 1440, "height": 900},
    )

    def log_console(page) -> None:
        page.on("console", lambda message: console.write(f"{message.type}: {message.text}\n"))

    for page in context.pages:
        log_console(page)
    context.on("page", log_console)
    try:
        yield context
    finally:
        # A test may have killed the browser (kill()): nothing is left to close then.
        with contextlib.suppress(PlaywrightError):
            context.close()
        console.close()


def kill(workdir: Path) -> int:
    """SIGKILL the browser process of the profile in `workdir`, as a crash or a
    laptop losing power would end it: no unload, no BYE, no closing websocket
    frame. Returns its process id."""
    profile = f"--user-data-dir={workdir / 'profile'}"
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # it ended meanwhile
        words = [argument.decode(errors="replace") for argument in arguments]
        if profile in words and not any(word.startswith("--type=") for word in words):
            os.kill(int(entry.name), signal.SIGKILL)
            return int(entry.name)
    raise LookupError(f"no browser runs with the profile in {workdir}")
