"""Debian's Chromium driven by Playwright, inside the test's network namespace.

Playwright talks to Chromium over pipes, so the browser can live in the
namespace (where it meets Asterisk for WebRTC) while the test drives it from
outside. The media flags give Chromium a fake microphone that plays a beep
and grant it without asking; `--allow-loopback-in-peer-connection` lets it
use the namespace's addresses for ICE.
"""

import contextlib
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import BrowserContext, sync_playwright

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
def chromium(namespace: NetworkNamespace, workdir: Path) -> Iterator[BrowserContext]:
    """A fresh browser profile; its console is kept in workdir/console.log."""
    workdir.mkdir(parents=True, exist_ok=True)
    executable = namespace.wrapper_script(workdir, CHROMIUM)
    console = (workdir / "console.log").open("a", encoding="utf-8")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(workdir / "profile"),
            executable_path=str(executable),
            headless=True,
            args=FLAGS,
            locale="uk-UA",
            timezone_id="Europe/Kyiv",
            viewport={"width": 1440, "height": 900},
        )
        context.on(
            "page",
            lambda page: page.on(
                "console", lambda message: console.write(f"{message.type}: {message.text}\n")
            ),
        )
        try:
            yield context
        finally:
            context.close()
            console.close()
