"""A refusal speaks Ukrainian in the site's own layout: every page a role may not
open (403 in the role matrix) for the consultant and the supervisor, a page
that does not exist, and the scripts' JSON endpoints (their `error` is shown as
it is). With DEBUG off, as in production: Django's bare English pages are what
DEBUG-off falls back to when the project has none of its own."""

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser
from django.urls import reverse

from tests.access.test_pages_speak_ukrainian import names_kept_in_latin
from tests.support.every_page import PERSONAS, refused_pages
from tests.support.visible_text import english_words, visible_text

JSON = "application/json"


@pytest.fixture(autouse=True)
def production(settings) -> None:
    settings.DEBUG = False


def signed_in(username: str) -> Browser:
    browser = Browser(HTTP_ACCEPT_LANGUAGE="uk")
    browser.force_login(User.objects.get(username=username))
    return browser


def english_in(html: str) -> list[str]:
    allowed = names_kept_in_latin() | {"alice", "carol"}
    return [word for piece in visible_text(html) for word in english_words(piece, allowed)]


@pytest.mark.parametrize("role", ["consultant", "supervisor"])
def test_every_refused_page_is_the_sites_ukrainian_403(world, role):
    browser = signed_in(PERSONAS[role])
    pages = refused_pages(role, world)
    assert len(pages) >= (20 if role == "consultant" else 15)
    wrong = {}
    for page in pages:
        response = browser.get(page.url)
        html = response.content.decode()
        problems = [
            problem
            for problem, failed in [
                (f"status {response.status_code}", response.status_code != 403),
                ("no «Доступ заборонено»", "Доступ заборонено" not in html),
                ("not in the site's layout", 'class="topbar"' not in html),
                (f"English: {english_in(html)}", english_in(html)),
            ]
            if failed
        ]
        if problems:
            wrong[str(page)] = problems
    assert wrong == {}


def test_a_missing_page_is_the_sites_ukrainian_404(world):
    response = signed_in("carol").get("/reports/no-such-report/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Сторінку не знайдено" in html
    assert 'class="topbar"' in html
    assert english_in(html) == []


def test_a_script_refused_by_role_gets_a_ukrainian_json_error(world):
    response = signed_in("alice").post(
        reverse("hotline_reports:supervise"),
        {"consultant": world["alice"].pk, "mode": "listen"},
        HTTP_ACCEPT=JSON,
    )
    assert response.status_code == 403
    assert response["Content-Type"] == JSON
    assert response.json()["error"].startswith("Ваша роль цього не дозволяє")


def test_a_script_asking_for_what_is_not_its_own_gets_a_ukrainian_json_error(world, bob):
    """Bob attaching Alice's call to her card: 404, as if it did not exist."""
    url = reverse(
        "hotline_workspace:attach",
        kwargs={"call_id": world["call"].pk, "client_id": world["card"].pk},
    )
    response = signed_in("bob").post(url, HTTP_ACCEPT=JSON)
    assert response.status_code == 404
    assert response.json()["error"].startswith("Не знайдено")


def test_a_person_refused_by_role_still_gets_the_page_not_json(world):
    response = signed_in("alice").get(reverse("hotline_reports:wallboard"))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
