"""The forms' daily roll-up: the consultations page and the donors' export read from it
give exactly what counting the forms gives, for random periods and every dimension and
pivot; a changed form, its topics, a call linked to it, another age band set or a
moved topic are never served stale."""

import random
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hotline_asterisk_connector.models import Call
from hotline_crm.models import Consultation, Topic
from hotline_reports import form_rollup
from hotline_reports.filters import ConsultationFilter
from hotline_reports.models import AgeBandSet, FormCell, RolledFormDay
from hotline_reports.periods import Period
from hotline_reports.pivots import DIMENSIONS, one_dimension_table, pivot_table
from tests.reports.conftest import build_topics

pytestmark = pytest.mark.django_db
END = date(2025, 6, 30)
FIRST = date(2025, 1, 1)
SRH = AgeBandSet.SRH
PIVOTS = [
    ("age_band", "topic_category"),  # the page's default
    ("topic_category", "age_band"),
    ("topic_category", "topic"),
    ("topic", "topic_category"),
    ("gender", "oblast"),
    ("consultant", "topic"),
    ("dialled_number", "settlement_type"),
    ("caller_relation", "topic_category"),
]


@pytest.fixture
def dataset(db):
    _categories, topics = build_topics()
    call_command("generate_demo_dataset", calls=800, consultations=400, years=0.5, end=END)
    # Two topics of one category on some forms: the category counts such a form once.
    for form in Consultation.objects.order_by("pk")[:40:3]:
        form.topics.set([topics["ec"], topics["choice"]])
    return topics


def page(consultation_filter: ConsultationFilter, band_set: str = SRH) -> dict:
    found = {}
    for key, dimension in DIMENSIONS.items():
        table = one_dimension_table(consultation_filter, dimension, band_set)
        found[key] = (table.rows, table.total)
    for rows, columns in PIVOTS:
        table = pivot_table(consultation_filter, DIMENSIONS[rows], DIMENSIONS[columns], band_set)
        found[(rows, columns)] = ([list(map(str, c)) for c in [table.columns]], table.rows)
    return found


def from_forms(period: Period, band_set: str = SRH) -> dict:
    """The same tables with no day rolled up: everything counted from the forms."""
    kept = list(RolledFormDay.objects.all())
    RolledFormDay.objects.all().delete()
    try:
        return page(ConsultationFilter(period), band_set)
    finally:
        RolledFormDay.objects.bulk_create(kept)


def random_periods(rng: random.Random, count: int) -> list[Period]:
    periods = []
    for _n in range(count):
        first = FIRST + timedelta(days=rng.randrange(0, 175))
        last = min(END, first + timedelta(days=rng.choice([0, 1, 6, 30, 92, 200])))
        periods.append(Period(first, last))
    return periods


def test_roll_up_equals_the_forms_for_random_periods(dataset):
    assert form_rollup.refresh(until=END) > 150
    # A few days left out (as if changed since): those are counted from the forms.
    RolledFormDay.objects.filter(day__in=[date(2025, 2, 3), date(2025, 5, 17)]).delete()
    for period in [*random_periods(random.Random(16), 10), Period(FIRST, END)]:
        assert page(ConsultationFilter(period)) == from_forms(period), period
    assert form_rollup.check(RolledFormDay.objects.values_list("day", flat=True)) == []


def test_a_rolled_up_half_year_reads_no_form(dataset):
    form_rollup.refresh(until=END)
    half_year = ConsultationFilter(Period(FIRST, END))
    with CaptureQueriesContext(connection) as queries:
        page(half_year)
    forms_table = Consultation._meta.db_table
    assert not [q for q in queries if f'FROM "{forms_table}"' in q["sql"]]
    # The page's nine tables share one query; each pivot reads its own pair.
    cells = [q for q in queries if FormCell._meta.db_table in q["sql"]]
    assert len(cells) == 1 + len(PIVOTS)


def test_a_filtered_page_counts_the_forms(dataset):
    form_rollup.refresh(until=END)
    topic = Topic.objects.get(code="emergency-contraception")
    narrowed = ConsultationFilter(Period(FIRST, END), topic_id=topic.pk)
    assert not form_rollup.usable(narrowed, ["age_band"])
    with CaptureQueriesContext(connection) as queries:
        filtered = page(narrowed)
    assert not [q for q in queries if FormCell._meta.db_table in q["sql"]]
    everyone = page(ConsultationFilter(Period(FIRST, END)))
    assert 0 < filtered["topic"][1][1] < everyone["topic"][1][1]


def own_tables(consultation_filter: ConsultationFilter) -> dict:
    """The tables of a consultant's own page (every dimension but the consultant)."""
    found = {}
    for key, dimension in DIMENSIONS.items():
        if key != "consultant":
            table = one_dimension_table(consultation_filter, dimension, SRH)
            found[key] = (table.rows, table.total)
    return found


def test_a_consultants_own_tables_equal_their_forms_for_random_periods(dataset):
    form_rollup.refresh(until=END)
    RolledFormDay.objects.filter(day__in=[date(2025, 2, 3), date(2025, 5, 17)]).delete()
    consultants = sorted(set(Consultation.objects.values_list("consultant_id", flat=True)))
    rng = random.Random(13)
    for period in [*random_periods(rng, 8), Period(FIRST, END)]:
        consultant_id = rng.choice(consultants)
        mine = ConsultationFilter(period, consultant_id=consultant_id)
        assert form_rollup.usable(mine, ["topic"])
        kept = list(RolledFormDay.objects.all())
        RolledFormDay.objects.all().delete()
        try:
            counted = own_tables(ConsultationFilter(period, consultant_id=consultant_id))
        finally:
            RolledFormDay.objects.bulk_create(kept)
        assert own_tables(mine) == counted, mine
    # Someone else's forms are not theirs: the half year differs from everyone's.
    everyone = own_tables(ConsultationFilter(Period(FIRST, END)))
    theirs = own_tables(ConsultationFilter(Period(FIRST, END), consultant_id=consultants[0]))
    assert 0 < theirs["gender"][1][1] < everyone["gender"][1][1]


def test_a_consultants_rolled_up_half_year_reads_no_form(dataset):
    form_rollup.refresh(until=END)
    consultant_id = Consultation.objects.values_list("consultant_id", flat=True).first()
    mine = ConsultationFilter(Period(FIRST, END), consultant_id=consultant_id)
    with CaptureQueriesContext(connection) as queries:
        own_tables(mine)
    forms_table = Consultation._meta.db_table
    assert not [q for q in queries if f'FROM "{forms_table}"' in q["sql"]]
    # A pivot of one consultant's forms has no cells of its own: counted from the forms.
    assert not form_rollup.usable(mine, ["age_band", "topic"])


def _rolled_day_of_a_form(predicate=None) -> tuple[Consultation, date]:
    forms = Consultation.objects.filter(created_at__date__gt=date(2025, 3, 3)).order_by("pk")
    form = next(f for f in forms if predicate is None or predicate(f))
    day = form_rollup.local_day(form.created_at)
    assert RolledFormDay.objects.filter(day=day).exists()
    return form, day


def test_a_changed_form_takes_its_day_out_until_the_daily_job(dataset):
    form_rollup.refresh(until=END)
    form, day = _rolled_day_of_a_form()
    month = Period(day.replace(day=1), day.replace(day=28))
    before = page(ConsultationFilter(month))
    form.snapshot_gender = "male" if form.snapshot_gender != "male" else "female"
    form.save()
    assert not RolledFormDay.objects.filter(day=day).exists()
    after = page(ConsultationFilter(month))
    assert after != before
    assert after == from_forms(month)
    assert form_rollup.refresh(until=END) == 1
    assert page(ConsultationFilter(month)) == after


def test_changed_topics_take_the_day_out(dataset):
    form_rollup.refresh(until=END)
    form, day = _rolled_day_of_a_form()
    form.topics.set([dataset["assault"], dataset["abuse"]])
    assert not RolledFormDay.objects.filter(day=day).exists()
    form_rollup.refresh(until=END)
    form, day = _rolled_day_of_a_form()
    form.topics.clear()
    assert not RolledFormDay.objects.filter(day=day).exists()
    week = Period(day - timedelta(days=3), day + timedelta(days=3))
    assert page(ConsultationFilter(week)) == from_forms(week)


def test_a_call_linked_to_a_form_takes_the_forms_day_out(dataset):
    form_rollup.refresh(until=END)
    call = Call.objects.filter(consultation__isnull=False).order_by("-started_at").first()
    day = form_rollup.local_day(call.consultation.created_at)
    assert RolledFormDay.objects.filter(day=day).exists()
    call.dialled_number = "0800000000"  # the form's line number changes with it
    call.save()
    assert not RolledFormDay.objects.filter(day=day).exists()
    assert page(ConsultationFilter(Period.day(day))) == from_forms(Period.day(day))


def test_another_band_set_or_a_moved_topic_is_never_answered_from_the_old_roll_up(dataset):
    form_rollup.refresh(until=END)
    quarter = Period(date(2025, 4, 1), END)
    unhcr = page(ConsultationFilter(quarter), AgeBandSet.UNHCR)
    assert unhcr == from_forms(quarter, AgeBandSet.UNHCR)
    assert form_rollup.refresh(AgeBandSet.UNHCR, until=END) > 150
    assert page(ConsultationFilter(quarter), AgeBandSet.UNHCR) == unhcr
    topic = dataset["ec"]
    topic.category = dataset["assault"].category
    topic.save()
    assert not RolledFormDay.objects.exists()
    assert page(ConsultationFilter(quarter)) == from_forms(quarter)


def test_check_reports_a_day_that_differs(dataset):
    form_rollup.refresh(until=END)
    wrong = FormCell.objects.filter(day=date(2025, 4, 2), column_key="").first()
    wrong.forms += 1
    wrong.save()
    assert form_rollup.check([date(2025, 4, 1), date(2025, 4, 2)]) == [date(2025, 4, 2)]
    with pytest.raises(CommandError, match="differ from the forms"):
        call_command("rollup_calls", check=0)


def test_a_call_without_a_form_costs_the_forms_roll_up_no_query(db):
    from django.utils import timezone

    call = Call.objects.create(linkedid="f.1", uniqueid="f.1", started_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        form_rollup.on_call_saved(Call, call)
    assert len(queries) == 0
