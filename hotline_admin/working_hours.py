"""The working-hours page's form: the 24/7 choice and a Monday-to-Sunday grid.

Each day is either «Вихідний» or has one or more open intervals. An interval
ends on its own day (00:00 as the end means midnight); a night shift says so
with «до наступного дня», so a mistyped end is refused instead of silently
becoming a night shift.
"""

import datetime
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hotline_asterisk_connector.models import Weekday
from hotline_asterisk_connector.pbx.dialplan import OpenInterval
from hotline_asterisk_connector.schedule import LineState

ALWAYS_OPEN = "always"
BY_SCHEDULE = "schedule"
# Empty intervals offered per day (the page reveals them one at a time); a day
# already holding more gets as many as it holds.
SLOTS = 4
_MAX_SLOTS = 48
_MIDNIGHT = datetime.time(0, 0)
_DAY = 24 * 60
_WEEK = 7 * _DAY


def week_minutes(interval: OpenInterval) -> list[range]:
    """An interval as minutes of the week, as the dialplan reads it: one closing at
    or before it opens ends the next day (00:00 is midnight; 00:00–00:00 the whole day)."""
    start = interval.weekday * _DAY + interval.opens_at.hour * 60 + interval.opens_at.minute
    closes = interval.closes_at.hour * 60 + interval.closes_at.minute
    length = closes - (interval.opens_at.hour * 60 + interval.opens_at.minute)
    end = start + (length if length > 0 else length + _DAY)
    if end <= _WEEK:
        return [range(start, end)]
    return [range(start, _WEEK), range(0, end - _WEEK)]  # Sunday night into Monday


def is_night_shift(interval: OpenInterval) -> bool:
    return interval.closes_at != _MIDNIGHT and interval.closes_at <= interval.opens_at


def _time_field() -> forms.TimeField:
    return forms.TimeField(
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Enter a time as hh:mm, for instance 09:00.")},
    )


@dataclass
class IntervalFields:
    opens: forms.BoundField
    closes: forms.BoundField
    overnight: forms.BoundField

    @property
    def is_empty(self) -> bool:
        return not (self.opens.value() or self.closes.value())


@dataclass
class DayRow:
    weekday: int
    label: str
    closed: forms.BoundField
    intervals: list[IntervalFields]
    errors: list[str]


class WeekForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("When the line works"),
        choices=[
            (ALWAYS_OPEN, _("The line works round the clock (24/7)")),
            (BY_SCHEDULE, _("By the weekly schedule below")),
        ],
        widget=forms.RadioSelect,
    )
    slots = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=_MAX_SLOTS)

    def __init__(
        self,
        data=None,
        *,
        always_open: bool = True,
        intervals: Iterable[OpenInterval] = (),
    ) -> None:
        intervals = sorted(intervals, key=lambda i: (i.weekday, i.opens_at))
        by_day = {day: [i for i in intervals if i.weekday == day] for day in range(7)}
        self.slot_count = self._slots(data, by_day)
        super().__init__(data, initial=self._initial(always_open, by_day))
        for day in range(7):
            self.fields[f"day{day}_closed"] = forms.BooleanField(label=_("Day off"), required=False)
            for slot in range(self.slot_count):
                self.fields[f"day{day}_{slot}_opens"] = _time_field()
                self.fields[f"day{day}_{slot}_closes"] = _time_field()
                self.fields[f"day{day}_{slot}_overnight"] = forms.BooleanField(
                    label=_("until the next day"), required=False
                )

    @staticmethod
    def _slots(data, by_day: dict[int, list[OpenInterval]]) -> int:
        if data is not None:
            try:
                return min(max(int(data.get("slots", SLOTS)), 1), _MAX_SLOTS)
            except (TypeError, ValueError):
                return SLOTS
        return max(SLOTS, *(len(day) + 1 for day in by_day.values()))

    def _initial(self, always_open: bool, by_day: dict[int, list[OpenInterval]]) -> dict:
        initial = {"mode": ALWAYS_OPEN if always_open else BY_SCHEDULE, "slots": self.slot_count}
        for day, intervals in by_day.items():
            initial[f"day{day}_closed"] = not intervals
            for slot, interval in enumerate(intervals):
                initial[f"day{day}_{slot}_opens"] = interval.opens_at
                initial[f"day{day}_{slot}_closes"] = interval.closes_at
                initial[f"day{day}_{slot}_overnight"] = is_night_shift(interval)
        return initial

    def days(self) -> Iterator[DayRow]:
        for day in range(7):
            closed = self[f"day{day}_closed"]
            yield DayRow(
                weekday=day,
                label=Weekday(day).label,
                closed=closed,
                intervals=[
                    IntervalFields(
                        self[f"day{day}_{slot}_opens"],
                        self[f"day{day}_{slot}_closes"],
                        self[f"day{day}_{slot}_overnight"],
                    )
                    for slot in range(self.slot_count)
                ],
                errors=[
                    *closed.errors,
                    *(
                        error
                        for slot in range(self.slot_count)
                        for name in ("opens", "closes")
                        for error in self[f"day{day}_{slot}_{name}"].errors
                    ),
                ],
            )

    @property
    def always_open(self) -> bool:
        return self.cleaned_data["mode"] == ALWAYS_OPEN

    def clean(self) -> dict:
        data = super().clean()
        intervals = []
        for day in range(7):
            intervals += self._clean_day(day, data)
        if self.errors:
            return data
        self._refuse_overlaps(intervals)
        if data.get("mode") == BY_SCHEDULE and not intervals:
            raise ValidationError(
                _(
                    "The schedule has no open hours at all, so the line would never open. "
                    "Add hours, or choose «round the clock (24/7)»."
                )
            )
        data["intervals"] = intervals
        return data

    def _clean_day(self, day: int, data: dict) -> list[OpenInterval]:
        name = Weekday(day).label
        if data.get(f"day{day}_closed"):
            return []  # A day off: whatever was typed in its intervals is not kept.
        intervals = []
        for slot in range(self.slot_count):
            opens, closes = data.get(f"day{day}_{slot}_opens"), data.get(f"day{day}_{slot}_closes")
            if opens is None and closes is None:
                continue
            if opens is None or closes is None:
                self._day_error(
                    day, _("%(day)s: give both the start and the end of each interval.")
                )
                continue
            interval = OpenInterval(day, opens, closes)
            if self._check_interval(interval, data.get(f"day{day}_{slot}_overnight"), name):
                intervals.append(interval)
        if not intervals and not self.has_error(f"day{day}_closed"):
            self._day_error(
                day, _("%(day)s: give the working hours, or mark the day as a day off.")
            )
        return intervals

    def _check_interval(self, interval: OpenInterval, overnight: bool, name: str) -> bool:
        times = f"{interval.opens_at:%H:%M}–{interval.closes_at:%H:%M}"
        if overnight and not is_night_shift(interval) and interval.closes_at != _MIDNIGHT:
            message = _(
                "%(day)s: %(times)s is marked «until the next day» but ends on the same day; "
                "clear the mark, or correct the end."
            )
        elif not overnight and is_night_shift(interval):
            message = _(
                "%(day)s: %(times)s ends before it starts. For a night shift tick "
                "«until the next day»; for «until midnight» enter 00:00 as the end."
            )
        else:
            return True
        self.add_error(
            f"day{interval.weekday}_closed",
            ValidationError(message % {"day": name, "times": times}),
        )
        return False

    def _day_error(self, day: int, message: str) -> None:
        self.add_error(f"day{day}_closed", message % {"day": Weekday(day).label})

    @staticmethod
    def _refuse_overlaps(intervals: list[OpenInterval]) -> None:
        spans = sorted(
            ((span, interval) for interval in intervals for span in week_minutes(interval)),
            key=lambda pair: pair[0].start,
        )
        for (first, one), (second, other) in itertools.pairwise(spans):
            if second.start < first.stop:
                raise ValidationError(
                    _("Two intervals overlap: %(one)s and %(other)s.")
                    % {"one": _describe(one), "other": _describe(other)}
                )


def _describe(interval: OpenInterval) -> str:
    return f"{Weekday(interval.weekday).label} {interval.opens_at:%H:%M}–{interval.closes_at:%H:%M}"


def _when(moment: datetime.datetime, now: datetime.datetime) -> str:
    days = (moment.date() - now.date()).days
    time = f"{moment:%H:%M}"
    if days == 0:
        return _("today at %(time)s") % {"time": time}
    if days == 1:
        return _("tomorrow at %(time)s") % {"time": time}
    return _("%(date)s (%(weekday)s) at %(time)s") % {
        "date": f"{moment:%d.%m.%Y}",
        "weekday": str(Weekday(moment.weekday()).label).lower(),
        "time": time,
    }


def line_state_text(state: LineState) -> str:
    """«Зараз відчинено · зачиниться сьогодні о 20:00», in Kyiv time."""
    now = {"now": f"{state.at:%H:%M}"}
    if state.next_change is None:
        if state.is_open:
            return _("Now (Kyiv time %(now)s): open · no change ahead") % now
        return _("Now (Kyiv time %(now)s): closed · no open hours ahead") % now
    when = {**now, "when": _when(state.next_change, state.at)}
    if state.is_open:
        return _("Now (Kyiv time %(now)s): open · closes %(when)s") % when
    return _("Now (Kyiv time %(now)s): closed · opens %(when)s") % when
