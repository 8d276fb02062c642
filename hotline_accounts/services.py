"""What an administrator does to someone else's sign-in, each written to the audit trail."""

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone

from hotline_accounts import second_factor, sessions
from hotline_audit.trail import Kind, record


def reset_second_factor(request: HttpRequest, person: User) -> None:
    """The phone was lost: remove the devices and end the person's sessions, so
    the next sign-in enrols a new phone."""
    second_factor.remove_all(person)
    sessions.sign_out_everywhere(person)
    record(Kind.SECOND_FACTOR_RESET, request=request, obj=person, detail=person.get_username())


def unlock(request: HttpRequest, username: str) -> int:
    record(Kind.LOCKOUT_UNLOCK, request=request, detail=username)
    return axes_reset(username=username)


def sign_out(request: HttpRequest, person: User) -> int:
    return sessions.sign_out_everywhere(person)


def locked_out_usernames() -> set[str]:
    """Names locked out now (after the cool-off a name is free again by itself)."""
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gt=timezone.now() - settings.AXES_COOLOFF_TIME)
    return set(attempts.values_list("username", flat=True))
