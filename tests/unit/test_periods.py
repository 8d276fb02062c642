"""The filter forms' period: whole days in Kyiv, the last one included."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from hotline.periods import PeriodForm, within_days

KYIV = ZoneInfo("Europe/Kyiv")


def test_the_last_day_counts_up_to_the_next_kyiv_midnight():
    condition = within_days("at", datetime.date(2026, 3, 28), datetime.date(2026, 3, 29))
    # The clocks go forward on 29 March 2026: the period still ends at the next
    # midnight in Kyiv, 21:00 UTC on the 29th (UTC+3 by then).
    start, end = (value for _lookup, value in condition.children)
    assert start == datetime.datetime(2026, 3, 28, tzinfo=KYIV)
    assert end.astimezone(datetime.UTC) == datetime.datetime(2026, 3, 29, 21, tzinfo=datetime.UTC)


def test_the_calendars_last_date_means_no_end():
    assert within_days("at", None, datetime.date.max).children == []


@pytest.mark.parametrize(
    ("start", "end", "valid"),
    [("2026-05-02", "2026-05-01", False), ("2026-05-01", "2026-05-01", True), ("", "", True)],
)
def test_a_period_must_not_end_before_it_starts(start, end, valid):
    form = PeriodForm({"date_from": start, "date_to": end})
    with translation.override("uk"):
        assert form.is_valid() is valid
        if not valid:
            assert form.errors["date_to"] == ["Дата початку пізніша за дату кінця."]
            # The start alone still filters.
            assert form.cleaned_data["date_from"] == datetime.date(2026, 5, 2)
