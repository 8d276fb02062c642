"""Time every report on the generated data set (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_reports_bench \\
        .venv/bin/python manage.py generate_demo_dataset          # once, ~2 minutes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hotline_reports_bench \\
        .venv/bin/python benchmarks/reports.py [--runs 5]

Each report is built as its page builds it (same functions, same queries),
once to warm the caches and then --runs times; the fastest, median and
slowest runs are printed as a Markdown table for docs/benchmarks-reports.md.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotline.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.utils import timezone  # noqa: E402

from hotline_asterisk_connector.models import Call, Trunk  # noqa: E402
from hotline_crm.models import Consultation, TopicCategory  # noqa: E402
from hotline_reports import exports  # noqa: E402
from hotline_reports.call_stats import CALL_TABLES  # noqa: E402
from hotline_reports.filters import CallFilter, ConsultationFilter  # noqa: E402
from hotline_reports.live import wallboard_snapshot  # noqa: E402
from hotline_reports.models import ReportSettings  # noqa: E402
from hotline_reports.pages import calls_page, consultations_page  # noqa: E402
from hotline_reports.periods import Period  # noqa: E402
from hotline_reports.pivots import DIMENSIONS, one_dimension_table, pivot_table  # noqa: E402


def measure(build: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """Fastest, median and slowest of `runs` timed builds (ms), after one to warm up.

    On a shared machine other work slows some runs down; the fastest run is
    the best estimate of what the report itself costs.
    """
    build()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        build()
        times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times), max(times)


def periods(end) -> dict[str, Period]:
    first_call = Call.objects.order_by("started_at").values_list("started_at", flat=True)[0]
    last = timezone.localtime(end).date()
    month_start = last.replace(day=1)
    return {
        "month": Period(
            (month_start - timedelta(days=1)).replace(day=1), month_start - timedelta(days=1)
        ),
        "quarter": Period(last - timedelta(days=91), last),
        "year": Period(last - timedelta(days=365), last),
        "all (3 years)": Period(timezone.localtime(first_call).date(), last),
    }


def reports(period: Period, settings: ReportSettings) -> dict[str, Callable[[], object]]:
    # A fresh filter each run: a filter keeps its page's query results (one request).
    def calls() -> CallFilter:
        return CallFilter(period)

    forms = ConsultationFilter(period)
    band_set = settings.age_band_set
    consultant = Call.objects.filter(consultant__isnull=False).values_list("consultant", flat=True)[
        0
    ]
    number = Trunk.objects.values_list("number", flat=True).first() or ""
    contraception = TopicCategory.objects.get(code="contraception").pk
    found: dict[str, Callable[[], object]] = {}
    for key, build in CALL_TABLES.items():
        found[f"calls: {key}"] = lambda build=build: build(calls(), settings)
    found["calls: summary, one consultant"] = lambda: CALL_TABLES["summary"](
        CallFilter(period, consultant_id=consultant), settings
    )
    found["calls: summary, one number"] = lambda: CALL_TABLES["summary"](
        CallFilter(period, dialled_number=number), settings
    )
    found["calls: whole page (6 tables)"] = lambda: calls_page(calls(), settings).build()
    found["forms: pivot age × topic category"] = lambda: pivot_table(
        forms, DIMENSIONS["age_band"], DIMENSIONS["topic_category"], band_set
    )
    found["forms: pivot oblast × topic"] = lambda: pivot_table(
        forms, DIMENSIONS["oblast"], DIMENSIONS["topic"], band_set
    )
    for key, dimension in DIMENSIONS.items():
        found[f"forms: by {key}"] = lambda d=dimension: one_dimension_table(forms, d, band_set)
    question = ConsultationFilter(
        period, oblast="UA-23", settlement_type="village", age_max=17,
        topic_category_id=contraception,
    )  # fmt: skip
    found["forms: under-18s, rural Zaporizhzhia, contraception"] = lambda: one_dimension_table(
        question, DIMENSIONS["topic"], band_set
    )
    found["forms: whole page (pivot + 9 tables)"] = lambda: consultations_page(
        forms, settings, "age_band", "topic_category"
    ).build()
    found["donors' export (XLSX)"] = lambda: exports.workbook_response(
        exports.donor_tables(period, settings), [], "bench"
    )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run the benchmark on PostgreSQL: set DATABASE_URL.")
    end = Call.objects.aggregate(last=Max("started_at"))["last"]
    if end is None:
        sys.exit("No calls: run `manage.py generate_demo_dataset` first.")
    settings = ReportSettings.load()
    print(
        "Load average (1, 5, 15 min) at the start: {:.1f}, {:.1f}, {:.1f}".format(*os.getloadavg())
    )
    print(f"Calls: {Call.objects.count():,}; consultation forms: {Consultation.objects.count():,}")
    started = time.perf_counter()
    print("\n| report | period | fastest, ms | median, ms | slowest, ms |")
    print("| --- | --- | ---: | ---: | ---: |")
    row = "| {} | {} | {:.0f} | {:.0f} | {:.0f} |"
    print(row.format("wallboard snapshot", "today", *measure(wallboard_snapshot, args.runs)))
    for name, period in periods(end).items():
        for report, build in reports(period, settings).items():
            print(row.format(report, name, *measure(build, args.runs)), flush=True)
    print(f"\nTotal benchmark time: {time.perf_counter() - started:.0f} s")
    # Other work on the machine shows up in the figures: say how busy it was.
    print("Load average (1, 5, 15 min) at the end: {:.1f}, {:.1f}, {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
