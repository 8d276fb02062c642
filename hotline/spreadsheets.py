"""Cells that a spreadsheet must show as text, never run as a formula.

A name, a settlement or a topic typed into the CRM may start with `=`, `+`,
`-` or `@` (or a tab or carriage return, which some programs skip before
looking); opened in Excel or LibreOffice, such a cell of an export would be a
formula: `=HYPERLINK(...)` sends data away, `=cmd|...` runs programs (CSV or
formula injection). Numbers stay numbers: -3 is a count, not a formula.
"""

from typing import Any

from openpyxl.cell.cell import Cell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(TRIGGERS)


def csv_cell(value: Any) -> Any:
    """CSV has no types: a leading apostrophe is what spreadsheets take as "text"."""
    return f"'{value}" if is_risky(value) else value


def protect_xlsx_cell(cell: Cell) -> None:
    """Store the text as text (openpyxl would write `=...` as a formula) and mark
    it quote-prefixed, so editing it in Excel keeps it text too."""
    if is_risky(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
