"""Ukrainian unless someone picks English: the browser's own language list is not consulted."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ChosenLanguageOnly:
    """Drop Accept-Language before LocaleMiddleware reads it.

    Consultants' browsers often come set to English or Russian; the line
    works in Ukrainian, so only the explicit switch (the language cookie)
    changes the interface language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
