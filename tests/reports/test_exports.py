"""CSV and XLSX exports of the March tables, and the donors' export without personal data."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hotline_asterisk_connector.models import Disposition
from hotline_reports.exports import suppress_small_counts
from hotline_reports.tables import Column, Kind, Table
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


def test_small_counts_and_the_one_that_would_give_them_away():
    table = Table(
        key="t",
        title="t",
        columns=[Column("name", Kind.TEXT), Column("n"), Column("share", Kind.PERCENT)],
        rows=[["a", 10, 50.0], ["b", 3, 15.0], ["c", 7, 35.0], ["d", 0, 0.0]],
        total=["total", 20, None],
    )
    hidden = suppress_small_counts(table, complementary=True)
    # b is small; with the total 20, b = 20 - 10 - 7, so c (the next smallest) is hidden too.
    assert [row[1] for row in hidden.rows] == [10, "<5", "x", 0]
    assert hidden.total[1] == 20
    assert [row[1] for row in suppress_small_counts(table, complementary=False).rows] == [
        10,
        "<5",
        7,
        0,
    ]
    two_small = Table("t", "t", table.columns, [["a", 4, None], ["b", 1, None]], ["t", 5, None])
    assert [row[1] for row in suppress_small_counts(two_small, complementary=True).rows] == [
        "<5",
        "<5",
    ]


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
        assert "<5" in content


def test_donors_export_suppresses_small_counts(supervisor_client, march):
    workbook = read_xlsx(donors_rows(supervisor_client, "xlsx"))
    sheets = {sheet.title: sheet for sheet in workbook.worksheets}
    assert "Консультант(-ка)" not in sheets and "Номер лінії" not in sheets

    def cells(title: str) -> dict:
        rows = sheets[title].iter_rows(values_only=True)
        return {row[0]: row[1] for row in rows if len(row) > 1 and row[1] is not None}

    calls = cells("Дзвінки")
    assert calls["Вхідні дзвінки"] == 12
    assert calls["Прийнято вхідних дзвінків"] == 5
    assert calls["Пропущено: " + str(Disposition.ABANDONED.label)] == "<5"
    assert calls["Вхідні дзвінки, що ще тривають"] == "<5"
    assert calls["Рівень сервісу: прийнято протягом 20 с"] == pytest.approx(0.30)
    relation = cells("Хто звертається")
    # Self 9, third party 2: the 2 is "<5" and the 9 would give it away from the total 11.
    assert list(relation.values()) == ["Консультації", "x", "<5", 11]
    ages = cells("Вік")
    assert ages["до 14"] == "<5" and ages["35–49"] == 0 and ages["Усього"] == 11
    assert "Частка" not in [cell.value for cell in sheets["Вік"][5]]


def test_donors_csv_is_one_long_table(supervisor_client, march):
    rows = read_csv(donors_rows(supervisor_client, "csv"))
    header = rows.index(["Таблиця", "Рядок", "Стовпець", "Значення"])
    body = rows[header + 1 :]
    assert ["Дзвінки", "Вхідні дзвінки", "Значення", "12"] in body
    assert ["Вік", "до 14", "Консультації", "<5"] in body
