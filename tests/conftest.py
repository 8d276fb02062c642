"""Personas reused by every test: two consultants who must not see each
other's work, a supervisor and an administrator."""

import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from hotline.channel_layers import IN_MEMORY_LAYER, redis_layer
from hotline_accounts.policy import second_factor_required
from hotline_crm.roles import Role
from tests.support.redis import RedisServer

PASSWORD = "correct-horse-battery"
PERSONAS = {"alice", "bob", "carol", "dave"}
# A test that uses one of these fixtures needs the real Asterisk or Chromium,
# whatever its module declares: `pytest -m "not asterisk and not browser"` (CI on
# the newest Python) relies on the marks.
MARK_BY_FIXTURE = {"asterisk": "asterisk", "pbx": "asterisk", "namespace": "browser"}
REDIS_DATABASES = 16


def pytest_configure(config: pytest.Config) -> None:
    _redis_database_of_this_worker()


def _redis_database_of_this_worker() -> None:
    """Under pytest-xdist (`make test` runs the suite without Asterisk in
    TEST_WORKERS workers, 4), worker N takes Redis database REDIS_URL's + 1 + N, so
    one worker's groups (the wallboard, a desk) never get another's messages.
    The processes a test starts inherit it through the environment."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("REDIS_URL", "")
    if not (worker.startswith("gw") and url):
        return
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    database = (base + 1 + int(worker.removeprefix("gw"))) % REDIS_DATABASES
    url = parts._replace(path=f"/{database}").geturl()
    os.environ["REDIS_URL"] = url
    settings.REDIS_URL = url
    settings.CHANNEL_LAYERS = {"default": redis_layer(url, settings.REDIS_SOCKET_TIMEOUT)}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that pick a persona through request.getfixturevalue.

    pytest-django cannot see that they use the database and would run them
    after the transactional tests, whose flush removes the rows the data
    migrations made (roles, topics).
    """
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        picks_persona = PERSONAS & {value for value in params.values() if isinstance(value, str)}
        if picks_persona and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)
        for fixture in getattr(item, "fixturenames", ()):
            mark = MARK_BY_FIXTURE.get(fixture)
            if mark and not item.get_closest_marker(mark):
                item.add_marker(getattr(pytest.mark, mark))


@pytest.fixture(autouse=True)
def quick_password_hashing(request, settings) -> None:
    """Personas and sign-ins without a million PBKDF2 rounds each
    (tests/support/hashers.py). Not for the tests of real calls and the
    browser: the web app they start signs people in with production's hasher,
    which would hash a quick hash again and so end that person's other sessions."""
    if request.node.get_closest_marker("asterisk") or request.node.get_closest_marker("browser"):
        return
    settings.PASSWORD_HASHERS = [
        "tests.support.hashers.QuickPBKDF2PasswordHasher",
        *(name for name in settings.PASSWORD_HASHERS if not name.endswith(".PBKDF2PasswordHasher")),
    ]


@pytest.fixture(autouse=True)
def django_db_serialized_rollback() -> bool:
    """Start every transactional test from the migrated data (roles, topics),
    not from the empty tables the previous one's flush left."""
    return True


def make_user(username: str, role: Role, **fields) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, **fields)
    user.groups.add(Group.objects.get(name=role.value))
    if role is not Role.CONSULTANT:
        enrol_phone(user)
    return user


def enrol_phone(user: User) -> TOTPDevice:
    """The persona's authenticator app, already set up (see current_code)."""
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def current_code(user: User) -> str:
    """What the persona's phone shows now, for tests that sign in through the pages."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    return f"{totp.token():0{device.digits}d}"


def _test_client_signs_in_verified(sender, request, user, **kwargs) -> None:
    """`Client.login()` and `force_login()` skip the sign-in pages, so they also
    count as having passed the second factor; the sign-in tests go through the
    pages instead. Real requests are never plain HttpRequests."""
    if type(request) is HttpRequest and second_factor_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol_phone(user)
        request.user = user
        otp_login(request, device)


user_logged_in.connect(_test_client_signs_in_verified)


@pytest.fixture
def alice(db) -> User:
    """A consultant."""
    return make_user("alice", Role.CONSULTANT, first_name="Аліна")


@pytest.fixture
def bob(db) -> User:
    """A second consultant, who must not see Alice's forms."""
    return make_user("bob", Role.CONSULTANT, first_name="Богдан")


@pytest.fixture
def carol(db) -> User:
    """A supervisor."""
    return make_user("carol", Role.SUPERVISOR, first_name="Катерина")


@pytest.fixture
def dave(db) -> User:
    """The NGO's administrator."""
    return make_user("dave", Role.ADMINISTRATOR, first_name="Давид")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> RedisServer:
    """A redis-server of the test session's own (never the machine's)."""
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed: run scripts/install-system-deps.sh")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["in-memory", "redis"])
def channel_layer(request, settings) -> str:
    """Run a websocket test on both layers: the embedded mode's in-process one and
    production's Redis one, configured exactly as the settings configure it."""
    if request.param == "redis":
        url = request.getfixturevalue("redis_server").url
        settings.CHANNEL_LAYERS = {"default": redis_layer(url)}
    else:
        settings.CHANNEL_LAYERS = {"default": IN_MEMORY_LAYER}
    return request.param


@pytest.fixture
def role_groups(transactional_db) -> None:
    """Tests on a transactional database start after another one's flush, which
    empties the role groups the data migration made: make them again."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
