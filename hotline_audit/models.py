"""The audit trail: who read or changed which personal data, when and from where.

Rows are append-only. The model refuses to update or delete a saved row and
its queryset refuses bulk updates and deletes; only the retention job purges
rows older than the retention setting (`AuditEvent.purge_older_than`).
"""

from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class AuditTrailIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit row."""


class Kind(models.TextChoices):
    CARD_VIEW = "card_view", _("card opened")
    CARD_EDIT = "card_edit", _("card changed")
    FORM_VIEW = "form_view", _("form opened")
    FORM_EDIT = "form_edit", _("form saved")
    CALL_VIEW = "call_view", _("call opened")
    RECORDING_PLAY = "recording_play", _("recording played")
    VOICEMAIL_PLAY = "voicemail_play", _("voice message played")
    EXPORT = "export", _("export")
    BACKUP_DOWNLOAD = "backup_download", _("backup downloaded")
    BACKUP_RESTORE = "backup_restore", _("backup restored")
    SETTINGS_CHANGE = "settings_change", _("settings changed")
    BREAK_GLASS = "break_glass", _("card opened by break-glass")
    SIGN_IN = "sign_in", _("signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("failed sign-in")
    ROLE_CHANGE = "role_change", _("role changed")
    SECOND_FACTOR_RESET = "second_factor_reset", _("second factor reset")
    LOCKOUT_UNLOCK = "lockout_unlock", _("sign-in lockout lifted")
    LISTEN = "listen", _("call listened in")
    WHISPER = "whisper", _("consultant whispered to")
    BARGE = "barge", _("call barged into")
    SAFE_CONTACT_OVERRIDE = "safe_contact_override", _("safe-contact rule overridden")
    ADMIN_VIEW = "admin_view", _("opened in the Django admin")
    AUDIT_VIEW = "audit_view", _("audit trail searched")


# Details the code writes as fixed English words (kept as written: the trail
# is append-only), shown in the reader's language; one ending in ": " is a
# prefix before a value.
DETAIL_LABELS = {
    "created": _("created"),
    "deactivated": _("deactivated"),
    "reactivated": _("reactivated"),
    "break-glass": _("break-glass"),
    "backup_key_new": _("new backup key pair"),
    "outbound prefixes: ": _("outbound prefixes"),
}


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        raise AuditTrailIsAppendOnly("audit rows cannot be changed")

    def delete(self):
        raise AuditTrailIsAppendOnly("audit rows cannot be deleted")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True, editable=False)
    # The user row may go (SET_NULL); the name copied here keeps who it was.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    kind = models.CharField(_("what"), max_length=40, choices=Kind.choices, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    # The card the event concerns, as a plain number rather than a foreign
    # key: the trail must outlive and never block changes to the card.
    client_id = models.BigIntegerField(_("card"), null=True, blank=True, db_index=True)
    detail = models.TextField(_("reason or detail"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "at"], name="audit_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.kind}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None or not self._state.adding:
            raise AuditTrailIsAppendOnly("audit rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("audit rows cannot be deleted")

    @property
    def object_label(self) -> str:
        """What the row is about in the reader's language («Консультація 12»), not
        the stored `app.model` label, which stays for searching and the CSV."""
        if not self.object_type:
            return ""
        try:
            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return f"{self.object_type} {self.object_id}".strip()
        return f"{capfirst(model._meta.verbose_name)} {self.object_id}".strip()

    @property
    def detail_label(self) -> str:
        """The detail in the reader's language where the code wrote a fixed word."""
        for code, label in DETAIL_LABELS.items():
            if self.detail == code:
                return str(label)
            if code.endswith(": ") and self.detail.startswith(code):
                return f"{label}: {self.detail.removeprefix(code)}"
        return self.detail

    @classmethod
    def purge_older_than(cls, cutoff: datetime) -> int:
        """The retention job's purge: the only way rows ever leave the trail."""
        old = cls.objects.filter(at__lt=cutoff)
        count = old.count()
        # _raw_delete skips the refusing QuerySet.delete and any signals;
        # nothing references audit rows, so nothing cascades.
        old._raw_delete(old.db)
        return count
