"""Every settings page is for the administrator only."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from hotline_crm.roles import is_administrator, require


def administrator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        require(is_administrator, request.user)
        return view(request, *args, **kwargs)

    return checked
