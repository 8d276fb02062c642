"""The permanent role matrix: every URL the resolver knows, for every role.

It walks the URL patterns from the resolver itself, so a new view cannot
escape it: a pattern without an entry in MATRIX fails
`test_every_url_has_an_entry`. Each entry says how to call the URL with
real objects owned by consultant A (Alice) and the status expected for
anonymous, A, B (Bob, another consultant), the supervisor (Carol) and the
administrator (Dave). "L" is a redirect to the sign-in page.

The Django admin's patterns (one set per registered model) follow one rule,
checked for each of them: nobody but an administrator gets past the
sign-in redirect, and an administrator never meets a 403 or a 500.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hotline_admin import backup
from hotline_asterisk_connector.models import (
    Call,
    CallLeg,
    ConsultantLine,
    Disposition,
    ScheduleException,
    Trunk,
)
from hotline_crm.models import Topic, TopicCategory
from hotline_workspace.models import Kind, WorklistItem, WorkStatus
from tests.crm.conftest import ALICES_NUMBER, new_client, new_consultation

ROLES = ["anonymous", "alice", "bob", "carol", "dave"]
L = "L"


@dataclass(frozen=True)
class Entry:
    expected: tuple  # anonymous, A, B, supervisor, administrator
    method: str = "get"
    kwargs: Callable[[dict], dict] = lambda world: {}
    data: dict = field(default_factory=dict)


def staff_only(ok: int) -> tuple:
    return (L, ok, ok, ok, ok)


def a_only(ok: int = 200) -> tuple:
    """Alice's object: hers, not Bob's; supervisors and administrators see all."""
    return (L, ok, 404, ok, ok)


SUPERVISORS = (L, 403, 403, 200, 200)
ADMINISTRATOR = (L, 403, 403, 403, 200)
ADMIN_POST = (L, 403, 403, 403, 302)
PERIOD = {"date_from": "2025-03-01", "date_to": "2025-03-31"}

MATRIX: dict[str, Entry] = {
    "favicon.ico": Entry((301, 301, 301, 301, 301)),
    # Signing in and the person's own settings.
    "login": Entry((200, 302, 302, 302, 302)),
    "logout": Entry((302, 302, 302, 302, 302), "post"),
    "set_language": Entry((302, 302, 302, 302, 302), "post", data={"language": "en"}),
    "accounts:code": Entry((302, 302, 302, 302, 302)),
    "accounts:enrol": Entry((302, 200, 200, 200, 200)),
    "accounts:settings": Entry(staff_only(200)),
    "accounts:password": Entry(staff_only(200)),
    # New recovery codes need a verified second factor: consultants without one go back.
    "accounts:recovery_codes": Entry((L, 302, 302, 200, 200), "post"),
    "accounts:keep_alive": Entry((401, 200, 200, 200, 200), "post"),
    "accounts:staff": Entry(ADMINISTRATOR),
    "accounts:staff_action": Entry(
        ADMIN_POST, "post", lambda w: {"user_id": w["alice"].pk, "action": "sign-out"}
    ),
    # The CRM: Alice's card and form.
    "hotline_crm:workspace": Entry(staff_only(200)),
    "hotline_crm:client_create": Entry(staff_only(200)),
    "hotline_crm:break_glass": Entry(staff_only(400), "post"),
    "hotline_crm:client_detail": Entry(a_only(), kwargs=lambda w: {"pk": w["card"].pk}),
    "hotline_crm:client_edit": Entry(a_only(), kwargs=lambda w: {"pk": w["card"].pk}),
    "hotline_crm:consultation_create": Entry(
        a_only(), kwargs=lambda w: {"client_pk": w["card"].pk}
    ),
    "hotline_crm:consultation_list": Entry(staff_only(200)),
    "hotline_crm:consultation_detail": Entry(a_only(), kwargs=lambda w: {"pk": w["form"].pk}),
    "hotline_crm:consultation_edit": Entry(a_only(), kwargs=lambda w: {"pk": w["form"].pk}),
    # The desk, the journal and the worklist: Alice's call and her claimed items.
    "hotline_workspace:desk": Entry(staff_only(200)),
    # ICE servers for one's own phone line: only Alice has one here.
    "hotline_workspace:ice": Entry((L, 200, 404, 404, 404)),
    # Click-to-call without a number: refused with the reason, for every role.
    "hotline_workspace:dial": Entry(staff_only(400), "post"),
    "hotline_workspace:status": Entry(staff_only(400), "post"),
    "hotline_workspace:attach": Entry(
        (L, 200, 404, 400, 400),
        "post",
        lambda w: {"call_id": w["call"].pk, "client_id": w["card"].pk},
    ),
    "hotline_workspace:journal": Entry(staff_only(200)),
    "hotline_workspace:call": Entry(a_only(), kwargs=lambda w: {"call_id": w["call"].pk}),
    "hotline_workspace:recording": Entry(a_only(), kwargs=lambda w: {"call_id": w["call"].pk}),
    "hotline_workspace:worklist": Entry(staff_only(200)),
    "hotline_workspace:take": Entry(
        staff_only(302), "post", lambda w: {"item_id": w["callback"].pk}
    ),
    "hotline_workspace:outcome": Entry(
        staff_only(302), "post", lambda w: {"item_id": w["missed"].pk}
    ),
    "hotline_workspace:voicemail_audio": Entry(
        a_only(), kwargs=lambda w: {"item_id": w["voicemail"].pk}
    ),
    # Reports: supervisors' pages, everyone's own page.
    "hotline_reports:index": Entry(staff_only(302)),
    "hotline_reports:calls": Entry(SUPERVISORS),
    "hotline_reports:consultations": Entry(SUPERVISORS),
    "hotline_reports:me": Entry(staff_only(200)),
    "hotline_reports:wallboard": Entry(SUPERVISORS),
    # Listening in without saying to whom: refused with the reason, for supervisors.
    "hotline_reports:supervise": Entry((L, 403, 403, 400, 400), "post"),
    "hotline_reports:donors": Entry(SUPERVISORS, kwargs=lambda w: {"fmt": "csv"}, data=PERIOD),
    "hotline_reports:export_page": Entry(
        SUPERVISORS, kwargs=lambda w: {"page_key": "calls"}, data=PERIOD
    ),
    "hotline_reports:export_table": Entry(
        SUPERVISORS,
        kwargs=lambda w: {"page_key": "calls", "table_key": "summary", "fmt": "csv"},
        data=PERIOD,
    ),
    # The audit trail.
    "hotline_audit:list": Entry(SUPERVISORS),
    "hotline_audit:export": Entry(SUPERVISORS),
    # Settings: the administrator only.
    "hotline_admin:index": Entry(ADMINISTRATOR),
    "hotline_admin:consultants": Entry(ADMINISTRATOR),
    "hotline_admin:consultant_new": Entry(ADMINISTRATOR),
    "hotline_admin:consultant_edit": Entry(
        ADMINISTRATOR, kwargs=lambda w: {"line_id": w["line"].pk}
    ),
    "hotline_admin:consultant_deactivate": Entry(
        ADMIN_POST, "post", lambda w: {"line_id": w["line"].pk}
    ),
    "hotline_admin:consultant_reactivate": Entry(
        ADMIN_POST, "post", lambda w: {"line_id": w["line"].pk}
    ),
    "hotline_admin:consultant_reset_phones": Entry(
        ADMIN_POST, "post", lambda w: {"line_id": w["line"].pk}
    ),
    "hotline_admin:consultant_reset_login": Entry(
        ADMIN_POST, "post", lambda w: {"line_id": w["line"].pk}
    ),
    "hotline_admin:consultant_credentials": Entry(
        # Shown once, right after they were made: gone (410) on any later visit.
        (L, 403, 403, 403, 410),
        kwargs=lambda w: {"line_id": w["line"].pk},
    ),
    # The phone's one-time link is its own credential: no sign-in, 404 for a wrong token.
    "hotline_admin:provisioning": Entry(
        (404, 404, 404, 404, 404), kwargs=lambda w: {"token": "not-a-real-token"}
    ),
    "hotline_admin:numbers": Entry(ADMINISTRATOR),
    "hotline_admin:number_new": Entry(ADMINISTRATOR),
    "hotline_admin:number_edit": Entry(ADMINISTRATOR, kwargs=lambda w: {"trunk_id": w["trunk"].pk}),
    "hotline_admin:hours": Entry(ADMINISTRATOR),
    "hotline_admin:exception_new": Entry(ADMINISTRATOR),
    "hotline_admin:exception_edit": Entry(
        ADMINISTRATOR, kwargs=lambda w: {"exception_id": w["holiday"].pk}
    ),
    "hotline_admin:exception_delete": Entry(
        ADMIN_POST, "post", lambda w: {"exception_id": w["holiday"].pk}
    ),
    "hotline_admin:queue": Entry(ADMINISTRATOR),
    "hotline_admin:recording": Entry(ADMINISTRATOR),
    "hotline_admin:outbound": Entry(ADMINISTRATOR),
    "hotline_admin:prompts": Entry(ADMINISTRATOR),
    "hotline_admin:prompt_upload": Entry(ADMIN_POST, "post", lambda w: {"name": "greeting"}),
    "hotline_admin:prompt_restore": Entry(ADMIN_POST, "post", lambda w: {"name": "greeting"}),
    "hotline_admin:prompt_audio": Entry(ADMINISTRATOR, kwargs=lambda w: {"name": "greeting"}),
    "hotline_admin:topics": Entry(ADMINISTRATOR),
    "hotline_admin:category_new": Entry(ADMINISTRATOR),
    "hotline_admin:category_edit": Entry(
        ADMINISTRATOR, kwargs=lambda w: {"category_id": w["category"].pk}
    ),
    "hotline_admin:topic_new": Entry(ADMINISTRATOR),
    "hotline_admin:topic_edit": Entry(ADMINISTRATOR, kwargs=lambda w: {"topic_id": w["topic"].pk}),
    "hotline_admin:reports": Entry(ADMINISTRATOR),
    "hotline_admin:retention": Entry(ADMINISTRATOR),
    "hotline_admin:backups": Entry(ADMINISTRATOR),
    "hotline_admin:backup_now": Entry(ADMIN_POST, "post"),
    "hotline_admin:restore": Entry(ADMIN_POST, "post"),
    # The administrator gets the page with the new secret key, or the form's errors.
    "hotline_admin:backup_key_new": Entry((L, 403, 403, 403, 200), "post"),
    "hotline_admin:backup_key_own": Entry((L, 403, 403, 403, 200), "post"),
    "hotline_admin:backup_download": Entry(
        ADMINISTRATOR, kwargs=lambda w: {"name": w["archive"].name}
    ),
    "hotline_admin:backup_delete": Entry(ADMIN_POST, "post", lambda w: {"name": w["archive"].name}),
    "hotline_admin:status": Entry(ADMINISTRATOR),
    "hotline_admin:outage_costs": Entry(ADMINISTRATOR),
}


@dataclass(frozen=True)
class Route:
    key: str  # the URL's name, or its pattern when it has none
    pattern: str
    is_admin: bool
    named: bool


def walk(patterns, prefix: str = "", namespace: str = "") -> list[Route]:
    routes = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            routes += walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            full = prefix + str(pattern.pattern)
            key = namespace + pattern.name if pattern.name else full
            routes.append(Route(key, full, namespace.startswith("admin:"), bool(pattern.name)))
    return routes


ROUTES = walk(get_resolver().url_patterns)


def test_every_url_has_an_entry():
    missing = [r.key for r in ROUTES if not r.is_admin and r.key not in MATRIX]
    stale = set(MATRIX) - {r.key for r in ROUTES}
    assert not missing, f"URLs without an entry in the role matrix: {missing}"
    assert not stale, f"Matrix entries for URLs that no longer exist: {stale}"


@pytest.fixture
def world(alice, bob, carol, dave, settings, tmp_path, storage) -> dict[str, Any]:
    """Real objects, all of them Alice's: her card and form, her answered and
    recorded call, the voice message, callback and missed call she took."""
    (storage["RECORDINGS_DIR"] / "call.wav").write_bytes(b"RIFF" + bytes(100))
    (storage["VOICEMAIL_DIR"] / "msg.wav").write_bytes(b"RIFF" + bytes(10))
    card = new_client(alice, ALICES_NUMBER, name="Марія")
    call = Call.objects.create(
        linkedid="1700000000.1",
        client=card,
        consultant=alice,
        caller_number=ALICES_NUMBER,
        disposition=Disposition.ANSWERED,
        recording_file="call.wav",
    )
    CallLeg.objects.create(call=call, uniqueid="1700000000.2", consultant=alice)
    missed_call = Call.objects.create(
        linkedid="1700000001.1", caller_number="+380501112233", disposition=Disposition.VOICEMAIL
    )
    taken = {"status": WorkStatus.TAKEN, "taken_by": alice, "taken_at": missed_call.started_at}
    category = TopicCategory.objects.first()
    return {
        "alice": alice,
        "card": card,
        "form": new_consultation(alice, card),
        "call": call,
        "voicemail": WorklistItem.objects.create(
            kind=Kind.VOICEMAIL,
            call=missed_call,
            caller_number="+380501112233",
            audio_file="msg.wav",
            **taken,
        ),
        "callback": WorklistItem.objects.create(
            kind=Kind.CALLBACK, caller_number="+380501112244", **taken
        ),
        "missed": WorklistItem.objects.create(
            kind=Kind.MISSED,
            call=Call.objects.create(linkedid="1700000002.1", caller_number="+380501112255"),
            caller_number="+380501112255",
            **taken,
        ),
        "line": ConsultantLine.objects.create(user=alice, extension="1001"),
        "trunk": Trunk.objects.create(
            name="kyivstar", operator="kyivstar", number="+380671110000", host="127.0.0.1"
        ),
        "holiday": ScheduleException.objects.create(date=datetime.date(2030, 1, 1)),
        "category": category,
        "topic": Topic.objects.filter(category=category).first(),
        "archive": backup.create_backup(),
    }


def _browser(request, role: str) -> Browser:
    browser = Browser()
    if role != "anonymous":
        browser.force_login(request.getfixturevalue(role))
    return browser


def _matches(response, expected, role: str) -> bool:
    if expected == L:
        return response.status_code == 302 and response["Location"].startswith(reverse("login"))
    return response.status_code == expected


def _call(request, role: str, method: str, url: str, data: dict):
    # Each request from a fresh session, in a savepoint rolled back, so one
    # URL's change (a sign-out, a take, a deactivation) never alters what
    # the next one meets.
    with transaction.atomic():
        response = getattr(_browser(request, role), method)(url, data)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(request, world, role):
    column = ROLES.index(role)
    wrong = []
    for route in ROUTES:
        if route.is_admin:
            continue
        entry = MATRIX[route.key]
        url = reverse(route.key, kwargs=entry.kwargs(world)) if route.named else f"/{route.key}"
        response = _call(request, role, entry.method, url, entry.data)
        expected = entry.expected[column]
        if not _matches(response, expected, role):
            wrong.append(
                f"{role} {entry.method.upper()} {url}: {response.status_code}"
                f" {response.get('Location', '')}, expected {expected}"
            )
    assert not wrong, "\n".join(wrong)


# Cards and forms are anonymised, never deleted; the audit trail is append-only.
NO_SUCH_ID = "987654321"
NOBODY_MAY = [
    f"/hotline_crm/client/{NO_SUCH_ID}/delete/",
    "/hotline_crm/consultation/add/",
    f"/hotline_crm/consultation/{NO_SUCH_ID}/delete/",
    "/hotline_audit/auditevent/add/",
    f"/hotline_audit/auditevent/{NO_SUCH_ID}/delete/",
]
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _admin_url(pattern: str) -> str:
    """A concrete URL for an admin pattern: every argument an id that exists
    nowhere (the same on SQLite and PostgreSQL), the catch-all a missing page."""
    if pattern.endswith("(?P<url>.*)$"):
        return "/" + pattern.replace("(?P<url>.*)$", "no-such-page/")
    return "/" + _CONVERTER.sub(NO_SUCH_ID, pattern).lstrip("^").rstrip("$")


@pytest.mark.parametrize("role", ROLES)
def test_the_django_admin_is_for_the_administrator_only(request, world, role):
    wrong = []
    for route in ROUTES:
        if not route.is_admin:
            continue
        url = _admin_url(route.pattern)
        response = _call(request, role, "get", url, {})
        if role == "dave":
            # Adding or deleting what nobody may add or delete is refused.
            refused = any(page in url for page in NOBODY_MAY)
            ok = response.status_code == 403 if refused else response.status_code < 500
        elif route.key == "admin:logout":
            # Django's admin sends whoever may not use it from here to its index, then to sign in.
            ok = response.status_code == 302 and response["Location"] == reverse("admin:index")
        else:
            ok = response.status_code == 302 and "login" in response["Location"]
        if not ok:
            wrong.append(f"{role} GET {url}: {response.status_code} {response.get('Location', '')}")
    assert not wrong, "\n".join(wrong)


def test_matrix_size():
    """The figure the issue asks for: URLs × roles."""
    app_urls = [r for r in ROUTES if not r.is_admin]
    admin_urls = [r for r in ROUTES if r.is_admin]
    print(f"role matrix: {len(app_urls)} + {len(admin_urls)} admin URLs x {len(ROLES)} roles")
    assert len(app_urls) == len(MATRIX)
