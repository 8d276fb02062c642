"""Working hours and holidays, written the way the dialplan tests them.

Weekly hours become GotoIfTime() conditions in Kyiv time; dated exceptions
(holidays, short days) become globals keyed by the date, because
GotoIfTime() has no year and a holiday on 24.08.2025 must not close the line
on 24.08.2026.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

TIME_ZONE = "Europe/Kyiv"
ASTERISK_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CLOSED = "closed"
_MINUTE = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class OpenInterval:
    weekday: int  # 0 = Monday, as WorkingHours.weekday
    opens_at: datetime.time
    closes_at: datetime.time


@dataclass(frozen=True)
class DayException:
    date: datetime.date
    is_closed: bool
    opens_at: datetime.time | None = None
    closes_at: datetime.time | None = None


def _minute_before(moment: datetime.time) -> datetime.time:
    return (datetime.datetime.combine(datetime.date(2000, 1, 2), moment) - _MINUTE).time()


def time_range(opens_at: datetime.time, closes_at: datetime.time) -> str:
    """Asterisk's hh:mm-hh:mm. Its end minute is included (measured: 09:00-18:00
    still matches at 18:00:59), so the range ends a minute before closing."""
    return f"{opens_at:%H:%M}-{_minute_before(closes_at):%H:%M}"


def time_conditions(intervals: Iterable[OpenInterval]) -> list[str]:
    """GotoIfTime() conditions, one per open interval, without the `?label` part.

    An interval that closes at or before it opens runs past midnight, so it is
    split into the evening of its day and the morning of the next day.
    """
    midnight = datetime.time(0, 0)
    conditions = []
    for interval in sorted(intervals, key=lambda i: (i.weekday, i.opens_at)):
        day = ASTERISK_WEEKDAYS[interval.weekday]
        if interval.closes_at > interval.opens_at:
            parts = [(day, time_range(interval.opens_at, interval.closes_at))]
        else:
            next_day = ASTERISK_WEEKDAYS[(interval.weekday + 1) % 7]
            parts = [(day, f"{interval.opens_at:%H:%M}-23:59")]
            if interval.closes_at > midnight:
                parts.append((next_day, time_range(midnight, interval.closes_at)))
        conditions.extend(f"{times},{weekday},*,*,{TIME_ZONE}" for weekday, times in parts)
    return conditions


def day_exceptions(exceptions: Iterable[DayException]) -> dict[str, str]:
    """Global variable suffix (YYYYMMDD) → `closed` or the day's own hh:mm-hh:mm."""
    days = {}
    for exception in exceptions:
        key = f"{exception.date:%Y%m%d}"
        if exception.is_closed or exception.opens_at is None or exception.closes_at is None:
            days[key] = CLOSED
        else:
            days[key] = time_range(exception.opens_at, exception.closes_at)
    return days
