"""Which tables and charts each report page holds; views and exports share these."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hotline_reports import call_stats
from hotline_reports.charts import Chart, Series, horizontal_bars, stacked_columns
from hotline_reports.filters import CallFilter, ConsultationFilter
from hotline_reports.models import ReportSettings
from hotline_reports.pivots import DIMENSIONS, one_dimension_table, pivot_table
from hotline_reports.tables import Table

TableBuilder = Callable[[], Table]


@dataclass
class Page:
    key: str
    builders: dict[str, TableBuilder]
    tables: list[Table] = field(default_factory=list)
    charts: dict[str, Chart] = field(default_factory=dict)

    def build(self) -> "Page":
        self.tables = [build() for build in self.builders.values()]
        return self

    def table(self, key: str) -> Table | None:
        build = self.builders.get(key)
        return build() if build else None

    def by_key(self) -> dict[str, Table]:
        return {table.key: table for table in self.tables}

    def sections(self) -> list[tuple[Table, Chart | None]]:
        """Each table with its chart, in the page's order."""
        return [(table, self.charts.get(table.key)) for table in self.tables]


def call_builders(call_filter: CallFilter, report_settings: ReportSettings, keys: list[str]):
    return {
        key: (lambda key=key: call_stats.CALL_TABLES[key](call_filter, report_settings))
        for key in keys
    }


def dimension_builders(
    consultation_filter: ConsultationFilter, band_set: str, keys: list[str]
) -> dict[str, TableBuilder]:
    return {
        f"by_{key}": (
            lambda key=key: one_dimension_table(consultation_filter, DIMENSIONS[key], band_set)
        )
        for key in keys
    }


def _call_charts(tables: dict[str, Table]) -> dict[str, Chart]:
    answered = Series(_("Answered"), "answered", 2)
    missed = Series(pgettext("calls, plural", "Missed"), "missed", 3)
    outgoing = Series(pgettext("calls, plural", "Outgoing"), "outgoing", 4)
    found: dict[str, Chart] = {}
    if "timeline" in tables:
        timeline = tables["timeline"]
        daily = len(timeline.rows) <= call_stats.DAILY_LIMIT_DAYS
        found["timeline"] = stacked_columns(
            timeline,
            timeline.title,
            [answered, missed, outgoing],
            # "01.03.2025" → "01.03"; "березень 2025" → "бер 25"
            (lambda text: text[:5]) if daily else (lambda text: f"{text[:3]} {text[-2:]}"),
        )
    if "by_hour" in tables:
        found["by_hour"] = stacked_columns(
            tables["by_hour"],
            tables["by_hour"].title,
            [answered, missed, outgoing],
            lambda text: text[:2],
        )
    if "per_consultant" in tables:
        found["per_consultant"] = horizontal_bars(
            tables["per_consultant"], _("Answered per consultant"), 1, "answered"
        )
    return found


def _topic_charts(tables: dict[str, Table]) -> dict[str, Chart]:
    found = {}
    for key in ("by_topic_category", "by_topic"):
        if key in tables:
            found[key] = horizontal_bars(tables[key], tables[key].title, 1, "neutral")
    return found


CALL_PAGE = ["summary", "worklist", "per_consultant", "timeline", "by_hour", "by_weekday"]
MY_CALL_TABLES = ["summary", "worklist", "timeline", "by_hour", "by_weekday"]
MY_DIMENSIONS = ["age_band", "gender", "oblast", "settlement_type", "topic_category", "topic"]


def calls_page(call_filter: CallFilter, report_settings: ReportSettings) -> Page:
    return Page("calls", call_builders(call_filter, report_settings, CALL_PAGE))


def consultations_page(
    consultation_filter: ConsultationFilter,
    report_settings: ReportSettings,
    rows: str,
    columns: str,
    dimensions: list[str] | None = None,
) -> Page:
    band_set = report_settings.age_band_set
    builders: dict[str, TableBuilder] = {
        "pivot": lambda: pivot_table(
            consultation_filter, DIMENSIONS[rows], DIMENSIONS[columns], band_set
        )
    }
    builders.update(
        dimension_builders(consultation_filter, band_set, dimensions or list(DIMENSIONS))
    )
    return Page("consultations", builders)


def my_page(
    call_filter: CallFilter, consultation_filter: ConsultationFilter, settings: ReportSettings
) -> Page:
    builders = call_builders(call_filter, settings, MY_CALL_TABLES)
    builders.update(dimension_builders(consultation_filter, settings.age_band_set, MY_DIMENSIONS))
    return Page("me", builders)


def with_charts(page: Page) -> Page:
    tables = page.by_key()
    page.charts = {**_call_charts(tables), **_topic_charts(tables)}
    return page
