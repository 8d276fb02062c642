"""What the browser is told: keep nothing, run only our own scripts, and
Ukrainian error pages."""

import re
from pathlib import Path

import pytest
from django.test import Client as Browser
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from hotline_asterisk_connector.models import ConsultantLine

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path for path in ROOT.glob("hotline*/**/templates/**/*.html") if ".venv" not in path.parts
)


def signed_in(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


@pytest.mark.parametrize(
    "path",
    ["/", "/desk/", "/journal/", "/worklist/", "/consultations/", "/account/"],
)
def test_pages_with_personal_data_are_never_stored(alice, path):
    response = signed_in(alice).get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_sign_in_page_is_never_stored_either(db):
    assert "no-store" in Browser().get(reverse("login"))["Cache-Control"]


def test_the_policy_allows_no_inline_script_or_style(alice):
    policy = signed_in(alice).get("/")["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]


def test_the_desk_may_reach_asterisks_websocket_and_nothing_else(alice, settings):
    settings.HOTLINE_WEBRTC_WS_URL = "wss://pbx.hotline.example:8089/ws"
    ConsultantLine.objects.create(
        user=alice, extension="1001", webrtc_password="w" * 20, sip_password="s" * 20
    )
    policy = signed_in(alice).get("/desk/")["Content-Security-Policy"]
    connect = next(part for part in policy.split(";") if part.strip().startswith("connect-src"))
    assert connect.split()[1:] == ["'self'", "wss://pbx.hotline.example:8089/ws"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_has_inline_script_or_style(template):
    """The policy would block them: a page would silently lose its behaviour."""
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", text)
    assert "<style" not in text
    assert not re.search(r"\son[a-z]+=", text)
    assert not re.search(r"\sstyle=", text)


def test_an_unknown_page_is_a_ukrainian_404(alice):
    response = signed_in(alice).get("/no-such-page/")
    assert response.status_code == 404
    assert "Сторінку не знайдено" in response.content.decode()


def test_a_page_of_another_role_is_a_ukrainian_403(alice):
    response = signed_in(alice).get(reverse("accounts:staff"))
    assert response.status_code == 403
    assert "Доступ заборонено" in response.content.decode()


def test_a_bad_request_is_a_ukrainian_400(db):
    response = Browser().get("/login/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "Неправильний запит" in response.content.decode()


def test_a_stale_form_is_explained_in_ukrainian(alice):
    response = Browser(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "alice", "password": "whatever"}
    )
    assert response.status_code == 403
    assert "Сторінка застаріла" in response.content.decode()


def test_the_server_error_page_is_ukrainian_and_needs_nothing(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "Щось пішло не так" in text
    assert "Traceback" not in text


def test_the_favicon(db):
    response = Browser().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    assert (ROOT / "hotline" / "static" / "favicon.svg").read_text().startswith("<svg")
    assert 'rel="icon"' in Browser().get(reverse("login")).content.decode()
