"""What a person reads on a page: its text and the attributes a browser shows,
for the test that no Ukrainian page speaks English."""

import re
from html.parser import HTMLParser

# Never shown as text: code, styles, the JSON a script reads; and what is not
# language but keys, codes and secrets (<kbd>Alt</kbd>, a key to type in).
SILENT = {"script", "style", "template", "kbd", "code", "samp"}
# Shown by the browser (a tooltip, a placeholder, a button's face, what a
# screen reader says), and data-text-* strings that scripts put on the page.
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "label"}
BUTTON_INPUTS = {"submit", "button", "reset"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Digits, joiners and slashes belong to the word: «consultant07» is a login name. A
# single letter is no language (Alt+A, «вхід A»).
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'’]*(?:[-./][A-Za-z0-9_]+)*")
_SILENT_MARK = "\0silent"
_FILE_NAME = re.compile(r"\.(?:tar\.gz|gz|age|csv|xlsx|wav|mp3|ogg|md)$")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.silent_depth = 0
        self.stack: list[str] = []
        self.pieces: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if value and (name in SHOWN_ATTRIBUTES or name.startswith("data-text")):
                self.pieces.append(value)
        if tag == "input" and values.get("type") in BUTTON_INPUTS and values.get("value"):
            self.pieces.append(values["value"] or "")
        if tag in VOID:
            return
        # translate="no": the page itself says this is no language (a file name).
        if tag in SILENT or values.get("translate") == "no":
            self.silent_depth += 1
            self.stack.append(_SILENT_MARK)
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            return
        while self.stack:
            closed = self.stack.pop()
            if self.stack and self.stack[-1] == _SILENT_MARK:
                self.stack.pop()
                self.silent_depth -= 1
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.silent_depth and data.strip():
            self.pieces.append(data.strip())


def visible_text(html: str) -> list[str]:
    """The page's text pieces, each as a person would read it."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.pieces


def english_words(piece: str, allowed: set[str]) -> list[str]:
    """The Latin-letter words of a text piece that are not names the glossary keeps in Latin."""
    return [
        word
        for word in _LATIN_WORD.findall(piece)
        # A path (docs/power-outage-plan.uk.md) or a file's name is an address, not language.
        if len(word) > 1
        and "/" not in word
        and not _FILE_NAME.search(word)
        and word.lower() not in allowed
    ]
