"""What the administrator sets beyond the PBX models: prompts, data retention,
backups, and the journal of configuration changes applied to Asterisk."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PromptSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded file")
    MICROPHONE = "microphone", _("Recorded in the browser")


class Prompt(models.Model):
    """The administrator's own recording that replaces one default Ukrainian prompt.

    The converted audio lives in PROMPTS_DIR under the prompt's name; with no
    row the PBX plays its default prompt.
    """

    name = models.SlugField(_("prompt"), max_length=60, unique=True)
    source = models.CharField(_("source"), max_length=12, choices=PromptSource.choices)
    original_name = models.CharField(_("original file"), max_length=255, blank=True)
    duration_seconds = models.DecimalField(_("length, s"), max_digits=7, decimal_places=2)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("voice prompt")
        verbose_name_plural = _("voice prompts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Retention is on from the first start, with the periods the admin guide
# proposes (docs/admin-guide.uk.md); "for ever" is a choice, never the default.
RECORDINGS_KEEP_DAYS = 90
CLIENT_DATA_KEEP_MONTHS = 36
AUDIT_KEEP_MONTHS = 36
BACKUPS_KEEP_DAYS = 30
PBX_LOG_KEEP_DAYS = 14
# deploy/templates/logrotate keeps at most this many daily files.
PBX_LOG_KEEP_DAYS_MAX = 92


class MaintenanceSettings(models.Model):
    """Data retention and backup settings of the installation (always row 1)."""

    recordings_keep_days = models.PositiveIntegerField(
        _("keep call recordings and voice messages, days"),
        null=True,
        blank=True,
        default=RECORDINGS_KEEP_DAYS,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: keep them for ever."),
    )
    client_data_keep_months = models.PositiveIntegerField(
        _("keep personal data of clients with no contact, months"),
        null=True,
        blank=True,
        default=CLIENT_DATA_KEEP_MONTHS,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Names, phone numbers, notes, the free text of forms, and callers' numbers in "
            "Asterisk's call records and the admin change log. Empty: keep it for ever. "
            "Statistics are kept in any case."
        ),
    )
    # At least a year: a short period would let anyone who may change it
    # wipe the trail of what they did last week.
    audit_keep_months = models.PositiveIntegerField(
        _("keep the audit trail, months"),
        null=True,
        blank=True,
        default=AUDIT_KEEP_MONTHS,
        validators=[MinValueValidator(12)],
        help_text=_("Empty: keep it for ever. At least 12 months."),
    )
    pbx_log_keep_days = models.PositiveIntegerField(
        _("keep the telephone exchange's logs, days"),
        default=PBX_LOG_KEEP_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(PBX_LOG_KEEP_DAYS_MAX)],
        help_text=_("Asterisk starts a new log every day; older ones are deleted."),
    )
    backups_keep_days = models.PositiveIntegerField(
        _("delete backups older than, days"),
        default=BACKUPS_KEEP_DAYS,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Daily and manual backups alike: a backup keeps everything as it was, "
            "including what retention has deleted since."
        ),
    )
    # Only the public half of the age key: the server can encrypt, never decrypt.
    backup_public_key = models.CharField(_("backup key (public part)"), max_length=100, blank=True)
    daily_backup = models.BooleanField(_("make a backup every day"), default=True)
    backups_keep = models.PositiveSmallIntegerField(
        _("daily backups to keep"), default=7, validators=[MinValueValidator(1)]
    )
    daily_jobs_at = models.TimeField(
        _("daily backup and clean-up at (Kyiv time)"), default=datetime.time(3, 0)
    )

    class Meta:
        verbose_name = _("data retention and backups")
        verbose_name_plural = _("data retention and backups")

    def __str__(self) -> str:
        return str(_("data retention and backups"))

    @classmethod
    def load(cls) -> "MaintenanceSettings":
        row, _created = cls.objects.get_or_create(pk=1)
        return row


class DailyJob(models.Model):
    """When a daily job last ran: claimed with a conditional UPDATE so it runs once a day."""

    name = models.SlugField(_("job"), max_length=40, unique=True)
    last_run_on = models.DateField(_("last run on"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    result = models.TextField(_("result"), blank=True)

    class Meta:
        verbose_name = _("daily job")
        verbose_name_plural = _("daily jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AppliedChange(models.Model):
    """One attempt to apply the saved settings to Asterisk, and what Asterisk said."""

    created_at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    what = models.CharField(_("what changed"), max_length=200)
    accepted = models.BooleanField(_("accepted by Asterisk"))
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("applied change")
        verbose_name_plural = _("applied changes")
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.what}"


class ProvisioningLink(models.Model):
    """A one-time link a smartphone softphone (Linphone) fetches its account from.

    Only a hash of the token is stored; the link works once and for a day, so
    a photographed QR code is worth nothing afterwards.
    """

    line = models.ForeignKey(
        "hotline_asterisk_connector.ConsultantLine",
        on_delete=models.CASCADE,
        related_name="provisioning_links",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("provisioning link")
        verbose_name_plural = _("provisioning links")

    def __str__(self) -> str:
        return f"{self.line} {self.expires_at:%Y-%m-%d %H:%M}"
