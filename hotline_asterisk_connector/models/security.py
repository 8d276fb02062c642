"""What Asterisk reports as attacks on the PBX, and the addresses it is closed to for a while."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SecurityEvent(models.Model):
    """One AMI security event (InvalidAccountID, ChallengeResponseFailed, InvalidPassword…)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=40)
    service = models.CharField(_("service"), max_length=20)  # PJSIP, AMI
    address = models.GenericIPAddressField(_("address"))
    account = models.CharField(_("account tried"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        indexes = [models.Index(fields=["address", "at"])]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.address}"


class BlockedAddress(models.Model):
    """An address Asterisk refuses every SIP request from until `until` (pjsip.conf acl)."""

    address = models.GenericIPAddressField(_("address"), unique=True)
    blocked_at = models.DateTimeField(_("blocked"), default=timezone.now)
    until = models.DateTimeField(_("until"), db_index=True)
    failures = models.PositiveIntegerField(_("failures"))

    class Meta:
        verbose_name = _("blocked address")
        verbose_name_plural = _("blocked addresses")
        ordering = ["-until"]

    def __str__(self) -> str:
        return self.address
