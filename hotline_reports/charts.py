"""Charts drawn on the server as SVG: printable, readable without JavaScript.

Only geometry is computed here; templates/hotline_reports/_chart.html draws
it. Every chart sits next to the table it comes from, which stays the
accessible and exact version of the same numbers.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from hotline_reports.tables import Table

WIDTH = 720
HEIGHT = 240
MARGIN_LEFT = 44
MARGIN_BOTTOM = 28
MARGIN_TOP = 10
MARGIN_RIGHT = 16
BAR_HEIGHT = 18
BAR_GAP = 8
LABEL_WIDTH = 260


@dataclass(frozen=True)
class Series:
    name: str | Promise
    css: str  # a class of reports.css: answered, missed, outgoing, neutral
    column: int  # the table column holding its values


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass
class Chart:
    title: str | Promise
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    grid: list[float] = field(default_factory=list)  # y of horizontal grid lines
    legend: list[Series] = field(default_factory=list)
    plot_left: float = MARGIN_LEFT
    plot_right: float = WIDTH


def nice_maximum(value: float) -> int:
    """A round axis maximum at or above `value`: 1, 2, 5, 10, 20, 50…"""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def stacked_columns(
    table: Table, title: Any, series: list[Series], label: Callable[[str], str] | None = None
) -> Chart:
    """One column a table row, the series stacked; at most ~16 x labels shown."""
    label = label or _short
    rows = table.rows
    totals = [sum(row[s.column] or 0 for s in series) for row in rows]
    top = nice_maximum(max(totals, default=0))
    bottom = HEIGHT - MARGIN_BOTTOM
    plot_height = bottom - MARGIN_TOP
    slot = (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / max(len(rows), 1)
    bar = max(slot * 0.75, 1)
    chart = Chart(
        title=title, width=WIDTH, height=HEIGHT, legend=series, plot_right=WIDTH - MARGIN_RIGHT
    )
    for part in range(5):
        y = bottom - plot_height * part / 4
        chart.grid.append(y)
        chart.texts.append(Text(MARGIN_LEFT - 6, y + 4, str(round(top * part / 4)), "end"))
    every = max(1, -(-len(rows) // 16))
    for index, row in enumerate(rows):
        x = MARGIN_LEFT + index * slot
        base = bottom
        for s in series:
            value = row[s.column] or 0
            if value:
                height = plot_height * value / top
                base -= height
                title_text = f"{row[0]} · {s.name}: {value}"
                chart.rects.append(Rect(x + (slot - bar) / 2, base, bar, height, s.css, title_text))
        if index % every == 0:
            chart.texts.append(Text(x + slot / 2, HEIGHT - 10, label(str(row[0]))))
    return chart


def horizontal_bars(table: Table, title: Any, column: int, css: str, limit: int = 15) -> Chart:
    """The largest `limit` rows of a table as horizontal bars, largest first."""
    rows = sorted(
        (row for row in table.rows if row[column]), key=lambda row: row[column], reverse=True
    )[:limit]
    height = MARGIN_TOP * 2 + max(len(rows), 1) * (BAR_HEIGHT + BAR_GAP)
    top = nice_maximum(max((row[column] for row in rows), default=0))
    plot_width = WIDTH - LABEL_WIDTH - 60
    chart = Chart(
        title=title,
        width=WIDTH,
        height=height,
        plot_left=LABEL_WIDTH,
        plot_right=LABEL_WIDTH + plot_width,
    )
    for index, row in enumerate(rows):
        y = MARGIN_TOP + index * (BAR_HEIGHT + BAR_GAP)
        width = plot_width * row[column] / top
        value = str(row[column])
        chart.rects.append(Rect(LABEL_WIDTH, y, width, BAR_HEIGHT, css, f"{row[0]}: {value}"))
        baseline = y + BAR_HEIGHT * 0.75
        chart.texts.append(Text(LABEL_WIDTH - 8, baseline, _short(str(row[0]), 36), "end"))
        chart.texts.append(Text(LABEL_WIDTH + width + 6, baseline, value, "start"))
    return chart


def _short(label: str, limit: int = 12) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
