"""Call statistics, counted and summed by the database.

The database groups the period's calls by direction and outcome (and by
whatever a table is about: consultant, hour, day) and returns per group a
count, the waits and the talk times (`grouped_calls`). The named figures are
then added up from those few rows (`fold`): a table's total row is the sum
of its rows by construction. Medians are not additive and are asked for in
their own query. No loop ever runs over individual calls in Python.

Definitions (also in docs/reports.md):
- received: incoming calls; answered + missed + still in progress = received;
- offered: incoming calls that reached the queue (queued_at is set);
- service level: offered calls answered within the threshold ÷ offered;
- abandonment rate: offered calls abandoned in the queue ÷ offered;
- waits are over offered calls; talk times over answered calls, in and out.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    QuerySet,
    Sum,
)
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hotline_asterisk_connector.models import CallDirection, Disposition, Weekday
from hotline_reports import rollup
from hotline_reports.filters import CallFilter
from hotline_reports.models import ReportSettings
from hotline_reports.tables import Column, Kind, Table, percent, seconds
from hotline_workspace.models import Kind as WorkKind
from hotline_workspace.models import WorkStatus

QUEUED = Q(queued_at__isnull=False)
TALKED = Q(
    disposition__in=[Disposition.ANSWERED, Disposition.OUTBOUND_ANSWERED],
    talk_seconds__isnull=False,
)
# Periods longer than this many days are drawn and listed per month, not per day.
DAILY_LIMIT_DAYS = 92


def group_aggregates(threshold: int) -> dict[str, Aggregate]:
    """What the database adds up for each (direction, outcome) group of calls."""
    return {
        "calls": Count("pk"),
        "offered": Count("pk", filter=QUEUED),
        "in_time": Count("pk", filter=QUEUED & Q(wait_seconds__lte=threshold)),
        "waited": Count("wait_seconds", filter=QUEUED),
        "wait_total": Sum("wait_seconds", filter=QUEUED),
        "wait_max": Max("wait_seconds", filter=QUEUED),
        "talked": Count("talk_seconds"),
        "talk_total": Sum("talk_seconds"),
    }


def grouped_calls(calls: QuerySet, threshold: int, *keys: str) -> list[dict[str, Any]]:
    """One GROUP BY: per `keys` value, direction and outcome, the group aggregates."""
    return list(
        calls.values(*keys, "direction", "disposition").annotate(**group_aggregates(threshold))
    )


FIGURES = [
    "received",
    "answered",
    "missed",
    "in_progress",
    "outgoing",
    "outgoing_answered",
    "outgoing_not_answered",
    "offered",
    "abandoned",
    "answered_in_time",
    "waited",
    "wait_total",
    "answer_waited",
    "answer_wait_total",
    "talked",
    "talk_total",
    *(f"missed_{reason}" for reason in Disposition.missed()),
]


def fold(groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The named figures of a set of (direction, outcome) groups."""
    f: dict[str, Any] = dict.fromkeys(FIGURES, 0)
    f["wait_max"] = None
    missed = set(Disposition.missed())
    for g in groups:
        outcome, calls = g["disposition"], g["calls"]
        if g["direction"] == CallDirection.INBOUND:
            f["received"] += calls
            f["offered"] += g["offered"]
            f["waited"] += g["waited"]
            f["wait_total"] += g["wait_total"] or 0
            if g["wait_max"] is not None:
                f["wait_max"] = max(f["wait_max"] or 0, g["wait_max"])
            if outcome == Disposition.ANSWERED:
                f["answered"] += calls
                f["answered_in_time"] += g["in_time"]
                f["answer_waited"] += g["waited"]
                f["answer_wait_total"] += g["wait_total"] or 0
            elif outcome in missed:
                f["missed"] += calls
                f[f"missed_{outcome}"] += calls
                if outcome == Disposition.ABANDONED:
                    f["abandoned"] += g["offered"]
            elif outcome == Disposition.IN_PROGRESS:
                f["in_progress"] += calls
        else:
            f["outgoing"] += calls
            if outcome == Disposition.OUTBOUND_ANSWERED:
                f["outgoing_answered"] += calls
            elif outcome == Disposition.OUTBOUND_NOT_ANSWERED:
                f["outgoing_not_answered"] += calls
        if outcome in (Disposition.ANSWERED, Disposition.OUTBOUND_ANSWERED):
            f["talked"] += g["talked"]
            f["talk_total"] += g["talk_total"] or 0
    return derive(f)


def _ratio(total: float | None, count: int | None) -> float | None:
    return total / count if count else None


def derive(figures: dict[str, Any]) -> dict[str, Any]:
    """Averages and rates from the added-up figures."""
    figures["wait_avg"] = _ratio(figures["wait_total"], figures["waited"])
    figures["answer_wait_avg"] = _ratio(figures["answer_wait_total"], figures["answer_waited"])
    figures["talk_avg"] = _ratio(figures["talk_total"], figures["talked"])
    if not figures["talked"]:
        figures["talk_total"] = None
    figures["service_level"] = percent(figures["answered_in_time"], figures["offered"])
    figures["abandonment_rate"] = percent(figures["abandoned"], figures["offered"])
    return figures


def consultant_groups(call_filter: CallFilter, threshold: int) -> list[dict[str, Any]]:
    """The period's calls grouped by consultant, direction and outcome (shared by a page);
    closed days from the daily roll-up (rollup.py)."""
    return call_filter.remember(
        f"consultants-{threshold}",
        lambda: rollup.grouped(call_filter, threshold, "consultant_id"),
    )


def date_groups(call_filter: CallFilter, threshold: int, key: str) -> list[dict[str, Any]]:
    """The period's calls grouped by Kyiv date, its month or its ISO weekday (`key`:
    "day", "month", "weekday"), direction and outcome (shared by a page)."""
    return call_filter.remember(
        f"{key}-{threshold}", lambda: rollup.grouped(call_filter, threshold, key)
    )


ALL_CONSULTANTS = "all"


def talk_medians(call_filter: CallFilter) -> dict[Any, float | None]:
    """The median talk time per consultant id, and over everyone (ALL_CONSULTANTS).

    Medians do not add up, but how many calls lasted each whole number of seconds,
    per consultant, does: whole months from the roll-up's counts, other days from
    the calls (one hashed GROUP BY, no sort of every call); the medians are worked
    out from those counts exactly as the database's median would."""
    return call_filter.remember("medians", lambda: _talk_medians(call_filter))


def talk_counts(calls: QuerySet) -> list[tuple[int | None, int, int]]:
    """How many of `calls` were talked for each whole second, per consultant:
    (consultant id, seconds, calls)."""
    return list(
        calls.filter(TALKED)
        .values_list("consultant_id", "talk_seconds")
        # COUNT(*), not of the id: the partial index of talked calls answers alone.
        .annotate(n=Count("*"))
    )


def _talk_medians(call_filter: CallFilter) -> dict[Any, float | None]:
    # defaultdict, not setdefault(…, Counter()): that made a Counter for each of the
    # some 20,000 rows of three years.
    per_consultant: defaultdict[Any, Counter] = defaultdict(Counter)
    everyone: Counter = Counter()
    for consultant_id, talk_seconds, n in rollup.talk_counts(call_filter):
        per_consultant[consultant_id][talk_seconds] += n
        everyone[talk_seconds] += n
    found: dict[Any, float | None] = {
        consultant_id: median_of_counts(counts) for consultant_id, counts in per_consultant.items()
    }
    found[ALL_CONSULTANTS] = median_of_counts(everyone)
    return found


def median_of_counts(counts: Counter) -> float | None:
    """The median of values given as {value: how many times}: the middle value, or the
    mean of the two middle ones when the count is even (as percentile_cont(0.5))."""
    total = sum(counts.values())
    if not total:
        return None
    low_rank, high_rank = (total - 1) // 2, total // 2  # 0-based ranks of the middle
    seen, low = 0, None
    for value in sorted(counts):
        seen += counts[value]
        if low is None and seen > low_rank:
            low = value
        if seen > high_rank:
            return (low + value) / 2
    return None


def talk_median(call_filter: CallFilter) -> float | None:
    return talk_medians(call_filter)[ALL_CONSULTANTS]


def call_totals(call_filter: CallFilter, threshold: int) -> dict[str, Any]:
    totals = fold(consultant_groups(call_filter, threshold))
    totals["talk_median"] = talk_median(call_filter)
    return totals


def _by_key(groups: list[dict[str, Any]], key: str) -> dict[Any, dict[str, Any]]:
    """Groups of one grouped_calls() result folded per value of `key`."""
    split: dict[Any, list[dict[str, Any]]] = {}
    for group in groups:
        split.setdefault(group[key], []).append(group)
    return {value: fold(part) for value, part in split.items()}


def worklist_totals(call_filter: CallFilter) -> dict[str, Any]:
    to_call_back = ExpressionWrapper(F("done_at") - F("created_at"), output_field=DurationField())
    done = Q(status=WorkStatus.DONE)
    # Both kinds in one pass over the period's items.
    counted = (
        call_filter.worklist()
        .values("kind")
        .annotate(
            received=Count("pk"),
            done=Count("pk", filter=done),
            taken=Count("pk", filter=Q(status=WorkStatus.TAKEN)),
            waiting=Count("pk", filter=Q(status=WorkStatus.PENDING)),
            delay_avg=Avg(to_call_back, filter=done),
            delay_max=Max(to_call_back, filter=done),
        )
    )
    rows = {row.pop("kind"): row for row in counted}
    nothing = dict.fromkeys(("received", "done", "taken", "waiting"), 0)
    nothing |= {"delay_avg": None, "delay_max": None}
    figures: dict[str, Any] = {}
    for prefix, kind in (("voicemail", WorkKind.VOICEMAIL), ("callback", WorkKind.CALLBACK)):
        row = rows.get(kind, nothing)
        figures.update({f"{prefix}_{name}": value for name, value in row.items()})
    return figures


def measures_table(key: str, title: str, measures: list[tuple[Any, Any, str]]) -> Table:
    return Table(
        key=key,
        title=title,
        columns=[Column(_("Measure"), Kind.TEXT), Column(_("Value"))],
        rows=[[label, value] for label, value, _kind in measures],
        row_kinds=[kind for _label, _value, kind in measures],
    )


def summary_table(call_filter: CallFilter, report_settings: ReportSettings) -> Table:
    threshold = report_settings.service_level_seconds
    t = call_totals(call_filter, threshold)
    missed_rows = [
        (
            _("Missed: %(reason)s") % {"reason": Disposition(reason).label},
            t[f"missed_{reason}"],
            Kind.COUNT,
        )
        for reason in Disposition.missed()
    ]
    return measures_table(
        "summary",
        _("Calls"),
        [
            (_("Incoming calls"), t["received"], Kind.COUNT),
            (_("Incoming calls answered"), t["answered"], Kind.COUNT),
            (_("Incoming calls missed"), t["missed"], Kind.COUNT),
            *missed_rows,
            (_("Incoming calls still in progress"), t["in_progress"], Kind.COUNT),
            (_("Outgoing calls"), t["outgoing"], Kind.COUNT),
            (_("Outgoing calls answered"), t["outgoing_answered"], Kind.COUNT),
            (_("Outgoing calls not answered"), t["outgoing_not_answered"], Kind.COUNT),
            (_("Incoming calls that reached the queue"), t["offered"], Kind.COUNT),
            (
                _("Service level: answered within %(seconds)s s") % {"seconds": threshold},
                t["service_level"],
                Kind.PERCENT,
            ),
            (_("Abandonment rate"), t["abandonment_rate"], Kind.PERCENT),
            (_("Average wait"), seconds(t["wait_avg"]), Kind.SECONDS),
            (_("Longest wait"), seconds(t["wait_max"]), Kind.SECONDS),
            (_("Average wait before an answer"), seconds(t["answer_wait_avg"]), Kind.SECONDS),
            (_("Talk time in total"), seconds(t["talk_total"]), Kind.SECONDS),
            (_("Average talk time"), seconds(t["talk_avg"]), Kind.SECONDS),
            (_("Median talk time"), seconds(t["talk_median"]), Kind.SECONDS),
        ],
    )


def worklist_table(call_filter: CallFilter, report_settings: ReportSettings) -> Table:
    totals = worklist_totals(call_filter)
    return worklist_measures(totals, totals)


def worklist_measures(counts: dict, times: dict) -> Table:
    """The worklist's table from its counts (exact, or as the donors' export
    publishes them) and its times (`worklist_totals`)."""
    return measures_table(
        "worklist",
        _("Voice messages and callback requests"),
        [
            (_("Voice messages"), counts["voicemail_received"], Kind.COUNT),
            (_("Voice messages handled"), counts["voicemail_done"], Kind.COUNT),
            (_("Voice messages being handled"), counts["voicemail_taken"], Kind.COUNT),
            (_("Voice messages waiting"), counts["voicemail_waiting"], Kind.COUNT),
            (_("Average time to handle"), seconds(times["voicemail_delay_avg"]), Kind.SECONDS),
            (_("Callback requests"), counts["callback_received"], Kind.COUNT),
            (_("Callback requests called back"), counts["callback_done"], Kind.COUNT),
            (_("Callback requests being called back"), counts["callback_taken"], Kind.COUNT),
            (_("Callback requests waiting"), counts["callback_waiting"], Kind.COUNT),
            (_("Average time to call back"), seconds(times["callback_delay_avg"]), Kind.SECONDS),
            (_("Longest time to call back"), seconds(times["callback_delay_max"]), Kind.SECONDS),
        ],
    )


def consultant_names(user_ids: set[int]) -> dict[int, str]:
    users = get_user_model().objects.filter(pk__in=user_ids)
    return {user.pk: user.get_full_name() or user.get_username() for user in users}


PER_CONSULTANT_COLUMNS = (
    ("answered", gettext_lazy("Answered"), Kind.COUNT),
    ("rang_not_answered", gettext_lazy("Rang, not answered"), Kind.COUNT),
    ("outgoing_answered", gettext_lazy("Outgoing, answered"), Kind.COUNT),
    ("outgoing_not_answered", gettext_lazy("Outgoing, not answered"), Kind.COUNT),
    ("talk_total", gettext_lazy("Talk time in total"), Kind.SECONDS),
    ("talk_avg", gettext_lazy("Average talk time"), Kind.SECONDS),
    ("talk_median", gettext_lazy("Median talk time"), Kind.SECONDS),
    ("answer_wait_avg", gettext_lazy("Average wait before an answer"), Kind.SECONDS),
    ("callbacks_done", gettext_lazy("Called back"), Kind.COUNT),
    ("voicemails_done", gettext_lazy("Voice messages handled"), Kind.COUNT),
)


def _per_consultant_figures(
    call_filter: CallFilter, threshold: int
) -> tuple[dict[int | None, dict], dict[str, Any]]:
    """Each consultant's figures, keyed by user id (None: what nobody handled), and the total."""
    groups = consultant_groups(call_filter, threshold)
    figures = _by_key(groups, "consultant_id")
    total = fold(groups)
    medians = talk_medians(call_filter)
    for consultant_id, median in medians.items():
        if consultant_id != ALL_CONSULTANTS:
            figures[consultant_id]["talk_median"] = median
    total["talk_median"] = medians[ALL_CONSULTANTS]
    missed_rings = (
        call_filter.legs()
        .filter(answered_at__isnull=True, ended_at__isnull=False)
        .values("consultant_id")
        .annotate(n=Count("*"))  # from the unanswered legs' index alone
    )
    done_keys = {WorkKind.CALLBACK: "callbacks_done", WorkKind.VOICEMAIL: "voicemails_done"}
    extra: dict[str, list] = {"rang_not_answered": list(missed_rings)}
    extra |= {key: [] for key in done_keys.values()}
    done = (
        call_filter.worklist()
        .filter(status=WorkStatus.DONE, kind__in=list(done_keys))
        .values("kind", consultant_id=F("taken_by_id"))
        .annotate(n=Count("pk"))
    )
    for row in done:  # both kinds in one pass over the period's items
        extra[done_keys[row["kind"]]].append(row)
    for key, rows in extra.items():
        total[key] = 0
        for row in rows:
            figures.setdefault(row["consultant_id"], {})[key] = row["n"]
            total[key] += row["n"]
    return figures, total


def _consultant_row(name: str, figures: dict) -> list[Any]:
    row: list[Any] = [name]
    for key, _label, kind in PER_CONSULTANT_COLUMNS:
        value = figures.get(key)
        row.append(seconds(value) if kind == Kind.SECONDS else value or 0)
    return row


def per_consultant_table(call_filter: CallFilter, report_settings: ReportSettings) -> Table:
    threshold = report_settings.service_level_seconds
    figures, total_figures = _per_consultant_figures(call_filter, threshold)
    names = consultant_names({pk for pk in figures if pk is not None})
    rows = sorted(
        (_consultant_row(names.get(pk, str(pk)), f) for pk, f in figures.items() if pk),
        key=lambda row: str(row[0]).casefold(),
    )
    unassigned = _consultant_row(_("Nobody"), figures.get(None, {}))
    # Rows with nothing to count (a missed call has no consultant) are left out.
    count_columns = [i + 1 for i, c in enumerate(PER_CONSULTANT_COLUMNS) if c[2] == Kind.COUNT]
    if any(unassigned[i] for i in count_columns):
        rows.append(unassigned)
    return Table(
        key="per_consultant",
        title=_("Per consultant"),
        columns=[
            Column(_("Consultant"), Kind.TEXT),
            *(Column(label, kind) for _key, label, kind in PER_CONSULTANT_COLUMNS),
        ],
        rows=rows,
        total=_consultant_row(_("Total"), total_figures),
    )


TIMELINE_COLUMNS = (
    ("received", pgettext_lazy("calls, plural", "Incoming"), Kind.COUNT),
    ("answered", gettext_lazy("Answered"), Kind.COUNT),
    ("missed", pgettext_lazy("calls, plural", "Missed"), Kind.COUNT),
    ("outgoing", pgettext_lazy("calls, plural", "Outgoing"), Kind.COUNT),
    ("wait_avg", gettext_lazy("Average wait"), Kind.SECONDS),
    ("service_level", gettext_lazy("Service level"), Kind.PERCENT),
)


def _timeline(
    groups: list[dict[str, Any]], keys: list, label: Callable[[Any], str]
) -> tuple[list[list[Any]], list[Any]]:
    """Rows for every key (zeros filled in) from groups carrying a "key"; the total row."""
    found = _by_key(groups, "key")
    rows = [[label(k), *_timeline_cells(found.get(k, {}))] for k in keys]
    return rows, [_("Total"), *_timeline_cells(fold(groups))]


def _rekeyed(groups: list[dict[str, Any]], key: Callable[[Any], Any]) -> list[dict[str, Any]]:
    return [{**group, "key": key(group)} for group in groups]


def _timeline_cells(figures: dict) -> list[Any]:
    cells = []
    for key, _label, kind in TIMELINE_COLUMNS:
        value = figures.get(key)
        if kind == Kind.COUNT:
            cells.append(value or 0)
        elif kind == Kind.SECONDS:
            cells.append(seconds(value))
        else:
            cells.append(value)
    return cells


def _timeline_table(key: str, title: str, first: str, rows_total: tuple) -> Table:
    rows, total = rows_total
    return Table(
        key=key,
        title=title,
        columns=[Column(first, Kind.TEXT), *(Column(lb, k) for _key, lb, k in TIMELINE_COLUMNS)],
        rows=rows,
        total=total,
    )


def by_hour_table(call_filter: CallFilter, report_settings: ReportSettings) -> Table:
    threshold = report_settings.service_level_seconds
    groups = _rekeyed(rollup.grouped(call_filter, threshold, "hour"), lambda group: group["hour"])
    rows_total = _timeline(groups, list(range(24)), lambda h: f"{h:02d}:00–{h:02d}:59")
    return _timeline_table("by_hour", _("By hour of day"), _("Hour"), rows_total)


def by_weekday_table(call_filter: CallFilter, report_settings: ReportSettings) -> Table:
    # ISO weekdays (Monday 1) from the database; Weekday counts from Monday 0.
    groups = _rekeyed(
        date_groups(call_filter, report_settings.service_level_seconds, "weekday"),
        lambda group: group["weekday"] - 1,
    )
    rows_total = _timeline(groups, list(range(7)), lambda d: str(Weekday(d).label))
    return _timeline_table("by_weekday", _("By day of week"), _("Day"), rows_total)


def _months(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def timeline_table(call_filter: CallFilter, report_settings: ReportSettings) -> Table:
    """Per day, or per month when the period is long."""
    period = call_filter.period
    threshold = report_settings.service_level_seconds
    if period.days <= DAILY_LIMIT_DAYS:
        dates = [period.first_day + timedelta(days=n) for n in range(period.days)]
        rows_total = _timeline(
            _rekeyed(date_groups(call_filter, threshold, "day"), lambda group: group["day"]),
            dates,
            lambda d: date_format(d, "SHORT_DATE_FORMAT"),
        )
        return _timeline_table("timeline", _("Per day"), _("Date"), rows_total)
    rows_total = _timeline(
        _rekeyed(date_groups(call_filter, threshold, "month"), lambda group: group["month"]),
        _months(period.first_day, period.last_day),
        lambda d: date_format(d, "YEAR_MONTH_FORMAT"),
    )
    return _timeline_table("timeline", _("Per month"), _("Month"), rows_total)


CALL_TABLES: dict[str, Callable[[CallFilter, ReportSettings], Table]] = {
    "summary": summary_table,
    "worklist": worklist_table,
    "per_consultant": per_consultant_table,
    "timeline": timeline_table,
    "by_hour": by_hour_table,
    "by_weekday": by_weekday_table,
}
