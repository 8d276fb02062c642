"""The browser tests: Chromium in a network namespace of the test's own, the web app
in its own process on the test database, Asterisk (where a test needs it) inside
the namespace too.

Every test here is marked `browser` and uses a transactional database that is
restored (roles, topics) after each test, since a second process reads it.
"""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import BrowserContext, Page, Playwright, expect, sync_playwright

from hotline_asterisk_connector.models import (
    ConsultantLine,
    ConsultantState,
    Operator,
    PresenceState,
    Trunk,
)
from tests.conftest import PASSWORD, current_code
from tests.e2e import pbx
from tests.support import browser, webapp
from tests.support.netns import Bridge, NetworkNamespace

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "test-artifacts" / "e2e"
SCREENSHOTS = ROOT / "docs" / "screenshots"
# Nothing listens here inside the namespace unless a test starts Asterisk.
NO_PBX_PORT = 8088


# Each module here starts with: pytestmark = BROWSER_TEST
BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def orm_beside_playwright(monkeypatch) -> None:
    """Playwright's sync API keeps an event loop in the test's thread; the test's own
    ORM calls are still plain blocking calls, which is what this tells Django."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def namespace() -> Iterator[tuple[NetworkNamespace, Bridge]]:
    space = NetworkNamespace()
    bridge = Bridge(space)
    yield space, bridge
    bridge.close()
    space.close()


@pytest.fixture
def artefacts(request) -> Iterator[Path]:
    """Logs of the web app and the browser; kept only when the test fails."""
    directory = ARTEFACTS / request.node.name
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    yield directory
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.passed:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


@pytest.fixture
def recordings_dir(tmp_path) -> Path:
    directory = tmp_path / "recordings"
    directory.mkdir()
    return directory


def start_web(bridge: Bridge, logs: Path, environment: dict[str, str]) -> webapp.WebApp:
    app = webapp.start(logs, environment)
    # The browser, inside the namespace, reaches the app on the same address.
    bridge.out_of_namespace(app.port)
    return app


@pytest.fixture
def web(
    transactional_db, namespace, artefacts, recordings_dir, tmp_path
) -> Iterator[webapp.WebApp]:
    _space, bridge = namespace
    app = start_web(
        bridge,
        artefacts,
        {
            "HOTLINE_RECORDINGS_DIR": str(recordings_dir),
            "HOTLINE_VOICEMAIL_DIR": str(tmp_path / "voicemail"),
            "HOTLINE_ASTERISK_HTTP_PORT": str(NO_PBX_PORT),
            # No Asterisk in these tests: the connector keeps retrying, harmlessly.
            "HOTLINE_AMI_PORT": str(webapp.free_port()),
        },
    )
    yield app
    app.stop()


@pytest.fixture
def telephony(transactional_db, namespace, artefacts, tmp_path, alice, bob):
    """Asterisk and the web app for a call: the 0-800 line, a mobile line to call
    out from, and Alice's and Bob's browser phones."""
    space, bridge = namespace
    Trunk.objects.create(
        name="tollfree",
        operator=Operator.TOLL_FREE,
        number=pbx.TOLL_FREE_NUMBER,
        host=pbx.TOLL_FREE_ADDRESS,
        port=pbx.CARRIER_PORT,
        match=pbx.TOLL_FREE_ADDRESS,
        allow_outbound=False,
    )
    Trunk.objects.create(
        name="kyivstar",
        operator=Operator.KYIVSTAR,
        number=pbx.MOBILE_NUMBER,
        host=pbx.MOBILE_ADDRESS,
        port=pbx.CARRIER_PORT,
        match=pbx.MOBILE_ADDRESS,
        is_default_outbound=True,
    )
    for user, extension in [(alice, "1001"), (bob, "1002")]:
        ConsultantLine.objects.create(
            user=user,
            extension=extension,
            webrtc_password=f"browser-phone-secret-{extension}",
            sip_password=f"smartphone-secret-{extension}",
        )
    asterisk = pbx.start(space, bridge, tmp_path, artefacts)
    app = start_web(
        bridge,
        artefacts,
        {
            **pbx.environment(tmp_path),
            "HOTLINE_ASTERISK_HTTP_PORT": str(pbx.HTTP_PORT),
            "HOTLINE_AMI_PORT": str(asterisk.ami_port_outside),
        },
    )
    yield space, asterisk, app
    app.stop()
    asterisk.stop()


def go_available(desk: Page, user: User) -> None:
    """Register the browser phone, join the queue, and see Asterisk confirm it."""
    expect(desk.locator("#line-state")).to_have_attribute("data-state", "registered")
    desk.select_option("#availability", "available")
    pbx.wait_for(
        lambda: ConsultantState.objects.filter(user=user, state=PresenceState.AVAILABLE).exists(),
        f"Asterisk to report {user.username} available",
    )
    expect(desk.locator("#queue-state")).to_have_attribute("data-state", "available")


def media_flows_both_ways(desk: Page) -> dict:
    """RTP counted in the browser's WebRTC stats: sent, and received back from sipp's echo."""
    return pbx.wait_for(
        lambda: (
            (counts := desk.evaluate("() => window.hotlineDesk.phone.mediaStats()"))
            and counts["packetsSent"] > 100
            and counts["packetsReceived"] > 100
            and counts
        ),
        "RTP both ways in the browser's WebRTC stats",
    )


@pytest.fixture
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def chromium(playwright, namespace, artefacts) -> Iterator[BrowserContext]:
    space, _bridge = namespace
    with browser.chromium(playwright, space, artefacts / "first-browser") as context:
        yield context


@pytest.fixture
def second_chromium(playwright, namespace, artefacts) -> Iterator[BrowserContext]:
    """Another person's browser: its own profile, its own session."""
    space, _bridge = namespace
    with browser.chromium(playwright, space, artefacts / "second-browser") as context:
        yield context


def sign_in(context: BrowserContext, web: webapp.WebApp, user: User, open_path: str = "/") -> Page:
    """Sign in as `user`; the consultant lands on the desk with `open_path` in its main frame."""
    page = _signed_in(context, web, user, open_path)
    page.wait_for_url("**/desk/**")
    page.wait_for_selector("body[data-events=open]")
    return page


def sign_in_staff(context: BrowserContext, web: webapp.WebApp, user: User, path: str) -> Page:
    """Sign in as an administrator or a supervisor, who land on `path` itself."""
    page = _signed_in(context, web, user, path)
    page.wait_for_url(f"**{path}")
    return page


def _signed_in(context: BrowserContext, web: webapp.WebApp, user: User, path: str) -> Page:
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(f"{web.url}/login/?next={path}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    pass_second_factor(page, user)
    return page


def pass_second_factor(page: Page, user: User) -> None:
    """Type what the persona's phone shows, where the role asks for it.

    Called on the password page (opened with ?next=) right after pressing Enter."""
    page.wait_for_url(lambda url: "/login/?" not in url)
    if "/login/code/" in page.url:
        page.fill("input[name=code]", current_code(user))
        page.press("input[name=code]", "Enter")


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
