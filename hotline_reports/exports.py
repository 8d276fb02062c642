"""Tables to CSV and XLSX (the donors' export, rounded, is donors.py)."""

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from hotline import spreadsheets
from hotline_audit.trail import Kind as AuditKind
from hotline_audit.trail import record
from hotline_reports.periods import Period
from hotline_reports.tables import Kind, Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(table: Table) -> list[str]:
    """Column labels, with the unit of raw numbers where the page shows minutes."""
    labels = []
    for column in table.columns:
        label = str(column.label)
        if column.kind == Kind.SECONDS:
            label = _("%(label)s, s") % {"label": label}
        elif column.kind == Kind.PERCENT:
            label = f"{label}, %"
        labels.append(label)
    return labels


def _raw_rows(table: Table) -> list[list[Any]]:
    """Rows and the total row as plain values; a measure in seconds says so in its label."""
    rows = []
    for index, row in enumerate(table.rows):
        cells = [_plain(cell) for cell in row]
        kind = table.row_kinds[index] if table.row_kinds else None
        if kind == Kind.SECONDS:
            cells[0] = _("%(label)s, s") % {"label": cells[0]}
        elif kind == Kind.PERCENT:
            cells[0] = f"{cells[0]}, %"
        rows.append(cells)
    if table.total is not None:
        rows.append([_plain(cell) for cell in table.total])
    return rows


def _plain(value: Any) -> Any:
    """Lazy translations become the text of the active language."""
    return str(value) if isinstance(value, Promise) else value


def csv_response(table: Table, filename: str) -> HttpResponse:
    record(AuditKind.EXPORT, detail=filename)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    # A byte-order mark so that Excel reads the Cyrillic right.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([spreadsheets.csv_cell(label) for label in _header(table)])
    for row in _raw_rows(table):
        writer.writerow(["" if cell is None else spreadsheets.csv_cell(cell) for cell in row])
    return response


def _sheet_title(title: str, used: set[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "Sheet"
    candidate, number = name, 2
    while candidate.casefold() in used:
        candidate, number = f"{name[:25]} {number}", number + 1
    used.add(candidate.casefold())
    return candidate


def _write_sheet(workbook: Workbook, table: Table, heading: list[str], used: set[str]) -> None:
    sheet = workbook.create_sheet(_sheet_title(str(table.title), used))
    bold = Font(bold=True)
    for line in [str(table.title), *heading]:
        sheet.append([line])
    sheet.cell(row=1, column=1).font = bold
    if table.note:
        sheet.append([str(table.note)])
    sheet.append([])
    sheet.append([str(column.label) for column in table.columns])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    rows = [list(row) for row in table.rows]
    kinds = [[table.kind_of(r, c) for c in range(len(table.columns))] for r in range(len(rows))]
    if table.total is not None:
        rows.append(list(table.total))
        kinds.append([column.kind for column in table.columns])
    for row, row_kinds in zip(rows, kinds, strict=True):
        sheet.append([_xlsx_value(value, kind) for value, kind in zip(row, row_kinds, strict=True)])
        for cell, kind in zip(sheet[sheet.max_row], row_kinds, strict=True):
            if kind == Kind.SECONDS and isinstance(cell.value, float):
                cell.number_format = "[h]:mm:ss"
            elif kind == Kind.PERCENT and isinstance(cell.value, float):
                cell.number_format = "0.0%"
    if table.total is not None:
        for cell in sheet[sheet.max_row]:
            cell.font = bold
    for row_cells in sheet.iter_rows():
        for cell in row_cells:
            spreadsheets.protect_xlsx_cell(cell)
    sheet.column_dimensions["A"].width = 42
    for index in range(2, len(table.columns) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 16


def _xlsx_value(value: Any, kind: str) -> Any:
    """Seconds become Excel durations and percentages fractions, so they stay numbers."""
    if value is None:
        return None
    if isinstance(value, str | Promise):
        return str(value)
    if kind == Kind.SECONDS:
        return float(value) / 86400
    if kind == Kind.PERCENT:
        return float(value) / 100
    if kind == Kind.TEXT:
        return str(value)
    return value


def workbook_response(tables: Iterable[Table], heading: list[str], filename: str) -> HttpResponse:
    record(AuditKind.EXPORT, detail=filename)
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        _write_sheet(workbook, table, heading, used)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def period_heading(period: Period) -> list[str]:
    return [
        _("Period: %(first)s – %(last)s")
        % {"first": date_format(period.first_day), "last": date_format(period.last_day)},
        _("Made on %(when)s") % {"when": date_format(timezone.localtime(), "DATETIME_FORMAT")},
    ]
