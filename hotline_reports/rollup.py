"""The daily roll-up: each closed day's call figures added up once, for long periods.

A report over three years would otherwise group a million calls on every
page. CallDay holds each Kyiv day's figures by consultant, line number,
direction and outcome, CallHour by hour of the day and consultant; a
RolledDay row says a day's rows are complete, and for which service-level
threshold. A closed month whose days are all rolled up is added up once more
(CallMonth, CallHourMonth) and its talked calls are counted per consultant
and second of talk (TalkMonth, for the medians); RolledMonth says so. Reports
read rolled days and months from here and every other day (today, a day
changed since it was rolled, a threshold changed since) from the journal, and
add the two: the figures are sums, so the result is the same (`check` proves
it, and `manage.py rollup_calls --check` runs it on a live database).

Kept current by:
- the connector, through Call's post_save: a change to a call of a rolled
  day deletes that day's RolledDay (no query for today's calls);
- the daily job (`refresh`), which rolls up every closed day not rolled.
Medians are worked out from counts per second of talk: whole months from
TalkMonth, every other day from the journal. Hours with a line filter, and
rings, are always counted from the journal.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate, TruncMonth
from django.utils import timezone

from hotline_asterisk_connector.models import Call
from hotline_reports import daily_rollup
from hotline_reports.filters import CallFilter
from hotline_reports.models import (
    CallDay,
    CallHour,
    CallHourMonth,
    CallMonth,
    ReportSettings,
    RolledDay,
    RolledMonth,
    TalkMonth,
)
from hotline_reports.periods import Period, local_zone, today

FIGURES = [
    *("calls", "offered", "in_time", "waited", "wait_total", "wait_max", "talked", "talk_total")
]


def _day_of(call_filter_calls: QuerySet) -> QuerySet:
    return call_filter_calls.annotate(day=TruncDate("started_at", tzinfo=local_zone()))


# Keys made from a day ("day" itself, its month, its ISO weekday 1–7): the rows are
# grouped by them in the database, so a long period's tables fold a few hundred
# groups instead of some ten per day.
DATE_KEYS = ("day", "month", "weekday")


def _by_date(rows: QuerySet, key: str) -> QuerySet:
    """`rows` (with a `day`) with the date key `key` to group by."""
    if key == "month":
        return rows.annotate(month=TruncMonth("day"))
    if key == "weekday":
        return rows.annotate(weekday=ExtractIsoWeekDay("day"))
    return rows


def _raw_groups(calls: QuerySet, threshold: int, *keys: str) -> list[dict[str, Any]]:
    # Imported here: call_stats imports this module for the reports' reads.
    from hotline_reports.call_stats import grouped_calls

    return grouped_calls(calls, threshold, *keys)


def _raw_talk_counts(calls: QuerySet) -> list[tuple[int | None, int, int]]:
    from hotline_reports.call_stats import talk_counts

    return talk_counts(calls)


def _hour_of(calls: QuerySet) -> QuerySet:
    return calls.annotate(hour=ExtractHour("started_at", tzinfo=local_zone()))


# Building


def build(first: date, last: date, threshold: int) -> int:
    """Roll up the days first…last (inclusive) from the journal; return the rows written."""
    return daily_rollup.build_in_batches(first, last, lambda batch: _build_batch(batch, threshold))


def _build_batch(period: Period, threshold: int) -> int:
    calls = CallFilter(period).calls()
    by_day = _raw_groups(_day_of(calls), threshold, "day", "consultant_id", "dialled_number")
    by_hour = _raw_groups(_hour_of(_day_of(calls)), threshold, "day", "hour", "consultant_id")
    days = [period.first_day + timedelta(days=n) for n in range(period.days)]
    with transaction.atomic():
        CallDay.objects.filter(day__in=days).delete()
        CallHour.objects.filter(day__in=days).delete()
        CallDay.objects.bulk_create((CallDay(**group) for group in by_day), batch_size=2000)
        CallHour.objects.bulk_create((CallHour(**group) for group in by_hour), batch_size=2000)
        RolledDay.objects.filter(day__in=days).delete()
        RolledMonth.objects.filter(day__in={month_of(day) for day in days}).delete()
        now = timezone.now()
        RolledDay.objects.bulk_create(RolledDay(day, threshold, now) for day in days)
    return len(by_day) + len(by_hour)


def month_of(day: date) -> date:
    return day.replace(day=1)


def _month_days(month: date) -> tuple[date, date]:
    """A month's first and last day."""
    return month, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


# Each month table: the day table it adds up, and the keys it keeps.
_MONTHS = (
    (CallMonth, CallDay, ("consultant_id", "dialled_number")),
    (CallHourMonth, CallHour, ("hour", "consultant_id")),
)


def _sums() -> dict[str, Any]:
    return {name: Max(name) if name == "wait_max" else Sum(name) for name in FIGURES}


def _build_month(month: date, threshold: int) -> None:
    """Add up a month's rolled-up days (all of them rolled up for `threshold`)."""
    with transaction.atomic():
        for month_model, day_model, keys in _MONTHS:
            month_model.objects.filter(day=month).delete()
            groups = (
                day_model.objects.filter(day__range=_month_days(month))
                .values(*keys, "direction", "disposition")
                .annotate(**_sums())
                .order_by()
            )
            month_model.objects.bulk_create(
                (month_model(day=month, **group) for group in groups), batch_size=2000
            )
        # Counted from the journal: the days keep no counts per second (they would
        # hold nearly a row per talked call). A change to a call of the month after
        # this deletes the month's mark, as for its sums.
        TalkMonth.objects.filter(day=month).delete()
        counts = _raw_talk_counts(CallFilter(Period(*_month_days(month))).calls())
        TalkMonth.objects.bulk_create(
            (TalkMonth(day=month, consultant_id=c, talk_seconds=s, calls=n) for c, s, n in counts),
            batch_size=2000,
        )
        RolledMonth.objects.filter(day=month).delete()
        RolledMonth.objects.create(day=month, threshold=threshold, built_at=timezone.now())


def _roll_up_months(first: date, last: date, threshold: int) -> int:
    """Add up every month ending by `last` whose days from `first` on are all rolled up
    for the threshold and that is not added up yet; return how many were."""
    rolled = set(
        RolledDay.objects.filter(threshold=threshold, day__range=(first, last)).values_list(
            "day", flat=True
        )
    )
    done = set(RolledMonth.objects.filter(threshold=threshold).values_list("day", flat=True))
    built, month = 0, month_of(first)
    while _month_days(month)[1] <= last:
        start, end = _month_days(month)
        whole = all(day in rolled for day in daily_rollup.days(max(start, first), end))
        if month not in done and whole:
            _build_month(month, threshold)
            built += 1
        month = end + timedelta(days=1)
    return built


def refresh(threshold: int | None = None, until: date | None = None) -> int:
    """Roll up every closed day (before today) that is not rolled up for the threshold.

    Returns how many days were rolled up. The daily job runs this; so can
    `manage.py rollup_calls`."""
    threshold = threshold or ReportSettings.load().service_level_seconds
    last = until or today() - timedelta(days=1)
    span = Call.objects.aggregate(first=Min("started_at"))
    if span["first"] is None:
        return 0
    first = local_day(span["first"])
    rolled = RolledDay.objects.filter(threshold=threshold, day__range=(first, last))
    days = daily_rollup.roll_up_missing(
        first,
        last,
        rolled.values_list("day", flat=True),
        lambda start, end: build(start, end, threshold),
    )
    _roll_up_months(first, last, threshold)
    return days


def forget_all() -> None:
    """Count everything from the journal until the roll-up is built again."""
    RolledDay.objects.all().delete()
    RolledMonth.objects.all().delete()


def mark_changed(day: date) -> None:
    """A call of `day` changed: count that day (and its month) from the journal until
    it is rolled up again."""
    RolledDay.objects.filter(day=day).delete()
    RolledMonth.objects.filter(day=month_of(day)).delete()


def local_day(moment) -> date:
    return timezone.localtime(moment, local_zone()).date()


def on_call_saved(sender, instance: Call, **kwargs) -> None:
    """post_save/post_delete of Call. Today is never rolled up: no query for today's calls."""
    day = local_day(instance.started_at)
    if day < today():
        mark_changed(day)


# Reading


def _split(
    period: Period, threshold: int, by_month: bool
) -> tuple[list[date], list[tuple[date, date]], Q | None]:
    """The period's whole added-up months (when `by_month`), its other rolled-up day
    ranges, and a condition for its calls on every other day."""
    rolled = set(
        RolledDay.objects.filter(
            threshold=threshold, day__range=(period.first_day, period.last_day)
        ).values_list("day", flat=True)
    )
    months = _added_up_months(period, threshold) if by_month else []
    in_months = _days_of(months)
    _all, raw = daily_rollup.split(period, rolled | in_months, "started_at")
    return months, daily_rollup.runs(rolled - in_months), raw


def _added_up_months(period: Period, threshold: int | None = None) -> list[date]:
    """The months lying wholly in the period that are added up (for `threshold`, or
    for any: the talk-time counts do not depend on it)."""
    added_up = RolledMonth.objects.filter(day__gte=period.first_day, day__lte=period.last_day)
    if threshold is not None:
        added_up = added_up.filter(threshold=threshold)
    months = added_up.values_list("day", flat=True)
    return [month for month in months if _month_days(month)[1] <= period.last_day]


def _days_of(months: Iterable[date]) -> set[date]:
    return {day for month in months for day in daily_rollup.days(*_month_days(month))}


def _on_days(ranges: list[tuple[date, date]]) -> Q:
    condition = Q()
    for first, last in ranges:
        condition |= Q(day__range=(first, last))
    return condition


def _rolled(model: type, call_filter: CallFilter, condition: Q, *keys: str):
    rows = model.objects.filter(condition)
    if call_filter.direction:
        rows = rows.filter(direction=call_filter.direction)
    if call_filter.consultant_id:
        rows = rows.filter(consultant_id=call_filter.consultant_id)
    if call_filter.dialled_number:  # CallDay's (a filtered hour never comes here)
        rows = rows.filter(dialled_number=call_filter.dialled_number)
    rows = _by_date(rows, keys[0]) if keys[0] in DATE_KEYS else rows
    return list(rows.values(*keys, "direction", "disposition").annotate(**_sums()).order_by())


def grouped(call_filter: CallFilter, threshold: int, key: str) -> list[dict[str, Any]]:
    """The period's calls grouped by `key` ("consultant_id", "hour", "day", "month" or
    "weekday"), direction and outcome, as call_stats.grouped_calls gives them: whole
    added-up months and rolled-up days from the roll-up (months are not by day: never
    for "day" or "weekday"), the other days from the journal. A key may appear more
    than once (once from each): the figures are added up by the caller."""
    hourly = key == "hour"
    if hourly and call_filter.dialled_number:
        months, ranges, raw = [], [], Q()  # CallHour has no line number: all from the journal
    else:
        by_month = key not in ("day", "weekday")
        months, ranges, raw = _split(call_filter.period, threshold, by_month=by_month)
    groups = []
    if months:
        model = CallHourMonth if hourly else CallMonth
        groups += _rolled(model, call_filter, Q(day__in=months), key)
    if ranges:
        groups += _rolled(CallHour if hourly else CallDay, call_filter, _on_days(ranges), key)
    if raw is not None:
        calls = call_filter.calls().filter(raw)
        calls = _hour_of(calls) if hourly else calls
        calls = _by_date(_day_of(calls), key) if key in DATE_KEYS else calls
        groups += _raw_groups(calls, threshold, key)
    return groups


def talk_counts(call_filter: CallFilter) -> list[tuple[int | None, int, int]]:
    """How many of the period's talked calls lasted each whole second, per consultant:
    (consultant id, seconds, calls). Whole added-up months come from TalkMonth, the
    other days from the journal, so a (consultant, seconds) pair may come twice: the
    caller adds them up. TalkMonth has no line number or direction: a filter on either
    counts from the journal."""
    period = call_filter.period
    narrowed = call_filter.dialled_number or call_filter.direction
    months = [] if narrowed else _added_up_months(period)
    found: list[tuple[int | None, int, int]] = []
    if months:
        rows = TalkMonth.objects.filter(day__in=months)
        if call_filter.consultant_id:
            rows = rows.filter(consultant_id=call_filter.consultant_id)
        counted = rows.values_list("consultant_id", "talk_seconds").annotate(n=Sum("calls"))
        found += counted.order_by()
    in_months = _days_of(months)
    others = [d for d in daily_rollup.days(period.first_day, period.last_day) if d not in in_months]
    # One query per run of days: with their ranges OR-ed together, PostgreSQL reads
    # the whole index of talked calls instead of each range of the period's index.
    for first, last in daily_rollup.runs(others):
        part = Period(first, last)
        calls = call_filter.calls().filter(started_at__gte=part.start, started_at__lt=part.end)
        found += _raw_talk_counts(calls)
    return found


# Checking


def _comparable(groups: list[dict[str, Any]], *keys: str) -> dict[tuple, dict[str, Any]]:
    found: dict[tuple, dict[str, Any]] = {}
    for group in groups:
        figures = {name: group[name] or 0 for name in FIGURES}
        found[tuple(group[k] for k in (*keys, "direction", "disposition"))] = figures
    return {k: v for k, v in found.items() if v["calls"]}


def check(days: Iterable[date]) -> list[date]:
    """The rolled-up days among `days` whose roll-up differs from the journal, and the
    first days of their added-up months that differ."""
    days = list(days)
    rolled = dict(RolledDay.objects.filter(day__in=days).values_list("day", "threshold"))
    wrong = daily_rollup.wrong_days(rolled, _differs)
    months = RolledMonth.objects.filter(day__in={month_of(day) for day in days})
    wrong += daily_rollup.wrong_days(dict(months.values_list("day", "threshold")), _month_differs)
    return sorted(set(wrong))


def _month_differs(month: date, threshold: int) -> bool:
    calls = CallFilter(Period(*_month_days(month))).calls()
    for month_model, _day_model, keys in _MONTHS:
        grouped_calls = _hour_of(calls) if "hour" in keys else calls
        raw = _comparable(_raw_groups(grouped_calls, threshold, *keys), *keys)
        fields = [*keys, "direction", "disposition", *FIGURES]
        added_up = _comparable(list(month_model.objects.filter(day=month).values(*fields)), *keys)
        if raw != added_up:
            return True
    return _talk_counted(_raw_talk_counts(calls)) != _talk_counted(
        TalkMonth.objects.filter(day=month).values_list("consultant_id", "talk_seconds", "calls")
    )


def _talk_counted(counts: Iterable[tuple[int | None, int, int]]) -> Counter:
    return Counter({(consultant_id, seconds): n for consultant_id, seconds, n in counts if n})


def _differs(day: date, threshold: int) -> bool:
    calls = CallFilter(Period.day(day)).calls()
    keys = ("consultant_id", "dialled_number")
    raw_days = _comparable(_raw_groups(calls, threshold, *keys), *keys)
    hour_keys = ("hour", "consultant_id")
    raw_hours = _comparable(_raw_groups(_hour_of(calls), threshold, *hour_keys), *hour_keys)
    fields = [*keys, "direction", "disposition", *FIGURES]
    rolled_days = _comparable(list(CallDay.objects.filter(day=day).values(*fields)), *keys)
    rolled_hours = _comparable(
        list(CallHour.objects.filter(day=day).values(*hour_keys, *fields[2:])), *hour_keys
    )
    return raw_days != rolled_days or raw_hours != rolled_hours
