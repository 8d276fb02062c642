"""CSV and XLSX exports of the March tables, and the donors' export without personal data."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hotline_asterisk_connector.models import Disposition
from tests.reports.conftest import KYIVSTAR, TOLL_FREE

pytestmark = pytest.mark.django_db
MARCH_QUERY = {"date_from": "2025-03-01", "date_to": "2025-03-31"}


@pytest.fixture
def supervisor_client(client, carol):
    client.force_login(carol)
    return client


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response):
    return load_workbook(io.BytesIO(response.content))


def export(client, page: str, table: str, fmt: str, **query):
    url = reverse("hotline_reports:export_table", args=[page, table, fmt])
    return client.get(url, {**MARCH_QUERY, **query})


def test_summary_as_csv(supervisor_client, march):
    rows = read_csv(export(supervisor_client, "calls", "summary", "csv"))
    assert rows[0] == ["Показник", "Значення"]
    assert rows[1] == ["Вхідні дзвінки", "12"]
    values = {row[0]: row[1] for row in rows[1:]}
    assert values["Рівень сервісу: прийнято протягом 20 с, %"] == "30.0"
    assert values["Найдовше очікування, с"] == "60.0"
    assert values["Медіанна тривалість розмови, с"] == "210.0"


def test_per_consultant_as_xlsx_keeps_numbers(supervisor_client, march):
    response = export(supervisor_client, "calls", "per_consultant", "xlsx")
    assert response["Content-Disposition"].endswith('-20250301-20250331.xlsx"')
    sheet = read_xlsx(response).worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0]]
    alina = next(row for row in rows if row[0] == "Аліна")
    assert alina[1:5] == (3, 1, 1, 0)
    # 840 s of talk is an Excel duration (a fraction of a day) shown as h:mm:ss.
    assert alina[5] == timedelta(seconds=840)
    total = rows[-1]
    assert total[0] == "Усього" and total[1] == 5


def test_pivot_as_csv_with_totals(supervisor_client, march):
    rows = read_csv(
        export(
            supervisor_client,
            "consultations",
            "pivot",
            "csv",
            rows="gender",
            columns="caller_relation",
        )
    )
    assert rows[0][-1] == "Усього"
    assert rows[-1][0] == "Усього" and rows[-1][-1] == "11"
    # Self 9 and third party 2 (C4, C10).
    assert rows[-1][1:3] == ["9", "2"]


def test_every_table_of_a_page_in_one_workbook(supervisor_client, march):
    url = reverse("hotline_reports:export_page", args=["calls"])
    workbook = read_xlsx(supervisor_client.get(url, MARCH_QUERY))
    assert len(workbook.worksheets) == 6
    assert workbook.worksheets[0]["A1"].value == "Дзвінки"


def test_bad_filter_gets_a_message_not_a_crash(supervisor_client):
    url = reverse("hotline_reports:export_table", args=["calls", "summary", "csv"])
    response = supervisor_client.get(url, {"date_from": "2025-03-31", "date_to": "2025-03-01"})
    assert response.status_code == 400
    assert "Останній день раніше за перший." in response.content.decode()
    response = supervisor_client.get(url, {"date_from": "вчора"})
    assert response.status_code == 400
    assert reverse("hotline_reports:export_table", args=["calls", "nothing", "csv"])
    assert export(supervisor_client, "calls", "nothing", "csv").status_code == 404
    assert export(supervisor_client, "calls", "summary", "pdf").status_code == 404


def donors_rows(client, fmt: str):
    return client.get(reverse("hotline_reports:donors", args=[fmt]), MARCH_QUERY)


def test_donors_export_has_no_personal_data(supervisor_client, march, alice, bob):
    workbook = read_xlsx(donors_rows(supervisor_client, "xlsx"))
    text = "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    csv_text = donors_rows(supervisor_client, "csv").content.decode("utf-8-sig")
    for content in (text, csv_text):
        for name in ("Аліна", "Богдан", "alice", "bob", "Клієнтка"):
            assert name not in content
        for number in (TOLL_FREE, KYIVSTAR, "+38099", "+38050"):
            assert number not in content


def donor_sheets(client) -> dict[str, dict]:
    workbook = read_xlsx(donors_rows(client, "xlsx"))
    return {
        sheet.title: {
            row[0]: row[1]
            for row in sheet.iter_rows(values_only=True)
            if len(row) > 1 and row[1] is not None
        }
        for sheet in workbook.worksheets
    }


def near(published, true: int) -> bool:
    """A neighbouring multiple of 5, as the method promises."""
    return published % 5 == 0 and abs(published - true) < 5


def test_donors_export_rounds_every_count_and_keeps_the_sums(supervisor_client, march):
    sheets = donor_sheets(supervisor_client)
    assert "Консультант(-ка)" not in sheets and "Номер лінії" not in sheets
    calls = sheets["Дзвінки"]
    # True March figures: 12 received, 5 answered, 6 missed, 1 still in progress.
    assert near(calls["Вхідні дзвінки"], 12)
    assert near(calls["Прийнято вхідних дзвінків"], 5)
    assert near(calls["Пропущено вхідних дзвінків"], 6)
    assert near(calls["Вхідні дзвінки, що ще тривають"], 1)
    assert calls["Вхідні дзвінки"] == (
        calls["Прийнято вхідних дзвінків"]
        + calls["Пропущено вхідних дзвінків"]
        + calls["Вхідні дзвінки, що ще тривають"]
    )
    reasons = [value for label, value in calls.items() if str(label).startswith("Пропущено: ")]
    assert len(reasons) == len(Disposition.missed())
    assert sum(reasons) == calls["Пропущено вхідних дзвінків"]
    # A total talk time beside the average would give the number of calls back.
    assert "Тривалість розмов загалом" not in calls and "Середня тривалість розмови" in calls
    totals = set()
    for title in ("Вік", "Стать", "Хто звертається"):
        table = sheets[title]
        rows = {label: n for label, n in table.items() if isinstance(n, int) and label != title}
        total = rows.pop("Усього")
        assert all(n % 5 == 0 for n in rows.values())
        assert sum(rows.values()) == total
        totals.add(total)
    # The eleven forms: one published total, the same in every table of forms.
    (forms,) = totals
    assert near(forms, 11)
    ages = sheets["Вік"]
    assert near(ages["до 14"], 1) and ages["35–49"] == 0


def test_donors_shares_come_from_the_published_counts(supervisor_client, march):
    workbook = read_xlsx(donors_rows(supervisor_client, "xlsx"))
    rows = [row for row in workbook["Вік"].iter_rows(values_only=True) if len(row) > 2]
    total = next(row[1] for row in rows if row[0] == "Усього")
    shares = [(row[1], row[2]) for row in rows if isinstance(row[1], int) and row[0] != "Усього"]
    assert shares and all(share == pytest.approx(n / total, abs=0.001) for n, share in shares)


def test_donors_export_is_the_same_every_time(supervisor_client, march):
    assert donor_sheets(supervisor_client) == donor_sheets(supervisor_client)


def test_donors_export_explains_the_method_in_ukrainian(supervisor_client, march):
    workbook = read_xlsx(donors_rows(supervisor_client, "xlsx"))
    heading = [row[0] for row in workbook["Дзвінки"].iter_rows(max_row=8, values_only=True)]
    assert any("кратного 5" in str(line) for line in heading)
    assert any("від 1 до 9" in str(line) for line in heading)


def test_donors_csv_is_one_long_table(supervisor_client, march):
    rows = read_csv(donors_rows(supervisor_client, "csv"))
    header = rows.index(["Таблиця", "Рядок", "Стовпець", "Значення"])
    body = rows[header + 1 :]
    published = {(row[0], row[1], row[2]): row[3] for row in body}
    assert int(published[("Дзвінки", "Вхідні дзвінки", "Значення")]) in (10, 15)
    assert published[("Вік", "до 14", "Консультації")] in ("0", "5")
