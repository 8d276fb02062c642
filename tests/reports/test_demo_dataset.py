"""The benchmark's data set generator: exact sizes, rows that hang together, reports that add up."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from hotline_asterisk_connector.models import Call, CallLeg, Disposition
from hotline_crm.models import Consultation
from hotline_reports.call_stats import call_totals, per_consultant_table
from hotline_reports.filters import CallFilter
from hotline_reports.models import ReportSettings
from hotline_reports.periods import Period, local_zone
from hotline_workspace.models import Kind, WorklistItem
from tests.reports.conftest import build_topics

pytestmark = pytest.mark.django_db
END = date(2025, 6, 30)


@pytest.fixture
def dataset(db):
    # The seeded topics, even after a transactional test's flush removed them.
    build_topics()
    call_command("generate_demo_dataset", calls=3000, consultations=800, years=0.5, end=END)


def test_sizes_and_links(dataset):
    assert Call.objects.count() == 3000
    assert Consultation.objects.count() == 800
    # Forms hang on answered calls of the same consultant, each call at most one form.
    linked = Call.objects.filter(consultation__isnull=False)
    assert linked.exclude(disposition=Disposition.ANSWERED).count() == 0
    assert linked.exclude(consultation__consultant=F("consultant")).count() == 0
    assert Consultation.objects.filter(topics__isnull=True).count() == 0
    # Every voicemail and callback request belongs to a call with that outcome.
    assert (
        WorklistItem.objects.filter(kind=Kind.VOICEMAIL)
        .exclude(call__disposition=Disposition.VOICEMAIL)
        .count()
        == 0
    )
    assert (
        WorklistItem.objects.filter(kind=Kind.CALLBACK)
        .exclude(call__disposition=Disposition.CALLBACK_REQUESTED)
        .count()
        == 0
    )
    assert CallLeg.objects.filter(answered_at__isnull=False).count() == linked.count() + (
        Call.objects.filter(disposition=Disposition.ANSWERED, consultation__isnull=True).count()
    )


def test_calls_stay_in_the_asked_period(dataset):
    first = min(Call.objects.values_list("started_at", flat=True)).astimezone(local_zone())
    last = max(Call.objects.values_list("started_at", flat=True)).astimezone(local_zone())
    assert first.date() >= END - timedelta(days=183)
    assert last.date() <= END


def test_reports_on_the_data_set_add_up(dataset):
    period = Period(END - timedelta(days=200), END)
    totals = call_totals(CallFilter(period), threshold=20)
    assert totals["received"] + totals["outgoing"] == 3000
    assert totals["received"] == totals["answered"] + totals["missed"] + totals["in_progress"]
    table = per_consultant_table(CallFilter(period), ReportSettings.load())
    assert sum(row[1] for row in table.rows) == table.total[1] == totals["answered"]


def test_refuses_a_database_that_has_calls(dataset):
    with pytest.raises(CommandError, match="already holds calls"):
        call_command("generate_demo_dataset", calls=10, consultations=1)
