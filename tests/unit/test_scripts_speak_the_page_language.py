"""What our scripts put on a page comes from the page (data-text-* attributes,
the desk's translated config) or from the server's JSON `error`, which is in the
reader's language: never the browser's own English (an HTTP status text,
«Failed to fetch», an exception's name) and never an English literal.
The pages' own strings are checked by tests/access/test_pages_speak_ukrainian.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SCRIPTS = sorted(
    path for path in ROOT.glob("hotline*/static/**/*.js") if "vendor" not in path.parts
)
# The browser's words, whatever the page's language.
BROWSERS_OWN = [
    (re.compile(r"\bstatusText\b"), "the HTTP status text"),
    (re.compile(r"textContent\s*=\s*String\((?:error|err|e)\)"), "an exception as text"),
    (re.compile(r"textContent\s*=\s*(?:error|err|e)\.message\b"), "an exception's message"),
    (re.compile(r"\|\|\s*event\.detail\.state\b"), "a state's code as its label"),
]
# A literal with a Latin word, put on the page as it is.
ENGLISH_LITERAL = re.compile(
    r"""(?:textContent|innerText|title)\s*=\s*(["'`])[^"'`$]*[A-Za-z]{2}"""
)


def test_the_scripts_are_found():
    names = {path.name for path in SCRIPTS}
    assert {"desk.js", "supervise.js", "wallboard.js", "recorder.js"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_no_script_shows_the_browsers_english(script):
    text = script.read_text(encoding="utf-8")
    found = [why for pattern, why in BROWSERS_OWN if pattern.search(text)]
    found += [match.group(0) for match in ENGLISH_LITERAL.finditer(text)]
    assert found == []


def test_the_desk_says_its_own_words_when_the_network_fails():
    """fetch() rejects with the browser's TypeError («Failed to fetch»): the desk
    throws its translated server_error instead."""
    desk = (ROOT / "hotline" / "static" / "js" / "desk.js").read_text(encoding="utf-8")
    post = desk.split("async function post(", 1)[1].split("\n  }\n", 1)[0]
    assert "catch" in post and "throw new Error(text.server_error)" in post
