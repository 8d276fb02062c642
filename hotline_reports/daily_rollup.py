"""What the calls' roll-up (rollup.py) and the forms' (form_rollup.py) share: which
days a period holds, building days in batches, rolling up the closed days not yet
rolled, reading a period as its rolled-up days plus a condition for the others,
and checking rolled-up days against what they were counted from."""

from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta
from typing import TypeVar

from django.db.models import Q

from hotline_reports.periods import Period

# A month a batch: one transaction's rows stay in the thousands.
BATCH_DAYS = 31
Setting = TypeVar("Setting")


def days(first: date, last: date) -> Iterator[date]:
    return (first + timedelta(days=n) for n in range((last - first).days + 1))


def runs(some_days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) ranges."""
    found: list[tuple[date, date]] = []
    for day in sorted(some_days):
        if found and found[-1][1] + timedelta(days=1) == day:
            found[-1] = (found[-1][0], day)
        else:
            found.append((day, day))
    return found


def build_in_batches(first: date, last: date, build_batch: Callable[[Period], int]) -> int:
    """Build the days first…last (inclusive) a batch at a time; return the rows written."""
    written = 0
    for start in range(0, (last - first).days + 1, BATCH_DAYS):
        end = min(last, first + timedelta(days=start + BATCH_DAYS - 1))
        written += build_batch(Period(first + timedelta(days=start), end))
    return written


def roll_up_missing(
    first: date, last: date, rolled: Iterable[date], build: Callable[[date, date], int]
) -> int:
    """Build every day first…last not among `rolled`, a run of days at a time; return
    how many days were built."""
    done = set(rolled)
    missing = [day for day in days(first, last) if day not in done]
    for start, end in runs(missing):
        build(start, end)
    return len(missing)


def split(period: Period, rolled: Iterable[date], moment: str) -> tuple[list[tuple], Q | None]:
    """The period's rolled-up day ranges, and a condition on the field `moment` for its
    rows of every other day (None when every day is rolled up)."""
    done = set(rolled)
    raw = None
    for first, last in runs(d for d in days(period.first_day, period.last_day) if d not in done):
        part = Period(first, last)
        condition = Q(**{f"{moment}__gte": part.start, f"{moment}__lt": part.end})
        raw = condition if raw is None else raw | condition
    return runs(done), raw


def wrong_days(rolled: dict[date, Setting], differs: Callable[[date, Setting], bool]) -> list[date]:
    """The rolled-up days (each with the setting it was rolled up for) that `differs`
    finds unlike a fresh count."""
    return [day for day, setting in sorted(rolled.items()) if differs(day, setting)]
