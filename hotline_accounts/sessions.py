"""Ending every session of a person at once.

Django already refuses a session whose password hash is stale, but only
once that session makes its next request; a role change does not touch the
hash at all. So each sign-in is remembered and, on a change that matters,
every such session is deleted from whatever engine stores it.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest

from hotline_accounts.models import SignedInSession


def remember(request: HttpRequest, user: User) -> None:
    if request.session.session_key is None:
        request.session.save()
    SignedInSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user}
    )


def forget(session_key: str | None) -> None:
    if session_key:
        SignedInSession.objects.filter(session_key=session_key).delete()


def sign_out_everywhere(user: User, keep: str | None = None) -> int:
    """Delete every session the person signed in with, but `keep` (the one in use
    by a person changing their own password). Returns how many were ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for signed_in in SignedInSession.objects.filter(user=user).exclude(session_key=keep or ""):
        store(session_key=signed_in.session_key).delete()
        signed_in.delete()
        ended += 1
    return ended
