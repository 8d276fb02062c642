"""Signing in in two steps: the password, then (for whom it is required) the
second factor. Between them the person is not signed in at all: the session
only remembers who passed the first step, for a few minutes, so no page and
no websocket opens for a password alone."""

import time

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import User
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device

PENDING = "hotline_pending_sign_in"
PENDING_SECONDS = 300


def hold(request: HttpRequest, user: User, next_url: str) -> None:
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "at": int(time.time()),
    }


def pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is not None:
        user.backend = pending["backend"]
    return user


def pending_next(request: HttpRequest) -> str:
    return (request.session.get(PENDING) or {}).get("next") or settings.LOGIN_REDIRECT_URL


def complete(request: HttpRequest, user: User, device: Device | None) -> None:
    """The person is who they said: sign them in, marked verified by `device`."""
    request.session.pop(PENDING, None)
    auth.login(request, user, backend=getattr(user, "backend", None))
    if device is not None:
        otp_login(request, device)


def verified_by(request: HttpRequest, device: Device) -> None:
    """A signed-in person just proved a newly enrolled device."""
    otp_login(request, device)
