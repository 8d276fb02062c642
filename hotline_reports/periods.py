"""Report periods: whole days in Kyiv time, from the first day to the last, inclusive."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def today() -> date:
    return timezone.localdate(timezone=local_zone())


class Preset(models.TextChoices):
    TODAY = "today", _("Today")
    YESTERDAY = "yesterday", _("Yesterday")
    THIS_WEEK = "this_week", _("This week")
    LAST_WEEK = "last_week", _("Last week")
    THIS_MONTH = "this_month", _("This month")
    LAST_MONTH = "last_month", _("Last month")
    THIS_QUARTER = "this_quarter", _("This quarter")
    LAST_QUARTER = "last_quarter", _("Last quarter")
    THIS_YEAR = "this_year", _("This year")
    LAST_YEAR = "last_year", _("Last year")
    CUSTOM = "custom", _("Chosen dates")


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date

    @property
    def start(self) -> datetime:
        """The first instant of the period (Kyiv midnight), timezone-aware."""
        return datetime.combine(self.first_day, time(), tzinfo=local_zone())

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.last_day + timedelta(days=1), time(), tzinfo=local_zone())

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @classmethod
    def day(cls, day: date) -> "Period":
        return cls(day, day)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _month_before(day: date) -> date:
    """The first day of the month before the month of `day`."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def preset_period(preset: str, on: date | None = None) -> Period:
    """The period a preset names, seen from the day `on` (today by default)."""
    on = on or today()
    monday = on - timedelta(days=on.weekday())
    month = on.replace(day=1)
    quarter = _quarter_start(on)
    match preset:
        case Preset.TODAY:
            return Period.day(on)
        case Preset.YESTERDAY:
            return Period.day(on - timedelta(days=1))
        case Preset.THIS_WEEK:
            return Period(monday, on)
        case Preset.LAST_WEEK:
            return Period(monday - timedelta(days=7), monday - timedelta(days=1))
        case Preset.LAST_MONTH:
            return Period(_month_before(on), month - timedelta(days=1))
        case Preset.THIS_QUARTER:
            return Period(quarter, on)
        case Preset.LAST_QUARTER:
            previous = _quarter_start(quarter - timedelta(days=1))
            return Period(previous, quarter - timedelta(days=1))
        case Preset.THIS_YEAR:
            return Period(date(on.year, 1, 1), on)
        case Preset.LAST_YEAR:
            return Period(date(on.year - 1, 1, 1), date(on.year - 1, 12, 31))
        case _:
            return Period(month, on)
