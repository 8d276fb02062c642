from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignedInSession(models.Model):
    """A session someone signed in with, so that all of a person's sessions
    can be ended at once (password or role changed, account reset), whichever
    session engine stores them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="signed_in_sessions",
    )
    session_key = models.CharField(_("session"), max_length=64, unique=True)
    signed_in_at = models.DateTimeField(_("signed in at"), default=timezone.now)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self) -> str:
        return f"{self.user}: {self.signed_in_at:%Y-%m-%d %H:%M}"
