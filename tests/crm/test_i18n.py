"""Ukrainian by default, English on request, and every CRM string translated."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.crm.conftest import browser_for

CATALOGUES = [
    Path(settings.BASE_DIR) / "hotline_crm" / "locale" / "uk" / "LC_MESSAGES" / "django.po",
    Path(settings.BASE_DIR) / "hotline" / "locale" / "uk" / "LC_MESSAGES" / "django.po",
]


def test_login_page_is_in_ukrainian_by_default(db):
    text = browser_for(None).get(reverse("login")).content.decode()
    assert '<html lang="uk">' in text
    assert "Увійти" in text
    assert "Sign in" not in text


def test_browser_set_to_english_still_gets_ukrainian_until_english_is_chosen(db):
    page = browser_for(None).get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Увійти" in page.content.decode()


def test_login_page_is_in_english_once_chosen(db):
    browser = browser_for(None)
    response = browser.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    text = browser.get(reverse("login")).content.decode()
    assert '<html lang="en">' in text
    assert "Sign in" in text
    assert "Увійти" not in text


def test_workspace_speaks_the_chosen_language(alice):
    browser = browser_for(alice)
    assert "Пошук клієнта" in browser.get(reverse("hotline_crm:workspace")).content.decode()
    browser.post(reverse("set_language"), {"language": "en"})
    assert "Find a client" in browser.get(reverse("hotline_crm:workspace")).content.decode()


def test_choice_labels_of_the_models_are_translated(alice, alices_client):
    text = (
        browser_for(alice)
        .get(reverse("hotline_crm:client_detail", args=[alices_client.pk]))
        .content.decode()
    )
    assert "Дніпропетровська область" in text
    assert "Жіноча" in text


def test_topics_show_their_english_names_in_english(alice, alices_client):
    browser = browser_for(alice)
    browser.post(reverse("set_language"), {"language": "en"})
    url = reverse("hotline_crm:consultation_create", args=[alices_client.pk])
    text = browser.get(url).content.decode()
    assert "Emergency contraception" in text
    assert "Екстрена контрацепція" not in text


def test_a_real_sign_in_lands_on_the_workspace(alice):
    from tests.conftest import PASSWORD

    browser = browser_for(None)
    response = browser.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("hotline_crm:workspace")


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parts[-5])
def test_every_string_has_a_ukrainian_translation(catalogue):
    text = catalogue.read_text(encoding="utf-8")
    entries = _ENTRY.findall(text)
    untranslated = [
        _joined(msgid) for msgid, msgstr in entries if _joined(msgid) and not _joined(msgstr)
    ]
    assert "#, fuzzy" not in text
    assert len(entries) > 10
    assert untranslated == []


_ENTRY = re.compile(r'^msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.M)


def _joined(quoted_lines: str) -> str:
    return "".join(re.findall(r'"(.*)"', quoted_lines))


def test_empty_choice_of_a_select_is_in_ukrainian(alice, alices_client):
    url = reverse("hotline_crm:consultation_create", args=[alices_client.pk])
    text = browser_for(alice).get(url).content.decode()
    assert "- Оберіть варіант -" in text
    assert "Select an option" not in text
