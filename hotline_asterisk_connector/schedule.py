"""When the line is open: the week, the 24/7 choice and dated exceptions, read the
way the dialplan's hotline-hours reads them (pbx/dialplan.py renders the same rows).

- A dated exception (holiday, short day) replaces that whole calendar day,
  including the morning part of a night shift that started the day before.
- Otherwise «24/7» opens the whole day; otherwise the weekly intervals do: one
  closing at or before it opens runs on into the next day (00:00 is midnight,
  00:00–00:00 the whole day).

Saving the week is one service function: the rows, the 24/7 choice and the
audit row change together.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from hotline_asterisk_connector.models import PbxSettings, ScheduleException, WorkingHours
from hotline_asterisk_connector.pbx.dialplan import TIME_ZONE, DayException, OpenInterval
from hotline_audit.trail import Kind, record

KYIV = ZoneInfo(TIME_ZONE)
_DAY_MINUTES = 24 * 60
# Far enough for a 24/7 line whose only change is a holiday months ahead.
_HORIZON_DAYS = 400

Span = tuple[int, int]  # minutes of a calendar day, [start, end)


def _minutes(moment: datetime.time) -> int:
    return moment.hour * 60 + moment.minute


@dataclass(frozen=True)
class Week:
    always_open: bool
    intervals: tuple[OpenInterval, ...] = ()
    exceptions: dict[datetime.date, DayException] = field(default_factory=dict)

    def spans(self, day: datetime.date) -> list[Span]:
        """The open parts of one calendar day in Kyiv."""
        exception = self.exceptions.get(day)
        if exception is not None:
            if exception.is_closed or exception.opens_at is None or exception.closes_at is None:
                return []
            return [(_minutes(exception.opens_at), _minutes(exception.closes_at))]
        if self.always_open:
            return [(0, _DAY_MINUTES)]
        weekday, yesterday = day.weekday(), (day.weekday() - 1) % 7
        spans = []
        for interval in self.intervals:
            opens, closes = _minutes(interval.opens_at), _minutes(interval.closes_at)
            if interval.weekday == weekday:
                spans.append((opens, closes if closes > opens else _DAY_MINUTES))
            if interval.weekday == yesterday and 0 < closes <= opens:
                spans.append((0, closes))
        return spans

    def is_open(self, moment: datetime.datetime) -> bool:
        local = moment.astimezone(KYIV)
        return _covers(self.spans(local.date()), _minutes(local.time()))

    def next_change(self, moment: datetime.datetime) -> datetime.datetime | None:
        """The first minute after `moment` at which open turns closed or closed open."""
        local = moment.astimezone(KYIV)
        now_open = self.is_open(local)
        for offset in range(_HORIZON_DAYS):
            day = local.date() + datetime.timedelta(days=offset)
            spans = self.spans(day)
            edges = sorted({0, *(start for start, _ in spans), *(end for _, end in spans)})
            for minute in edges:
                if minute >= _DAY_MINUTES or (offset == 0 and minute <= _minutes(local.time())):
                    continue
                if _covers(spans, minute) != now_open:
                    return datetime.datetime.combine(
                        day, datetime.time(minute // 60, minute % 60), KYIV
                    )
        return None


def _covers(spans: Iterable[Span], minute: int) -> bool:
    return any(start <= minute < end for start, end in spans)


@dataclass(frozen=True)
class LineState:
    is_open: bool
    at: datetime.datetime
    next_change: datetime.datetime | None


def current_week(today: datetime.date | None = None) -> Week:
    today = today or timezone.localdate()
    return Week(
        always_open=PbxSettings.load().always_open,
        intervals=tuple(
            OpenInterval(row.weekday, row.opens_at, row.closes_at)
            for row in WorkingHours.objects.all()
        ),
        exceptions={
            day.date: DayException(day.date, day.is_closed, day.opens_at, day.closes_at)
            for day in ScheduleException.objects.filter(date__gte=today)
        },
    )


def line_state(at: datetime.datetime | None = None) -> LineState:
    at = (at or timezone.now()).astimezone(KYIV)
    week = current_week(at.date())
    return LineState(week.is_open(at), at, week.next_change(at))


def describe(always_open: bool, intervals: Iterable[OpenInterval]) -> str:
    """The week in one line, for the audit trail."""
    if always_open:
        return "24/7"
    days = {}
    for interval in sorted(intervals, key=lambda i: (i.weekday, i.opens_at)):
        days.setdefault(interval.weekday, []).append(
            f"{interval.opens_at:%H:%M}-{interval.closes_at:%H:%M}"
        )
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return "; ".join(
        f"{names[weekday]} {','.join(days[weekday]) if weekday in days else 'closed'}"
        for weekday in range(7)
    )


def stored_intervals() -> list[OpenInterval]:
    return [OpenInterval(r.weekday, r.opens_at, r.closes_at) for r in WorkingHours.objects.all()]


def save_week(
    always_open: bool, intervals: Iterable[OpenInterval], *, request: HttpRequest
) -> bool:
    """Replace the week and the 24/7 choice, with an audit row saying before → after.

    The weekly rows are kept while 24/7 is on, so turning it off brings them back.
    Returns whether anything changed."""
    intervals = sorted(intervals, key=lambda i: (i.weekday, i.opens_at))
    with transaction.atomic():
        pbx = PbxSettings.objects.select_for_update().get(pk=PbxSettings.load().pk)
        stored = stored_intervals()
        if pbx.always_open == always_open and stored == intervals:
            return False
        before = f"{describe(pbx.always_open, stored)} [hours: {describe(False, stored)}]"
        WorkingHours.objects.all().delete()
        WorkingHours.objects.bulk_create(
            WorkingHours(weekday=i.weekday, opens_at=i.opens_at, closes_at=i.closes_at)
            for i in intervals
        )
        pbx.always_open = always_open
        pbx.save(update_fields=["always_open"])
        after = f"{describe(always_open, intervals)} [hours: {describe(False, intervals)}]"
        record(
            Kind.SETTINGS_CHANGE,
            request=request,
            obj=pbx,
            detail=f"working hours: {before} -> {after}",
        )
    return True


def _describe_day(day: ScheduleException) -> str:
    hours = "closed" if day.is_closed else f"{day.opens_at:%H:%M}-{day.closes_at:%H:%M}"
    return f"{day.date:%Y-%m-%d} {hours} {day.name}".strip()


def save_day(day: ScheduleException, *, request: HttpRequest) -> ScheduleException:
    """A holiday or a one-off day, added or changed, on the audit trail."""
    with transaction.atomic():
        before = ScheduleException.objects.filter(pk=day.pk).first() if day.pk else None
        day.save()
        was = _describe_day(before) if before is not None else "-"
        record(
            Kind.SETTINGS_CHANGE,
            request=request,
            obj=day,
            detail=f"day of the schedule: {was} -> {_describe_day(day)}",
        )
    return day


def remove_day(day: ScheduleException, *, request: HttpRequest) -> None:
    with transaction.atomic():
        record(
            Kind.SETTINGS_CHANGE,
            request=request,
            obj=day,
            detail=f"day of the schedule: {_describe_day(day)} -> -",
        )
        day.delete()
