"""A report table: what the page shows, the charts draw and the exports write."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise


class Kind:
    """How a column's values are shown; exports keep the raw number."""

    TEXT = "text"
    COUNT = "count"
    SECONDS = "seconds"
    PERCENT = "percent"


@dataclass(frozen=True)
class Column:
    label: str | Promise
    kind: str = Kind.COUNT


@dataclass
class Table:
    key: str
    title: str | Promise
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None
    note: str | Promise = ""
    # For a list of measures (one label and one value a row): each row's kind.
    row_kinds: list[str] | None = None

    def kind_of(self, row_index: int, column_index: int) -> str:
        kind = self.columns[column_index].kind
        if self.row_kinds is not None and kind != Kind.TEXT:
            return self.row_kinds[row_index]
        return kind

    def display_rows(self) -> list[list[str]]:
        return [
            [format_cell(value, self.kind_of(r, c)) for c, value in enumerate(row)]
            for r, row in enumerate(self.rows)
        ]

    def display_total(self) -> list[str] | None:
        if self.total is None:
            return None
        return [format_cell(v, self.columns[c].kind) for c, v in enumerate(self.total)]


def percent(part: int | None, whole: int | None) -> float | None:
    """part/whole as a percentage, or None when there is nothing to divide by."""
    if not whole:
        return None
    return round(100 * (part or 0) / whole, 1)


def seconds(value: float | timedelta | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return round(value.total_seconds(), 1)
    return round(float(value), 1)


def format_seconds(value: float | None) -> str:
    """12:05 for minutes and seconds, 1:02:05 past an hour."""
    if value is None:
        return "—"
    total = round(value)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def format_cell(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == Kind.SECONDS:
        return format_seconds(value)
    if kind == Kind.PERCENT:
        return f"{number_format(value, decimal_pos=1, use_l10n=True)} %"
    if kind == Kind.COUNT and isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    return str(value)
