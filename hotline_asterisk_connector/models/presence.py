"""Where each consultant stands in the queue, as Asterisk last told the connector.

The connector process keeps this table current from queue events; the web
process (wallboard, workspace) only reads it, so it works the same whether
the connector runs embedded or as its own process.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PresenceState(models.TextChoices):
    # Django's own catalogue has "Logged out" (of the site): a context keeps them apart.
    LOGGED_OUT = "logged_out", pgettext_lazy("queue state", "Logged out")
    AVAILABLE = "available", _("Available")
    RINGING = "ringing", _("Ringing")
    ON_CALL = "on_call", _("On a call")
    PAUSED = "paused", _("Paused")
    UNREACHABLE = "unreachable", _("Device unreachable")


class PauseReason(models.TextChoices):
    BREAK = "break", _("Break")
    AFTER_CALL = "after_call", _("Finishing a form")
    TRAINING = "training", _("Training or meeting")
    OTHER = "other", _("Other")


class ConsultantState(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consultant"),
        on_delete=models.CASCADE,
        related_name="presence",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=PresenceState.choices, default=PresenceState.LOGGED_OUT
    )
    pause_reason = models.CharField(_("pause reason"), max_length=80, blank=True)
    interface = models.CharField(_("queue interface"), max_length=128, blank=True)
    # Whether the browser phone and the smartphone app can be rung (registered
    # and answering): with neither, the consultant's calls go to their mobile.
    browser_reachable = models.BooleanField(_("browser phone reachable"), default=False)
    app_reachable = models.BooleanField(_("smartphone app reachable"), default=False)
    since = models.DateTimeField(_("in this state since"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consultant state")
        verbose_name_plural = _("consultant states")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user.get_username()}: {self.get_state_display()}"

    @property
    def own_devices_reachable(self) -> bool:
        return self.browser_reachable or self.app_reachable
