"""Every page fits the screen: a 1366×768 laptop and a 390-px phone.

Every page of every app (tests/support/every_page.py: from the role matrix,
which walks the URL resolver), for each role that may open it, filled with
long real-looking data, opened in Chromium at both sizes. A page fails when
the document scrolls sideways or when any element reaches past the window,
unless it sits inside a box of its own that scrolls (a wide table in its
`.table-wrap`). A consultant's pages are checked where the consultant sees
them: inside the desk's frame.
"""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client as DjangoClient
from playwright.sync_api import Browser, Frame, Page

from tests.admin.conftest import storage  # noqa: F401  (the world's files)
from tests.e2e.conftest import BROWSER_TEST, screenshot
from tests.support import browser as chromium_browser
from tests.support.every_page import PERSONAS, long_world, pages_for, world  # noqa: F401

pytestmark = BROWSER_TEST

SIZES = {
    "laptop": {"viewport": {"width": 1366, "height": 768}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 3,
    },
}

# The README's pictures of pages on a phone (docs/screenshots/NAME.png).
PICTURES = {
    ("administrator", "phone", "hotline_admin:index"): "settings-on-a-phone",
    ("supervisor", "phone", "hotline_workspace:journal"): "journal-on-a-phone",
}

# What reaches past the window, outermost first: an element counts unless an
# ancestor that itself fits scrolls or clips it, or it is a screen reader's
# (clipped to 1 px) text.
OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const doc = document.documentElement.scrollWidth;
  if (doc > width) found.push(`the document is ${doc}px wide in ${width}px`);
  const fits = (box) => box.left >= -1 && box.right <= width + 1;
  const contained = (element) => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (["auto", "scroll", "hidden", "clip"].includes(style.overflowX)) {
        return fits(up.getBoundingClientRect());
      }
    }
    return false;
  };
  const name = (element) => {
    let text = element.tagName.toLowerCase();
    if (element.id) text += `#${element.id}`;
    if (element.classList.length) text += `.${[...element.classList].join(".")}`;
    return text;
  };
  const path = (element) => {
    const names = [];
    for (let up = element; up && up !== document.body; up = up.parentElement) {
      names.unshift(name(up));
    }
    return names.slice(-4).join(" > ");
  };
  const reported = new Set();
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || fits(box)) continue;
    if (getComputedStyle(element).visibility === "hidden" || contained(element)) continue;
    if ([...reported].some((outer) => outer.contains(element))) continue;
    reported.add(element);
    const text = (element.textContent || "").trim().slice(0, 40);
    found.push(`${path(element)} (${Math.round(box.left)}..${Math.round(box.right)}px) «${text}»`);
  }
  return found.slice(0, 6);
}
"""


@pytest.fixture
def plain_chromium(playwright, namespace, artefacts) -> Iterator[Browser]:
    """Chromium in the test's namespace, each size a context of its own."""
    space, _bridge = namespace
    workdir = artefacts / "browser"
    workdir.mkdir(parents=True, exist_ok=True)
    executable = space.wrapper_script(workdir, chromium_browser.CHROMIUM)
    launched = playwright.chromium.launch(
        executable_path=str(executable), headless=True, args=chromium_browser.FLAGS
    )
    yield launched
    launched.close()


def session_cookie(user: User, url: str) -> dict:
    """A signed-in session made the way the role matrix makes one (second factor
    passed), for the browser: the web app reads the same database."""
    client = DjangoClient()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": url}


def frames_of(page: Page, url: str, role: str) -> list[Frame]:
    """The page's own document, and for a consultant the desk's frame it opened in."""
    if role != "consultant" or url.startswith("/desk/"):
        return [page.main_frame]
    page.wait_for_function(
        "(path) => { const frame = document.getElementById('frame-main');"
        " return frame && frame.contentWindow.location.pathname === path"
        " && frame.contentDocument.readyState === 'complete'; }",
        arg=url.split("?")[0],
    )
    return list(page.frames)


def test_every_page_fits_the_screen(web, plain_chromium, long_world, artefacts):  # noqa: F811
    """One test for every role and size: the world and the web app are made once."""
    overflowing = {}
    checked = 0
    for role in PERSONAS:
        pages = pages_for(role, long_world)
        assert len(pages) > 10
        for size in SIZES:
            for target, found in _overflows(web, plain_chromium, role, size, pages, artefacts):
                overflowing[f"{role} {size} {target}"] = found
            checked += len(pages)
    print(f"pages checked (role × size): {checked}")
    assert not overflowing, "\n".join(f"{page}: {found}" for page, found in overflowing.items())


def _overflows(web, chromium, role: str, size: str, pages, artefacts) -> Iterator[tuple]:
    user = User.objects.get(username=PERSONAS[role])
    context = chromium.new_context(locale="uk-UA", timezone_id="Europe/Kyiv", **SIZES[size])
    context.add_cookies([session_cookie(user, web.url)])
    page = context.new_page()
    for target in pages:
        page.goto(f"{web.url}{target.url}", wait_until="load")
        found = []
        for frame in frames_of(page, target.url, role):
            found += frame.evaluate(OVERFLOW)
        if (role, size, target.key) in PICTURES and not found:
            # The first table in view, where the page has one: the point of the picture.
            tables = page.locator("main table")
            if tables.count():
                tables.first.scroll_into_view_if_needed()
            screenshot(page, PICTURES[role, size, target.key])
        if found:
            shot = artefacts / f"{role}-{size}-{target.key.replace(':', '-')}.png"
            page.screenshot(path=str(shot), full_page=True)
            yield target, found
    context.close()
