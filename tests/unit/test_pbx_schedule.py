"""Working hours become GotoIfTime() conditions; holidays become dated globals.

Asterisk includes a range's end minute (measured: 09:00-18:00 still matches at
18:00:59), so a line that closes at 18:00 is written 09:00-17:59.
"""

import datetime

from hotline_asterisk_connector.pbx.dialplan import (
    DayException,
    OpenInterval,
    day_exceptions,
    time_conditions,
)

T = datetime.time


def test_a_weekday_interval_ends_a_minute_before_closing():
    assert time_conditions([OpenInterval(0, T(9, 0), T(18, 0))]) == [
        "09:00-17:59,mon,*,*,Europe/Kyiv"
    ]


def test_two_intervals_on_one_day_and_days_in_order():
    intervals = [
        OpenInterval(4, T(14, 0), T(20, 30)),
        OpenInterval(4, T(9, 0), T(13, 0)),
        OpenInterval(2, T(10, 0), T(11, 0)),
    ]
    assert time_conditions(intervals) == [
        "10:00-10:59,wed,*,*,Europe/Kyiv",
        "09:00-12:59,fri,*,*,Europe/Kyiv",
        "14:00-20:29,fri,*,*,Europe/Kyiv",
    ]


def test_a_night_shift_runs_into_the_next_morning_and_sunday_into_monday():
    assert time_conditions([OpenInterval(6, T(22, 0), T(2, 0))]) == [
        "22:00-23:59,sun,*,*,Europe/Kyiv",
        "00:00-01:59,mon,*,*,Europe/Kyiv",
    ]


def test_closing_at_midnight_or_opening_round_the_clock():
    assert time_conditions([OpenInterval(5, T(10, 0), T(0, 0))]) == [
        "10:00-23:59,sat,*,*,Europe/Kyiv"
    ]
    assert time_conditions([OpenInterval(1, T(0, 0), T(0, 0))]) == [
        "00:00-23:59,tue,*,*,Europe/Kyiv"
    ]


def test_holidays_close_and_short_days_have_their_own_hours():
    days = day_exceptions(
        [
            DayException(datetime.date(2026, 8, 24), is_closed=True),
            DayException(datetime.date(2026, 12, 31), False, T(9, 0), T(14, 0)),
            DayException(datetime.date(2027, 1, 7), False, None, None),
        ]
    )
    assert days == {"20260824": "closed", "20261231": "09:00-13:59", "20270107": "closed"}
