"""Sign-ins and failed sign-ins, from Django's own authentication signals."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from hotline_audit.trail import Kind, record

# A username field can be typed at will: keep enough to recognise it, no more.
USERNAME_TRIED_MAX = 150


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def signed_in(sender, request, user, **kwargs) -> None:
    record(Kind.SIGN_IN, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    tried = str(credentials.get("username", ""))[:USERNAME_TRIED_MAX]
    # Not the user who was tried: a failed attempt is nobody's act but the caller's.
    record(Kind.SIGN_IN_FAILED, request=request, detail=tried)
