"""Every settings page is for the administrator only, and every change there is audited."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from hotline_audit.trail import Kind, record
from hotline_crm.roles import is_administrator, require


def administrator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        require(is_administrator, request.user)
        response = view(request, *args, **kwargs)
        # Settings pages redirect after a save and show the form again when
        # it is refused: only the redirect is a change.
        if request.method == "POST" and 300 <= response.status_code < 400:
            _record_change(request, kwargs)
        return response

    return checked


def _record_change(request: HttpRequest, kwargs: dict) -> None:
    # One row per settings page saved: which page and which object, never
    # the values typed (they include passwords and carriers' secrets).
    page = request.resolver_match.url_name if request.resolver_match else request.path
    target = " ".join(f"{key}={value}" for key, value in sorted(kwargs.items()))
    record(Kind.SETTINGS_CHANGE, request=request, detail=f"{page} {target}".strip())
