"""Send every hostile value to every GET filter, form field and header of
every page, and list what answered with a server error (500).

A request with a value in every parameter at once is tried first; only when
it fails is each parameter tried alone, so the list names the culprit."""

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote_from_bytes

from django.contrib.auth import SESSION_KEY
from django.test import Client as Browser

from tests.fuzz import hostile
from tests.fuzz.pages import address, forms_on

# Read by views straight from request.GET, beside the filter forms' fields.
DIRECT_PARAMETERS = {
    "q",
    "page",
    "older",
    "newer",
    "phone",
    "call",
    "mine",
    "open",
    "category",
    "next",
}
AUDIO = {
    "hotline_workspace:recording",
    "hotline_workspace:voicemail_audio",
    "hotline_admin:prompt_audio",
}


@dataclass(frozen=True)
class ServerError:
    page: str
    where: str  # "GET parameter", "form field", "header", "raw body" …
    name: str
    value: str

    def __str__(self) -> str:
        return f"{self.page}: {self.where} {self.name} = {self.value}"


class Sweep:
    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.errors: set[ServerError] = set()

    def failed(self, response) -> bool:
        return response.status_code >= 500

    def each_alone(self, page, where, names: Iterable[str], kind: str, send) -> None:
        found = [name for name in names if self.failed(send({name}))]
        for name in found or ["(only together)"]:
            self.errors.add(ServerError(page, where, name, kind))

    def get(self, name: str, url: str, parameters: set[str]) -> None:
        for kind, value in hostile.VALUES.items():

            def send(names, value=value):
                return self.browser.get(url, {name: value for name in names})

            if self.failed(send(parameters)):
                self.each_alone(name, "GET parameter", sorted(parameters), kind, send)
        raw = "&".join(f"{p}={quote_from_bytes(hostile.NOT_UTF8)}" for p in sorted(parameters))
        if self.failed(self.browser.get(f"{url}?{raw}")):
            self.errors.add(ServerError(name, "GET parameter", "*", "not UTF-8"))

    def headers(self, name: str, url: str) -> None:
        def send(names):
            return self.browser.get(url, **{h: hostile.HEADERS[h] for h in names})

        if self.failed(send(hostile.HEADERS)):
            self.each_alone(name, "header", sorted(hostile.HEADERS), "5000 digits", send)
        if name in AUDIO:
            for value in hostile.RANGES:
                if self.failed(self.browser.get(url, HTTP_RANGE=value)):
                    self.errors.add(ServerError(name, "header", "Range", value[:40]))

    def post(self, name: str, action: str, fields: set[str]) -> None:
        fields = fields or {"anything"}
        for kind in hostile.FOR_FORMS:
            value = hostile.VALUES[kind]

            def send(names, value=value):
                return self.browser.post(action, {name: value for name in names})

            # A megabyte in every field at once is refused whole (too big);
            # one field at a time reaches the form.
            if kind == "1 MB":
                self.each_alone(name, "form field", sorted(fields), kind, send)
                self.errors.discard(ServerError(name, "form field", "(only together)", kind))
            elif self.failed(send(fields)):
                self.each_alone(name, "form field", sorted(fields), kind, send)
        body = "&".join(f"{f}=" for f in sorted(fields)).encode() + hostile.NOT_UTF8
        response = self.browser.post(
            action, data=body, content_type="application/x-www-form-urlencoded"
        )
        if self.failed(response):
            self.errors.add(ServerError(name, "raw body", "*", "not UTF-8"))

    def page(self, name: str, url: str) -> None:
        response = self.browser.get(url)
        if self.failed(response):
            self.errors.add(ServerError(name, "GET", "-", "plain"))
            return
        html = response.content.decode(errors="replace") if _is_html(response) else ""
        forms = forms_on(url, html)
        filters = set().union(*(form.fields for form in forms if form.method == "get"))
        self.get(name, url, filters | DIRECT_PARAMETERS)
        self.headers(name, url)
        posted = {form.action for form in forms if form.method == "post"}
        for form in forms:
            if form.method == "post":
                self.post(name, form.action, form.fields)
        if url not in posted:
            # Every address also gets a POST, form or not: views must refuse it cleanly.
            self.post(name, url, filters)


def _is_html(response) -> bool:
    return not response.streaming and response.get("Content-Type", "").startswith("text/html")


def sweep(world, user, page: str) -> set[ServerError]:
    """One page (a URL name) as `user`; a page whose hostile requests sign
    them out is reported too."""
    browser = Browser(raise_request_exception=False)
    browser.force_login(user)
    run = Sweep(browser)
    run.page(page, address(world, page))
    if SESSION_KEY not in browser.session:
        run.errors.add(ServerError(page, "session", "-", "ended by bad input"))
    return run.errors
