"""The reports' own settings: one row, edited by the administrator."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeBandSet(models.TextChoices):
    SRH = "srh", _("Sexual and reproductive health: under 14, 14–17, 18–24, 25–34, 35–49, 50+")
    PRIMERO = "primero", _("Primero: 0–5, 6–11, 12–17, 18+")
    UNHCR = "unhcr", _("UNHCR: 0–4, 5–11, 12–17, 18–59, 60+")


class ReportSettings(models.Model):
    """The line's single set of report settings (always row 1)."""

    service_level_seconds = models.PositiveIntegerField(
        _("service level threshold, s"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(3600)],
        help_text=_("A call counts as answered in time when it waited no longer than this."),
    )
    age_band_set = models.CharField(
        _("age bands"), max_length=10, choices=AgeBandSet.choices, default=AgeBandSet.SRH
    )

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")

    def __str__(self) -> str:
        return str(_("Report settings"))

    @classmethod
    def load(cls) -> "ReportSettings":
        settings_row, _created = cls.objects.get_or_create(pk=1)
        return settings_row
