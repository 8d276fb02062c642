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


class CallFigures(models.Model):
    """What the reports add up for a group of calls (see call_stats.group_aggregates)."""

    direction = models.CharField(max_length=10)
    disposition = models.CharField(max_length=24)
    calls = models.PositiveIntegerField()
    offered = models.PositiveIntegerField()
    # Offered calls answered within RolledDay.threshold seconds.
    in_time = models.PositiveIntegerField()
    waited = models.PositiveIntegerField()
    wait_total = models.BigIntegerField(null=True)
    wait_max = models.PositiveIntegerField(null=True)
    talked = models.PositiveIntegerField()
    talk_total = models.BigIntegerField(null=True)

    class Meta:
        abstract = True


class CallDay(CallFigures):
    """One Kyiv day's calls by consultant, line number, direction and outcome (the roll-up)."""

    day = models.DateField()
    consultant_id = models.IntegerField(null=True)
    dialled_number = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["day"], name="callday_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.consultant_id} {self.dialled_number}: {self.calls}"


class CallHour(CallFigures):
    """One Kyiv day's calls by hour of the day, consultant, direction and outcome (the
    roll-up): a consultant's hours are theirs, everyone's are the sum."""

    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    consultant_id = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["day"], name="callhour_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.hour:02d}: {self.calls}"


class CallMonth(CallFigures):
    """A closed month's CallDay rows added up (`day` is the month's first day): a long
    period's table per consultant reads some 100 rows a month instead of 3,000."""

    day = models.DateField()
    consultant_id = models.IntegerField(null=True)
    dialled_number = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["day"], name="callmonth_day_idx")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.consultant_id} {self.dialled_number}: {self.calls}"


class CallHourMonth(CallFigures):
    """A closed month's CallHour rows added up (`day` is the month's first day)."""

    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    consultant_id = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["day"], name="callhourmonth_day_idx")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.hour:02d}: {self.calls}"


class TalkMonth(models.Model):
    """A closed month's talked calls counted per consultant and whole second of talk
    time (`day` is the month's first day): medians do not add up, but counts per
    second do, and the median of a period is exact from them. Three years at a
    million calls are some 220,000 rows instead of 580,000 talked calls."""

    day = models.DateField()
    consultant_id = models.IntegerField(null=True)
    talk_seconds = models.PositiveIntegerField()
    calls = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # Covering (on PostgreSQL): everyone's months, or one consultant's, read
            # from an index alone.
            models.Index(
                fields=["day"],
                include=["consultant_id", "talk_seconds", "calls"],
                name="talkmonth_day_idx",
            ),
            models.Index(
                fields=["consultant_id", "day"],
                include=["talk_seconds", "calls"],
                name="talkmonth_consultant_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} {self.consultant_id} {self.talk_seconds} s: {self.calls}"


class RolledMonth(models.Model):
    """A month whose days are all rolled up for `threshold`, whose CallMonth and
    CallHourMonth rows are their sum and whose TalkMonth rows count its talked calls.
    A change to one of its days deletes this row."""

    day = models.DateField(primary_key=True)  # the month's first day
    threshold = models.PositiveIntegerField()
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} (≤ {self.threshold} s)"


class RolledDay(models.Model):
    """A day whose CallDay and CallHour rows are complete and match the journal.

    A change to one of the day's calls deletes this row (the reports then
    count that day from the journal again) until the daily job rolls it up anew.
    """

    day = models.DateField(primary_key=True)
    threshold = models.PositiveIntegerField()
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} (≤ {self.threshold} s)"


class FormCell(models.Model):
    """One Kyiv day's consultation forms counted by one dimension's value (column_key
    empty), by a pair of dimensions' values, or all of them (row_key empty): the
    forms' roll-up (form_rollup.py). Values are kept as text, NULL for none."""

    day = models.DateField()
    row_key = models.CharField(max_length=24)
    # NULL is a value of its own: a form with no topic, no call (no line number).
    row_value = models.CharField(max_length=64, null=True)  # noqa: DJ001
    column_key = models.CharField(max_length=24)
    column_value = models.CharField(max_length=64, null=True)  # noqa: DJ001
    forms = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # Covering (on PostgreSQL): a period's cells of one pair in an index-only scan.
            models.Index(
                fields=["row_key", "column_key", "day"],
                include=["row_value", "column_value", "forms"],
                name="formcell_pair_day_idx",
            ),
            models.Index(fields=["day"], name="formcell_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.row_key}={self.row_value} {self.column_key}: {self.forms}"


class RolledFormDay(models.Model):
    """A day whose FormCell rows are complete for the age band set named here; a
    change to one of the day's forms deletes this row until the daily job rolls it
    up again."""

    day = models.DateField(primary_key=True)
    band_set = models.CharField(max_length=10)
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} ({self.band_set})"
