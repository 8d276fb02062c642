"""Saving a PBX setting applies it to the running Asterisk and records what Asterisk said."""

import logging

from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext as _

from hotline_admin.models import AppliedChange

logger = logging.getLogger(__name__)


def apply_changes(user: AbstractBaseUser | None, what: str) -> AppliedChange:
    """Render the configuration from the database and reload Asterisk; never raises."""
    try:
        from hotline_asterisk_connector.pbx import apply_configuration

        outcome = apply_configuration()
        accepted, message = outcome.accepted, outcome.message
    except Exception as error:
        # A fault of ours, not Asterisk's answer: say so, keep the details short.
        logger.exception("Applying the PBX configuration failed")
        accepted = False
        message = _(
            "an error in hotline itself stopped it (%(error)s); the server log has the details"
        ) % {"error": type(error).__name__}
    return AppliedChange.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        what=what[:200],
        accepted=accepted,
        message=message,
    )


def apply_and_report(request: HttpRequest, what: str) -> AppliedChange:
    change = apply_changes(request.user, what)
    if change.accepted:
        messages.success(
            request, _("Saved. Asterisk accepted the change; it works from the next call.")
        )
    else:
        messages.error(
            request,
            _("Saved, but not in effect yet: %(reason)s")
            % {"reason": change.message or _("no answer from Asterisk")},
        )
    return change
