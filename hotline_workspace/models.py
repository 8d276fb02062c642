"""Missed calls waiting for someone to call back.

Voice messages and callback requests are the connector's rows; a call that
was simply missed (abandoned, nobody available, off hours, over the limit)
has no row of its own there, so the worklist keeps one here, with the same
take / attempt / done cycle.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotline_asterisk_connector.models.calls import Call, WorklistItem


class MissedCall(WorklistItem):
    call = models.OneToOneField(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="missed_call"
    )

    class Meta(WorklistItem.Meta):
        verbose_name = _("missed call")
        verbose_name_plural = _("missed calls")
        indexes = [models.Index(fields=["status", "created_at"], name="missedcall_status_idx")]


class WrapUpPause(models.Model):
    """A consultant's wrap-up while it runs: its end survives a restart of the web
    process, which then resumes the countdown or ends the pause (wrapup.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="+")
    until = models.DateTimeField(_("wrap-up ends at"))

    class Meta:
        verbose_name = _("wrap-up pause")
        verbose_name_plural = _("wrap-up pauses")

    def __str__(self) -> str:
        return f"{self.user_id} until {self.until:%H:%M:%S}"
