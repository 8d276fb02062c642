"""The refusals every view shares: a page in the site's layout for a person, a
JSON `error` in the reader's language for the desk's and the wallboard's
scripts (they send Accept: application/json and show `error` as it is)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"ok": False, "error": _("Your role does not allow this: ask the administrator.")},
            status=403,
        )
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"ok": False, "error": _("Not found: it was removed or is not open to you.")},
            status=404,
        )
    return defaults.page_not_found(request, exception)
