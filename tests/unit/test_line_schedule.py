"""When the line is open and when that changes next, in Kyiv time, read as the dialplan reads
the week (1 December 2026 is a Tuesday)."""

import datetime

import pytest

from hotline_admin.working_hours import line_state_text
from hotline_asterisk_connector.pbx.dialplan import DayException, OpenInterval
from hotline_asterisk_connector.schedule import KYIV, LineState, Week

T = datetime.time
WORKDAYS = tuple(OpenInterval(day, T(9), T(18)) for day in range(5))


def kyiv(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=KYIV)


def closed_on(*days: datetime.date) -> dict:
    return {day: DayException(day, is_closed=True) for day in days}


@pytest.mark.parametrize(
    ("moment", "is_open", "next_change"),
    [
        (kyiv(1, 10), True, kyiv(1, 18)),
        (kyiv(1, 17, 59), True, kyiv(1, 18)),
        (kyiv(1, 18), False, kyiv(2, 9)),
        (kyiv(1, 8, 59), False, kyiv(1, 9)),
        (kyiv(4, 19), False, kyiv(7, 9)),  # Friday evening: Monday morning
    ],
)
def test_workdays_nine_to_six(moment, is_open, next_change):
    week = Week(always_open=False, intervals=WORKDAYS)
    assert week.is_open(moment) is is_open
    assert week.next_change(moment) == next_change


def test_a_lunch_break_closes_the_line_for_an_hour():
    week = Week(False, (OpenInterval(1, T(9), T(13)), OpenInterval(1, T(14), T(18))))
    assert not week.is_open(kyiv(1, 13, 30))
    assert week.next_change(kyiv(1, 13, 30)) == kyiv(1, 14)
    assert week.next_change(kyiv(1, 10)) == kyiv(1, 13)


def test_a_night_shift_runs_into_the_next_morning():
    friday_night = OpenInterval(4, T(20), T(2))
    week = Week(False, (friday_night,))
    assert week.is_open(kyiv(5, 1, 30))
    assert week.next_change(kyiv(4, 21)) == kyiv(5, 2)
    # A holiday replaces its whole day, the night shift's morning too (as hotline-hours).
    holiday = Week(False, (friday_night,), closed_on(datetime.date(2026, 12, 5)))
    assert holiday.is_open(kyiv(4, 23))
    assert holiday.next_change(kyiv(4, 23)) == kyiv(5, 0)


def test_until_midnight_then_from_midnight_is_one_open_stretch():
    week = Week(False, (OpenInterval(0, T(18), T(0)), OpenInterval(1, T(0), T(6))))
    assert week.next_change(kyiv(30, 23, month=11)) == kyiv(1, 6)


def test_round_the_clock_closes_only_on_its_holidays():
    christmas = datetime.date(2026, 12, 25)
    week = Week(always_open=True, intervals=WORKDAYS, exceptions=closed_on(christmas))
    assert week.is_open(kyiv(5, 3))  # the weekly hours are kept, but 24/7 wins
    assert week.next_change(kyiv(1, 10)) == kyiv(25, 0)
    assert not week.is_open(kyiv(25, 12))
    assert week.next_change(kyiv(25, 12)) == kyiv(26, 0)
    assert Week(always_open=True).next_change(kyiv(1, 10)) is None


def test_a_short_day_on_a_round_the_clock_line():
    eve = datetime.date(2026, 12, 31)
    week = Week(True, exceptions={eve: DayException(eve, False, T(9), T(14))})
    assert not week.is_open(kyiv(31, 8))
    assert week.next_change(kyiv(31, 8)) == kyiv(31, 9)
    assert week.next_change(kyiv(31, 9)) == kyiv(31, 14)
    assert week.next_change(kyiv(31, 14)) == datetime.datetime(2027, 1, 1, tzinfo=KYIV)


def test_an_empty_schedule_never_opens():
    week = Week(always_open=False)
    assert not week.is_open(kyiv(1, 10))
    assert week.next_change(kyiv(1, 10)) is None


def test_the_moment_is_read_in_kyiv_time():
    week = Week(always_open=False, intervals=WORKDAYS)
    utc = datetime.datetime(2026, 12, 1, 16, 30, tzinfo=datetime.UTC)  # 18:30 in Kyiv
    assert not week.is_open(utc)


@pytest.mark.parametrize(
    ("state", "text"),
    [
        (
            LineState(True, kyiv(1, 10), kyiv(1, 18)),
            "Зараз (за Києвом 10:00): відчинено · наступна зміна: зачиниться сьогодні о 18:00",
        ),
        (
            LineState(False, kyiv(1, 18, 5), kyiv(2, 9)),
            "Зараз (за Києвом 18:05): зачинено · наступна зміна: відчиниться завтра о 09:00",
        ),
        (
            LineState(False, kyiv(4, 19), kyiv(7, 9)),
            "Зараз (за Києвом 19:00): зачинено · наступна зміна: відчиниться "
            "07.12.2026 (понеділок) о 09:00",
        ),
        (
            LineState(True, kyiv(4, 19), None),
            "Зараз (за Києвом 19:00): відчинено · змін попереду немає",
        ),
    ],
)
def test_the_state_line_in_ukrainian(state, text):
    assert line_state_text(state) == text
