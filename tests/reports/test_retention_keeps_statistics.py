"""Retention removes everything personal and no report changes by a single figure: every
page's tables, the donors' export and the daily roll-up, before and after, on the
hand-made March of the report tests."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.test import Client as Browser
from django.urls import reverse
from openpyxl import load_workbook

from hotline_admin.models import MaintenanceSettings
from hotline_admin.retention import apply_retention
from hotline_asterisk_connector.models import Call
from hotline_crm.models import Client, ClientPhone, Consultation
from hotline_reports import rollup
from hotline_reports.models import CallDay, RolledDay
from hotline_workspace.models import WorklistItem

pytestmark = pytest.mark.django_db
MARCH_QUERY = {"date_from": "2025-03-01", "date_to": "2025-03-31"}
# Past every default period for March 2025: 36 months of cards, 90 days of audio.
LATER = datetime(2028, 6, 1, 12, 0, tzinfo=UTC)
MARCH_START = datetime(2025, 3, 1, 0, 0, tzinfo=UTC)
MADE_ON = "Складено "
PIVOTS = [("gender", "caller_relation"), ("age_band", "topic"), ("oblast", "settlement_type")]


def browser_for(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def statistics_only(rows: list) -> list:
    """The rows without the one saying when the file was made («Складено …»), which
    is not a figure and moves on when the two exports straddle a minute."""
    return [row for row in rows if not (row and str(row[0] or "").startswith(MADE_ON))]


def workbook_values(response) -> list[list[tuple]]:
    assert response.status_code == 200, response.content[:300]
    book = load_workbook(io.BytesIO(response.content))
    return [statistics_only(list(sheet.iter_rows(values_only=True))) for sheet in book.worksheets]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    return statistics_only(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))))


def every_report(supervisor, consultant) -> dict:
    boss, own = browser_for(supervisor), browser_for(consultant)
    found = {
        page: workbook_values(
            boss.get(reverse("hotline_reports:export_page", args=[page]), MARCH_QUERY)
        )
        for page in ("calls", "consultations")
    }
    found["me"] = workbook_values(
        own.get(reverse("hotline_reports:export_page", args=["me"]), MARCH_QUERY)
    )
    for rows, columns in PIVOTS:
        url = reverse("hotline_reports:export_table", args=["consultations", "pivot", "csv"])
        found[f"pivot {rows}×{columns}"] = csv_rows(
            boss.get(url, {**MARCH_QUERY, "rows": rows, "columns": columns})
        )
    found["donors csv"] = csv_rows(
        boss.get(reverse("hotline_reports:donors", args=["csv"]), MARCH_QUERY)
    )
    found["donors xlsx"] = workbook_values(
        boss.get(reverse("hotline_reports:donors", args=["xlsx"]), MARCH_QUERY)
    )
    return found


def rolled_up() -> tuple[list, list]:
    days = sorted(CallDay.objects.values_list(), key=repr)
    marks = sorted(RolledDay.objects.values_list("day", "threshold"))
    return days, marks


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    """Retention deletes files: only in this test's own directories."""
    for name in ("RECORDINGS_DIR", "VOICEMAIL_DIR", "PROMPTS_DIR", "BACKUP_DIR"):
        (tmp_path / name).mkdir()
        setattr(settings, name, tmp_path / name)
    settings.HOTLINE_ASTERISK_DIR = tmp_path / "asterisk"


def test_every_report_is_identical_after_retention(march, alice, carol):
    # The cards date from the March they describe, not from the test's own day.
    Client.objects.update(created_at=MARCH_START, last_contact_at=MARCH_START)
    rollup.refresh(until=date(2025, 3, 31))
    reports_before = every_report(carol, alice)
    rolled_before = rolled_up()
    assert rolled_before[0], "the roll-up holds March"
    assert Client.objects.exclude(name="").exists()
    assert Call.objects.exclude(caller_number="").exists()
    policy = MaintenanceSettings.load()
    assert (policy.recordings_keep_days, policy.client_data_keep_months) == (90, 36)

    result = apply_retention(LATER)

    # Everything personal went: retention did run, on the defaults.
    assert result.clients_anonymised == Client.objects.count() > 0
    assert not Client.objects.exclude(name="", notes="").exists()
    assert not ClientPhone.objects.exists()
    assert not Consultation.objects.exclude(summary="", action_taken="").exists()
    assert not Call.objects.exclude(
        caller_number="", caller_number_raw="", callee_number=""
    ).exists()
    assert not WorklistItem.objects.exclude(caller_number="").exists()
    assert not WorklistItem.objects.exclude(number_to_call="").exists()
    # ...and not one figure moved, in any report or in the roll-up.
    assert rolled_up() == rolled_before
    assert rollup.check(CallDay.objects.values_list("day", flat=True).distinct()) == []
    after = every_report(carol, alice)
    for name, before in reports_before.items():
        assert after[name] == before, name
