"""django-axes, fitted to the hotline: the locked-out page in the person's
language, and no lockout check where no remote person is behind the call."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LockoutBackend(AxesStandaloneBackend):
    """Axes refuses `authenticate()` without a request; management commands and
    test clients call it so, and nobody can guess passwords through them."""

    def authenticate(self, request: HttpRequest | None, **credentials) -> None:
        if request is None:
            return None
        return super().authenticate(request, **credentials)


def locked_out_page(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
