"""No English on a Ukrainian page: every page of every app (tests/support/every_page.py),
for each role that may open it, rendered in Ukrainian with long real-looking data,
and every word a person reads on it checked.

A Latin-letter word on a Ukrainian page is either a name the glossary keeps in
Latin (docs/glossary.uk.md, «Латиницею»: Asterisk, SIP, CSV…), what the data
itself holds (a login name, a number as the carrier sent it), or a string
somebody forgot to translate — which this test names with its page.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client as Browser

from tests.support.every_page import PERSONAS, pages_for
from tests.support.visible_text import english_words, visible_text

GLOSSARY = Path(settings.BASE_DIR) / "docs" / "glossary.uk.md"


def names_kept_in_latin() -> set[str]:
    """The glossary's «Латиницею» section: one `name` per backtick pair."""
    section = GLOSSARY.read_text(encoding="utf-8").split("## Латиницею", 1)[1].split("\n## ", 1)[0]
    return {name.lower() for name in re.findall(r"`([^`]+)`", section)}


def data_words(objects: dict) -> set[str]:
    """Latin words the seeded data holds: people's login names."""
    people = [objects["alice"], *objects["consultants"]]
    return {"alice", "bob", "carol", "dave", *(user.username for user in people)}


def english_on(html: str, allowed: set[str]) -> list[str]:
    return [
        f"{' '.join(words)} in «{piece[:80]}»"
        for piece in visible_text(html)
        if (words := english_words(piece, allowed))
    ]


def test_the_glossary_keeps_a_short_list_of_latin_names():
    names = names_kept_in_latin()
    assert {"asterisk", "sip", "csv", "xlsx", "turn"} <= names
    assert "the" not in names and "call" not in names


@pytest.mark.parametrize("role", PERSONAS)
def test_no_page_speaks_english_in_ukrainian(long_world, role):
    browser = Browser(HTTP_ACCEPT_LANGUAGE="uk")
    browser.force_login(User.objects.get(username=PERSONAS[role]))
    allowed = names_kept_in_latin() | data_words(long_world)
    pages = pages_for(role, long_world)
    assert len(pages) > 10
    english = {}
    for page in pages:
        response = browser.get(page.url)
        assert response.status_code == 200, page
        assert response["Content-Type"].startswith("text/html"), f"{page} is a file: NOT_PAGES"
        found = english_on(response.content.decode(), allowed)
        if found:
            english[str(page)] = found
    assert not english, "\n".join(f"{page}: {found}" for page, found in english.items())
