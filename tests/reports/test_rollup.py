"""The daily roll-up: reports read from it give exactly what the journal gives, for
random periods and filters; a changed call takes its day out of it until the daily
job rolls it up again; a changed service-level threshold is never served stale."""

import random
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline_asterisk_connector.models import Call, CallDirection, Disposition, Trunk
from hotline_reports import rollup
from hotline_reports.call_stats import CALL_TABLES
from hotline_reports.filters import CallFilter
from hotline_reports.models import CallDay, CallMonth, ReportSettings, RolledDay, RolledMonth
from hotline_reports.periods import Period, today
from tests.reports.conftest import build_topics

pytestmark = pytest.mark.django_db
END = date(2025, 6, 30)
FIRST = date(2025, 1, 1)


@pytest.fixture
def dataset(db):
    build_topics()
    call_command("generate_demo_dataset", calls=3000, consultations=0, years=0.5, end=END)


def tables(call_filter: CallFilter, settings: ReportSettings) -> dict:
    found = {}
    for key, build in CALL_TABLES.items():
        table = build(call_filter, settings)
        found[key] = (table.rows, table.total)
    return found


def from_journal(call_filter: CallFilter, settings: ReportSettings) -> dict:
    """The same tables with no day rolled up: everything from the journal."""
    kept, kept_months = list(RolledDay.objects.all()), list(RolledMonth.objects.all())
    rollup.forget_all()
    try:
        return tables(CallFilter(**_fields(call_filter)), settings)
    finally:
        RolledDay.objects.bulk_create(kept)
        RolledMonth.objects.bulk_create(kept_months)


def _fields(call_filter: CallFilter) -> dict:
    return {
        "period": call_filter.period,
        "dialled_number": call_filter.dialled_number,
        "consultant_id": call_filter.consultant_id,
        "direction": call_filter.direction,
    }


def random_filters(rng: random.Random, count: int) -> list[CallFilter]:
    numbers = list(Trunk.objects.values_list("number", flat=True))
    consultants = list(
        Call.objects.exclude(consultant=None).values_list("consultant", flat=True).distinct()
    )
    filters = []
    for n in range(count):
        first = FIRST + timedelta(days=rng.randrange(0, 170))
        last = min(END, first + timedelta(days=rng.choice([0, 1, 6, 30, 92, 200])))
        narrowing = {}
        if n % 4 == 1:
            narrowing["consultant_id"] = rng.choice(consultants)
        if n % 4 == 2:
            narrowing["dialled_number"] = rng.choice(numbers)
        if n % 4 == 3:
            narrowing["direction"] = rng.choice(CallDirection.values)
        filters.append(CallFilter(Period(first, last), **narrowing))
    return filters


def test_roll_up_equals_the_journal_for_random_periods_and_filters(dataset):
    settings = ReportSettings.load()
    assert rollup.refresh(until=END) > 150
    assert CallDay.objects.exists()
    # Every closed month is added up too: January to June, and December, whose days
    # with calls are its last (the data set starts at the end of December 2024).
    first_call = Call.objects.order_by("started_at").first().started_at
    assert rollup.local_day(first_call) >= date(2024, 12, 29)
    assert RolledMonth.objects.count() == 7
    # A few days left out (as if changed since): those come from the journal, and
    # their months from their days.
    for day in (date(2025, 2, 3), date(2025, 5, 17)):
        rollup.mark_changed(day)
    assert RolledMonth.objects.count() == 5
    for call_filter in random_filters(random.Random(16), 16):
        assert tables(call_filter, settings) == from_journal(call_filter, settings), call_filter
    assert rollup.check(RolledDay.objects.values_list("day", flat=True)) == []


def test_a_long_period_reads_whole_months_from_the_month_roll_up(dataset):
    settings = ReportSettings.load()
    rollup.refresh(until=END)
    half_year = CallFilter(Period(date(2025, 1, 15), END))
    with CaptureQueriesContext(connection) as queries:
        found = tables(half_year, settings)
    per_consultant = [q["sql"] for q in queries if "consultant_id" in q["sql"]]
    # February to June from the months, 15–31 January from its days.
    assert any(CallMonth._meta.db_table in sql for sql in per_consultant)
    assert any(CallDay._meta.db_table in sql for sql in per_consultant)
    assert found == from_journal(half_year, settings)
    wrong = CallMonth.objects.filter(day=date(2025, 3, 1)).first()
    wrong.calls += 1
    wrong.save()
    assert rollup.check([date(2025, 3, 9)]) == [date(2025, 3, 1)]


def test_a_consultants_hours_come_from_the_roll_up(dataset):
    settings = ReportSettings.load()
    rollup.refresh(until=END)
    consultant_id = Call.objects.exclude(consultant=None).values_list("consultant", flat=True)[0]
    mine = CallFilter(Period(FIRST, END), consultant_id=consultant_id)
    with CaptureQueriesContext(connection) as queries:
        hours = CALL_TABLES["by_hour"](mine, settings)
    assert not [q for q in queries if f'FROM "{Call._meta.db_table}"' in q["sql"]]
    everyone = CALL_TABLES["by_hour"](CallFilter(mine.period), settings)
    assert 0 < hours.total[2] < everyone.total[2]  # answered: theirs, not everyone's
    assert hours.rows == from_journal(mine, settings)["by_hour"][0]


def test_a_changed_call_takes_its_day_out_until_the_daily_job(dataset):
    settings = ReportSettings.load()
    rollup.refresh(until=END)
    answered = Call.objects.filter(disposition=Disposition.ANSWERED, talk_seconds__isnull=False)
    call = answered.filter(started_at__date__gt=date(2025, 3, 3)).order_by("started_at")[0]
    day = rollup.local_day(call.started_at)
    month = CallFilter(Period(day.replace(day=1), day.replace(day=28)))
    before = tables(month, settings)
    call.talk_seconds += 600
    call.save()
    assert not RolledDay.objects.filter(day=day).exists()
    assert not RolledMonth.objects.filter(day=day.replace(day=1)).exists()
    assert rollup.check([day]) == []  # nothing claims to be rolled up for that day
    after = tables(CallFilter(month.period), settings)
    assert after != before
    assert after == from_journal(month, settings)
    assert rollup.refresh(until=END) == 1
    assert tables(CallFilter(month.period), settings) == after


def test_a_new_threshold_is_never_answered_from_the_old_roll_up(dataset):
    settings = ReportSettings.load()
    rollup.refresh(until=END)
    settings.service_level_seconds = 7
    settings.save()
    quarter = CallFilter(Period(date(2025, 4, 1), END))
    assert tables(quarter, settings) == from_journal(quarter, settings)
    assert rollup.refresh(until=END) > 150
    assert tables(CallFilter(quarter.period), settings) == from_journal(quarter, settings)


def test_todays_calls_cost_the_roll_up_no_query(db):
    call = Call.objects.create(linkedid="r.1", uniqueid="r.1", started_at=_now())
    with CaptureQueriesContext(connection) as queries:
        rollup.on_call_saved(Call, call)
    assert len(queries) == 0


def _now():
    from django.utils import timezone

    return timezone.now()


def test_check_reports_a_day_that_differs(dataset):
    rollup.refresh(until=END)
    wrong = CallDay.objects.filter(day=date(2025, 4, 2)).first()
    wrong.calls += 1
    wrong.save()
    assert rollup.check([date(2025, 4, 1), date(2025, 4, 2)]) == [date(2025, 4, 2)]
    with pytest.raises(CommandError, match="1 of"):
        call_command("rollup_calls", check=0)
    assert today() > END
