"""The consultant's status switch: available, paused for a reason, or logged out.

Asterisk stays the source of truth: these ask it to change queue membership
through the connector, and the page shows the state Asterisk then reports.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hotline_asterisk_connector import membership
from hotline_asterisk_connector.models import ConsultantState, PauseReason, PresenceState

MembershipError = membership.MembershipError


class Choice(models.TextChoices):
    AVAILABLE = "available", _("Available")
    # In the queue, rung on the mobile number only (a power cut, away from the desk).
    ON_MOBILE = "on_mobile", _("On the mobile")
    PAUSED = "paused", _("Paused")
    # Django's own catalogue has "Logged out" (of the site): a context keeps them apart.
    LOGGED_OUT = "logged_out", pgettext_lazy("queue state", "Logged out")


# The reasons a consultant picks from; "other" stays for the smartphone and the admin.
PAUSE_REASONS = [PauseReason.BREAK, PauseReason.AFTER_CALL, PauseReason.TRAINING]


def current_state(user: AbstractBaseUser) -> ConsultantState:
    state = ConsultantState.objects.filter(user=user).first()
    return state or ConsultantState(user=user, state=PresenceState.LOGGED_OUT)


def set_availability(user: AbstractBaseUser, choice: Choice, reason: str = "") -> None:
    """Make the queue match the switch; raise MembershipError with the reason when it cannot."""
    logged_out = current_state(user).state == PresenceState.LOGGED_OUT
    if choice == Choice.LOGGED_OUT:
        membership.log_out(user)
        return
    if choice == Choice.PAUSED and reason not in PAUSE_REASONS:
        raise MembershipError(_("Choose a reason for the pause."))
    if choice != Choice.PAUSED:
        membership.answer_on_mobile(user, choice == Choice.ON_MOBILE)
    if logged_out:
        _join(user)
    if choice == Choice.PAUSED:
        membership.pause(user, PauseReason(reason))
    elif not logged_out:
        membership.unpause(user)


def _join(user: AbstractBaseUser) -> None:
    try:
        membership.log_in(user)
    except MembershipError:
        # The stored state lags behind Asterisk: already a member is fine.
        membership.unpause(user)
