"""Report periods are whole Kyiv days; presets seen from a fixed day."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hotline_reports.forms import CallFilterForm
from hotline_reports.periods import Period, Preset, preset_period

# A Wednesday in the middle of the second quarter.
ON = date(2025, 5, 14)


@pytest.mark.parametrize(
    ("preset", "first", "last"),
    [
        (Preset.TODAY, date(2025, 5, 14), date(2025, 5, 14)),
        (Preset.YESTERDAY, date(2025, 5, 13), date(2025, 5, 13)),
        (Preset.THIS_WEEK, date(2025, 5, 12), date(2025, 5, 14)),
        (Preset.LAST_WEEK, date(2025, 5, 5), date(2025, 5, 11)),
        (Preset.THIS_MONTH, date(2025, 5, 1), date(2025, 5, 14)),
        (Preset.LAST_MONTH, date(2025, 4, 1), date(2025, 4, 30)),
        (Preset.THIS_QUARTER, date(2025, 4, 1), date(2025, 5, 14)),
        (Preset.LAST_QUARTER, date(2025, 1, 1), date(2025, 3, 31)),
        (Preset.THIS_YEAR, date(2025, 1, 1), date(2025, 5, 14)),
        (Preset.LAST_YEAR, date(2024, 1, 1), date(2024, 12, 31)),
    ],
)
def test_presets(preset, first, last):
    assert preset_period(preset, ON) == Period(first, last)


def test_last_month_in_january_is_december():
    assert preset_period(Preset.LAST_MONTH, date(2025, 1, 20)) == Period(
        date(2024, 12, 1), date(2024, 12, 31)
    )


def test_period_bounds_are_kyiv_midnights_across_summer_time():
    # The clocks go forward on 30 March 2025: the day before ends at 22:00 UTC, it at 21:00.
    march = Period(date(2025, 3, 1), date(2025, 3, 31))
    utc = ZoneInfo("UTC")
    assert march.start.astimezone(utc) == datetime(2025, 2, 28, 22, 0, tzinfo=utc)
    assert march.end.astimezone(utc) == datetime(2025, 3, 31, 21, 0, tzinfo=utc)
    assert march.days == 31


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date_from": "2025-03-31", "date_to": "2025-03-01"}, "Останній день раніше за перший."),
        ({"date_from": "2025-03-01"}, "Вкажіть і перший, і останній день періоду."),
        ({"date_from": "2001-01-01", "date_to": "2025-01-01"}, "щонайбільше десять років"),
        ({"date_from": "31 березня"}, "Введіть коректну дату."),
    ],
)
def test_bad_periods_are_explained(data, message):
    form = CallFilterForm(data)
    assert not form.is_valid()
    assert message in str(form.errors)


@pytest.mark.django_db
def test_dates_win_over_the_preset():
    form = CallFilterForm(
        {"preset": "last_year", "date_from": "2025-03-01", "date_to": "2025-03-02"}
    )
    assert form.is_valid()
    assert form.cleaned_data["period"] == Period(date(2025, 3, 1), date(2025, 3, 2))
