"""The donors' export: whole-line figures, every count rounded so that none can be
worked back to a person (donor_rounding.py; the method in docs/reports.md).

The supervisors' pages and their exports stay exact: only this export rounds.
Percentages are computed from the published counts, never from the true ones,
and no figure is published that would give a count back (a total talk time
beside the average talk time is the number of calls talked).
"""

import csv
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from hotline import spreadsheets
from hotline_asterisk_connector.models import Disposition
from hotline_audit.trail import Kind as AuditKind
from hotline_audit.trail import record
from hotline_reports.call_stats import (
    call_totals,
    measures_table,
    worklist_measures,
    worklist_totals,
)
from hotline_reports.donor_rounding import Node, Rounder
from hotline_reports.filters import CallFilter, ConsultationFilter
from hotline_reports.models import ReportSettings
from hotline_reports.periods import Period
from hotline_reports.pivots import DIMENSIONS, Dimension, _counts_of, _normalise, _visible
from hotline_reports.tables import Column, Kind, Table, percent, seconds

# The key every table of forms shares: their one published total.
FORMS = "forms"


def calls_trees(t: dict[str, Any]) -> list[Node]:
    """How the call counts split each other (call_stats.py's definitions)."""
    received = Node(
        "received",
        t["received"],
        [
            Node("answered", t["answered"]),
            Node(
                "missed",
                t["missed"],
                [Node(f"missed:{r}", t[f"missed_{r}"]) for r in Disposition.missed()],
            ),
            Node("in_progress", t["in_progress"]),
        ],
    )
    outgoing = Node(
        "outgoing",
        t["outgoing"],
        [
            Node("outgoing_answered", t["outgoing_answered"]),
            Node("outgoing_not_answered", t["outgoing_not_answered"]),
        ],
    )
    # Each only bounded by the others (at most the calls received, …): rounded alone.
    alone = [Node(key, t[key]) for key in ("offered", "answered_in_time", "abandoned")]
    return [received, outgoing, *alone]


def round_calls(t: dict[str, Any], rounder: Rounder) -> dict[str, int]:
    published: dict[str, int] = {}
    for tree in calls_trees(t):
        published.update(rounder.tree(tree))
    return published


def round_forms_table(
    cells: list[tuple[str, int]], forms: int, multi_valued: bool, rounder: Rounder
) -> tuple[list[int], int]:
    """A table of forms' published rows and its total, the forms' one published count."""
    total = rounder.single(FORMS, forms)
    if multi_valued:
        # A form about several topics counts under each: no sum to control.
        return [rounder.single(key, n) for key, n in cells], total
    # Each form has one value here: the rows split the forms' one published total.
    return rounder.split(cells, total), total


def _calls_table(calls: CallFilter, report_settings: ReportSettings, rounder: Rounder) -> Table:
    threshold = report_settings.service_level_seconds
    t = call_totals(calls, threshold)
    reasons = Disposition.missed()
    p = round_calls(t, rounder)
    measures = [
        (_("Incoming calls"), p["received"], Kind.COUNT),
        (_("Incoming calls answered"), p["answered"], Kind.COUNT),
        (_("Incoming calls missed"), p["missed"], Kind.COUNT),
        *(
            (
                _("Missed: %(reason)s") % {"reason": Disposition(r).label},
                p[f"missed:{r}"],
                Kind.COUNT,
            )
            for r in reasons
        ),
        (_("Incoming calls still in progress"), p["in_progress"], Kind.COUNT),
        (_("Outgoing calls"), p["outgoing"], Kind.COUNT),
        (_("Outgoing calls answered"), p["outgoing_answered"], Kind.COUNT),
        (_("Outgoing calls not answered"), p["outgoing_not_answered"], Kind.COUNT),
        (_("Incoming calls that reached the queue"), p["offered"], Kind.COUNT),
        (
            _("Service level: answered within %(seconds)s s") % {"seconds": threshold},
            percent(min(p["answered_in_time"], p["offered"]), p["offered"]),
            Kind.PERCENT,
        ),
        (
            _("Abandonment rate"),
            percent(min(p["abandoned"], p["offered"]), p["offered"]),
            Kind.PERCENT,
        ),
        (_("Average wait"), seconds(t["wait_avg"]), Kind.SECONDS),
        (_("Longest wait"), seconds(t["wait_max"]), Kind.SECONDS),
        (_("Average wait before an answer"), seconds(t["answer_wait_avg"]), Kind.SECONDS),
        (_("Average talk time"), seconds(t["talk_avg"]), Kind.SECONDS),
        (_("Median talk time"), seconds(t["talk_median"]), Kind.SECONDS),
    ]
    return measures_table("summary", _("Calls"), measures)


def _worklist_table(calls: CallFilter, rounder: Rounder) -> Table:
    w = worklist_totals(calls)
    p: dict[str, int] = {}
    for prefix in ("voicemail", "callback"):
        states = [Node(f"{prefix}_{s}", w[f"{prefix}_{s}"]) for s in ("done", "taken", "waiting")]
        rest = w[f"{prefix}_received"] - sum(state.value for state in states)
        # Every status is listed today; one added later still adds up, unpublished.
        states.append(Node(f"{prefix}_other", rest))
        p.update(rounder.tree(Node(f"{prefix}_received", w[f"{prefix}_received"], states)))
    return worklist_measures(p, w)


def _dimension_cells(
    forms: ConsultationFilter, dimension: Dimension, band_set: str
) -> list[tuple[str, str, int]]:
    """(key, label, true count) of each row the supervisors' table shows; the key
    names the value, not its label, so that a language never changes a draw."""
    found = _counts_of(forms, dimension, band_set)
    labels = dimension.labels([key[0] for key in found], band_set)
    cells: dict[Any, int] = {}
    for (value,), n in found.items():
        key = _normalise(value, labels)
        cells[key] = cells.get(key, 0) + n
    return [
        (f"{dimension.key}:{value}", str(label), cells.get(value, 0))
        for value, label in _visible(labels, cells).items()
    ]


def _dimension_table(
    dimension: Dimension, cells: list[tuple[str, str, int]], forms: int, rounder: Rounder
) -> Table:
    values, published_forms = round_forms_table(
        [(key, n) for key, _label, n in cells], forms, dimension.multi_valued, rounder
    )
    return Table(
        key=f"by_{dimension.key}",
        title=dimension.label,
        columns=[
            Column(dimension.label, Kind.TEXT),
            Column(_("Consultations")),
            Column(_("Share"), Kind.PERCENT),
        ],
        rows=[
            [label, value, percent(value, published_forms)]
            for (_key, label, _n), value in zip(cells, values, strict=True)
        ],
        total=[_("Total"), published_forms, None],
        note=_("A consultation about several topics counts under each of them.")
        if dimension.multi_valued
        else "",
    )


def donor_tables(
    period: Period, report_settings: ReportSettings, rounder: Rounder | None = None
) -> list[Table]:
    """Whole-line figures only (no consultant, no number, no person), every count rounded."""
    rounder = rounder or Rounder()
    calls = CallFilter(period)
    forms = ConsultationFilter(period)
    band_set = report_settings.age_band_set
    tables = [
        _calls_table(calls, report_settings, rounder),
        _worklist_table(calls, rounder),
    ]
    dimensions = [d for d in DIMENSIONS.values() if not d.identifying]
    cells = {d.key: _dimension_cells(forms, d, band_set) for d in dimensions}
    single = next(d for d in dimensions if not d.multi_valued)
    form_count = sum(n for _key, _label, n in cells[single.key])
    for dimension in dimensions:
        tables.append(_dimension_table(dimension, cells[dimension.key], form_count, rounder))
    return tables


def donor_legend() -> list[str]:
    return [
        _("No names, phone numbers or consultants are included."),
        _(
            "Every count is rounded to a multiple of 5: to the one below or the one above "
            "the true count, at random but the same way each time for the same count "
            "(a multiple of 5, 0 included, stays as it is). A published 0 means 0 to 4, "
            "5 means 1 to 9, 10 means 6 to 14, and so on."
        ),
        _(
            "Rows add up exactly to their total, and every table of consultations has the "
            "same total; shares are worked out from the rounded counts. So no count can be "
            "worked out exactly from the others, from the totals or from another period."
        ),
        _("Times (waits, talk times) are not rounded; total talk time is left out."),
    ]


def donor_csv_response(tables: list[Table], heading: list[str], filename: str) -> HttpResponse:
    """One long table (table, row, column, value): easy to load anywhere."""
    record(AuditKind.EXPORT, detail=filename)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    for line in heading:
        writer.writerow([spreadsheets.csv_cell(line)])
    writer.writerow([_("Table"), _("Row"), _("Column"), _("Value")])
    for table in tables:
        columns = [str(column.label) for column in table.columns]
        lines = [*table.rows, *([table.total] if table.total is not None else [])]
        for row in lines:
            for column, value in zip(columns[1:], row[1:], strict=True):
                writer.writerow(
                    [
                        spreadsheets.csv_cell(str(table.title)),
                        spreadsheets.csv_cell(str(row[0])),
                        spreadsheets.csv_cell(column),
                        "" if value is None else value,
                    ]
                )
    return response
