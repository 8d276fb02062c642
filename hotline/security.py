"""Headers every dynamic response carries."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


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
