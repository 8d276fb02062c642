"""Checks every request makes once the person is known."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from hotline_accounts import idle
from hotline_accounts.policy import second_factor_required


def _to_login(request: HttpRequest, message: str) -> HttpResponse:
    auth.logout(request)
    if request.method != "GET" or request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"signed_in": False, "error": message}, status=401)
    messages.info(request, message)
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{query}")


class SignInChecks:
    """A session without its second factor, or idle too long, is signed out.

    The sign-in steps never open such a session; this is the belt to their
    braces, for any way in added later (or the admin's own login form).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.keep_alive_path = reverse("accounts:keep_alive")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if second_factor_required(user) and not user.is_verified():
                return _to_login(request, _("Sign in with your second factor, please."))
            if idle.expired(request):
                return _to_login(
                    request, _("You were signed out after a long time without activity.")
                )
            if request.path != self.keep_alive_path:
                idle.seen(request)
        return self.get_response(request)
