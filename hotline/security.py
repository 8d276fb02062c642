"""Headers every dynamic response carries."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class NoStore:
    """No page of the application may be kept by the browser or a proxy: cards,
    forms and the desk (with its SIP password) are personal data, and a shared
    computer's back button or disk cache must not show them to the next person.

    Static files never reach this: WhiteNoise answers them earlier, with their
    own long cache lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response


class RefuseNulBytes:
    """No form or address has a use for a NUL character, and PostgreSQL refuses
    one in any text: a request carrying one gets the Ukrainian 400 page instead
    of a database error wherever a view reads the value without a form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        values = [request.GET]
        if request.method == "POST" and request.content_type in _FORM_TYPES:
            values.append(request.POST)
        for query in values:
            if any("\x00" in key or "\x00" in "".join(vals) for key, vals in query.lists()):
                return render(request, "400.html", status=400)
        return self.get_response(request)
