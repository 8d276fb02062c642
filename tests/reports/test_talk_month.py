"""The medians' roll-up: each added-up month's talked calls counted per consultant and
whole second (TalkMonth). Medians of periods made of whole months and partial days
from it equal the database's own median of the calls; a changed call takes its month
out until the daily job; `check` finds a wrong count."""

import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline_asterisk_connector.models import Call, CallDirection
from hotline_reports import rollup
from hotline_reports.aggregates import Median
from hotline_reports.call_stats import ALL_CONSULTANTS, TALKED, talk_medians
from hotline_reports.filters import CallFilter
from hotline_reports.models import RolledMonth, TalkMonth
from hotline_reports.periods import Period
from tests.reports.conftest import MARCH, build_topics

pytestmark = pytest.mark.django_db
END = date(2025, 6, 30)
CALLS_TABLE = f'FROM "{Call._meta.db_table}"'


def medians_of_the_calls(call_filter: CallFilter) -> dict:
    """The database's own median (percentile_cont) of the filter's talked calls, per
    consultant and over everyone."""
    talked = call_filter.calls().filter(TALKED)
    per_consultant = talked.values("consultant_id").annotate(median=Median("talk_seconds"))
    found = {row["consultant_id"]: row["median"] for row in per_consultant}
    found[ALL_CONSULTANTS] = talked.aggregate(median=Median("talk_seconds"))["median"]
    return found


def read_tables(call_filter: CallFilter) -> tuple[dict, set[str]]:
    """The filter's medians, and which of the two tables they were read from."""
    with CaptureQueriesContext(connection) as queries:
        medians = talk_medians(call_filter)
    tables = {TalkMonth._meta.db_table, CALLS_TABLE}
    return medians, {name for name in tables for q in queries if name in q["sql"]}


def test_medians_of_whole_months_and_a_partial_day_worked_out_by_hand(march, alice, bob):
    # March's talked calls (conftest): Alice 300, 120, 180 in and 240 out; Bob 600, 60.
    # X1, 00:30 on 1 April in Kyiv: Bob, 999 s.
    rollup.refresh(until=MARCH.last_day)
    assert RolledMonth.objects.filter(day=date(2025, 3, 1)).exists()
    counted = TalkMonth.objects.filter(day=date(2025, 3, 1))
    alices = [(alice.pk, seconds, 1) for seconds in (120, 180, 240, 300)]
    bobs = [(bob.pk, 60, 1), (bob.pk, 600, 1)]
    assert sorted(counted.values_list("consultant_id", "talk_seconds", "calls")) == sorted(
        [*alices, *bobs]
    )
    # March alone: from its counts, no call read.
    medians, read = read_tables(CallFilter(MARCH))
    assert read == {TalkMonth._meta.db_table}
    # Alice 120 180 | 240 300 → 210; Bob 60 600 → 330; all six → (180 + 240) / 2.
    assert medians == {alice.pk: 210.0, bob.pk: 330.0, ALL_CONSULTANTS: 210.0}
    # With 1 April: March from its counts, 1 April (not rolled up) from the journal.
    medians, read = read_tables(CallFilter(Period(MARCH.first_day, date(2025, 4, 1))))
    assert read == {TalkMonth._meta.db_table, CALLS_TABLE}
    # Bob 60 600 999 → 600; all seven: 60 120 180 [240] 300 600 999.
    assert medians == {alice.pk: 210.0, bob.pk: 600.0, ALL_CONSULTANTS: 240.0}
    # Bob's own page: his counts only.
    mine, _read = read_tables(CallFilter(MARCH, consultant_id=bob.pk))
    assert mine == {bob.pk: 330.0, ALL_CONSULTANTS: 330.0}
    # Incoming only: TalkMonth has no direction, so from the journal (Alice's 240 out).
    incoming, read = read_tables(CallFilter(MARCH, direction=CallDirection.INBOUND))
    assert read == {CALLS_TABLE}
    assert incoming == {alice.pk: 180.0, bob.pk: 330.0, ALL_CONSULTANTS: 180.0}


def test_a_changed_call_takes_its_month_out_until_the_daily_job(march, alice, bob):
    rollup.refresh(until=MARCH.last_day)
    a4 = march.calls["A4"]
    a4.talk_seconds = 660
    a4.save()  # as the connector or the CDR sweep would
    assert not RolledMonth.objects.filter(day=date(2025, 3, 1)).exists()
    # Bob 600 660 → 630; all six: 120 180 240 | 300 600 660 → 270. From the journal.
    medians, read = read_tables(CallFilter(MARCH))
    assert read == {CALLS_TABLE}
    assert medians == {alice.pk: 210.0, bob.pk: 630.0, ALL_CONSULTANTS: 270.0}
    rollup.refresh(until=MARCH.last_day)
    assert TalkMonth.objects.filter(day=date(2025, 3, 1), consultant_id=bob.pk, talk_seconds=660)
    assert not TalkMonth.objects.filter(talk_seconds=60).exists()
    medians, read = read_tables(CallFilter(MARCH))
    assert read == {TalkMonth._meta.db_table}
    assert medians == {alice.pk: 210.0, bob.pk: 630.0, ALL_CONSULTANTS: 270.0}


def test_check_finds_a_wrong_count(march, alice):
    rollup.refresh(until=MARCH.last_day)
    assert rollup.check([date(2025, 3, 3)]) == []
    wrong = TalkMonth.objects.get(day=date(2025, 3, 1), consultant_id=alice.pk, talk_seconds=300)
    wrong.calls = 2
    wrong.save()
    assert rollup.check([date(2025, 3, 3)]) == [date(2025, 3, 1)]
    wrong.delete()
    assert rollup.check([date(2025, 3, 3)]) == [date(2025, 3, 1)]


@pytest.fixture
def dataset(db):
    build_topics()
    call_command("generate_demo_dataset", calls=3000, consultations=0, years=0.5, end=END)


def test_medians_equal_the_calls_medians_for_random_periods(dataset):
    rollup.refresh(until=END)
    rollup.mark_changed(date(2025, 4, 9))  # April from its days and the journal
    assert RolledMonth.objects.count() == 6
    consultants = list(
        Call.objects.exclude(consultant=None).values_list("consultant", flat=True).distinct()
    )
    rng = random.Random(36)
    read_months = read_days = 0
    for n in range(30):
        first = date(2024, 12, 20) + timedelta(days=rng.randrange(0, 180))
        last = min(END, first + timedelta(days=rng.choice([0, 2, 30, 45, 75, 120, 200])))
        narrowing = {"consultant_id": rng.choice(consultants)} if n % 3 == 1 else {}
        if n % 6 == 5:
            narrowing["direction"] = rng.choice(CallDirection.values)
        period = Period(first, last)
        medians, read = read_tables(CallFilter(period, **narrowing))
        read_months += TalkMonth._meta.db_table in read
        read_days += CALLS_TABLE in read
        assert medians == medians_of_the_calls(CallFilter(period, **narrowing)), (period, narrowing)
    # The periods mixed both: whole months counted, other days from the journal.
    assert read_months >= 8
    assert read_days >= 20
    # A period of whole months only, every consultant: no call read.
    quarter = Period(date(2025, 1, 1), date(2025, 3, 31))
    medians, read = read_tables(CallFilter(quarter))
    assert read == {TalkMonth._meta.db_table}
    assert medians == medians_of_the_calls(CallFilter(quarter))
