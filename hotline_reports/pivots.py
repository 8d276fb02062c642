"""Who calls and about what: consultation counts by one or two dimensions.

Counted from the forms' demographic snapshots in the database (GROUP BY).
A form about two topics counts under each of them, so the cells of a topic
row or column may add up to more than the total: totals count every form
once (COUNT DISTINCT).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Expression, F, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hotline_crm.models import (
    CallerRelation,
    Consultation,
    Gender,
    Oblast,
    SettlementType,
    Topic,
    TopicCategory,
)
from hotline_reports import form_rollup
from hotline_reports.age_bands import band_expression, band_labels
from hotline_reports.call_stats import consultant_names
from hotline_reports.filters import ConsultationFilter
from hotline_reports.tables import Column, Kind, Table, percent

Labels = dict[Any, str | Promise]


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str | Promise
    # The database expression giving each form its value in this dimension.
    expression: Callable[[str], Expression]
    # The values to show, in order, with their labels, given the values found.
    labels: Callable[[Iterable[Any], str], Labels]
    # A form may have several values (topics): cells may add up to more than the total.
    multi_valued: bool = False
    # A form may meet the same value more than once (two topics of one category),
    # so counting it needs DISTINCT, unless the topic itself is also a dimension.
    repeats: bool = False
    # Names people or the line's numbers: never in the donors' export.
    identifying: bool = False


def _choices(choices: list[tuple[Any, Any]], always: Iterable[Any] = ()) -> Callable[..., Labels]:
    """Labels of a choice field: the values found, those always shown, and "unknown"."""
    shown = set(always)

    def labels(found: Iterable[Any], band_set: str) -> Labels:
        present = {value or "" for value in found} | shown
        return {value: label for value, label in choices if value in present or not value}

    return labels


def _all(choices: list[tuple[Any, Any]]) -> set[Any]:
    return {value for value, _label in choices}


def _topic_categories(found: Iterable[Any], band_set: str) -> Labels:
    ids = {value for value in found if value is not None}
    rows = TopicCategory.objects.filter(Q(pk__in=ids) | Q(is_active=True))
    named: Labels = {row.pk: str(row) for row in rows}
    named[None] = gettext_lazy("No topic")
    return named


def _topics(found: Iterable[Any], band_set: str) -> Labels:
    ids = {value for value in found if value is not None}
    rows = (
        Topic.objects.filter(Q(pk__in=ids) | Q(is_active=True, category__is_active=True))
        .select_related("category")
        .order_by("category__order", "category__name", "order", "name")
    )
    named: Labels = {row.pk: str(row) for row in rows}
    named[None] = gettext_lazy("No topic")
    return named


def _dialled_numbers(found: Iterable[Any], band_set: str) -> Labels:
    numbers: Labels = {n: n or _("unknown") for n in sorted(n for n in found if n is not None)}
    numbers[None] = gettext_lazy("Not linked to a call")
    return numbers


def _consultants(found: Iterable[Any], band_set: str) -> Labels:
    names = consultant_names({pk for pk in found if pk is not None})
    return dict(sorted(names.items(), key=lambda item: item[1].casefold()))


def _age_bands(found: Iterable[Any], band_set: str) -> Labels:
    return band_labels(band_set)


DIMENSIONS: dict[str, Dimension] = {
    dimension.key: dimension
    for dimension in (
        Dimension("age_band", gettext_lazy("Age"), band_expression, _age_bands),
        Dimension(
            "gender",
            gettext_lazy("Gender"),
            lambda _s: F("snapshot_gender"),
            _choices(Gender.choices, always=_all(Gender.choices)),
        ),
        Dimension(
            "oblast",
            gettext_lazy("Oblast"),
            lambda _s: F("snapshot_oblast"),
            # The oblasts someone called from, and always the line's own two.
            _choices(Oblast.choices, always={Oblast.DNIPROPETROVSK, Oblast.ZAPORIZHZHIA}),
        ),
        Dimension(
            "settlement_type",
            gettext_lazy("Settlement type"),
            lambda _s: F("snapshot_settlement_type"),
            _choices(SettlementType.choices, always=_all(SettlementType.choices)),
        ),
        Dimension(
            "caller_relation",
            gettext_lazy("Who is calling"),
            lambda _s: F("caller_relation"),
            _choices(CallerRelation.choices, always=_all(CallerRelation.choices)),
        ),
        Dimension(
            "topic_category",
            gettext_lazy("Topic category"),
            lambda _s: F("topics__category"),
            _topic_categories,
            multi_valued=True,
            repeats=True,
        ),
        Dimension(
            "topic",
            gettext_lazy("Topic"),
            lambda _s: F("topics"),
            _topics,
            multi_valued=True,
        ),
        Dimension(
            "dialled_number",
            gettext_lazy("Hotline number"),
            lambda _s: F("call__dialled_number"),
            _dialled_numbers,
            identifying=True,
        ),
        Dimension(
            "consultant",
            gettext_lazy("Consultant"),
            lambda _s: F("consultant_id"),
            _consultants,
            identifying=True,
        ),
    )
}


def counts(
    forms: QuerySet[Consultation], dimensions: list[Dimension], band_set: str
) -> dict[tuple, int]:
    """Forms per combination of the dimensions' values, in one GROUP BY."""
    expressions = {f"d{i}": d.expression(band_set) for i, d in enumerate(dimensions)}
    # COUNT(DISTINCT) costs a sort; a join that cannot repeat a form needs none.
    distinct = any(d.repeats for d in dimensions) and all(d.key != "topic" for d in dimensions)
    grouped = (
        forms.annotate(**expressions)
        .values(*expressions)
        .annotate(n=Count("pk", distinct=distinct))
    )
    names = list(expressions)
    return {tuple(row[name] for name in names): row["n"] for row in grouped}


def single_valued_counts(
    consultation_filter: ConsultationFilter, dimension: Dimension, band_set: str
) -> dict[tuple, int]:
    """`counts` for one single-valued dimension, from one GROUP BY over all of them.

    A page shows up to seven such tables (age, gender, oblast, …): grouping the
    forms once by every single-valued dimension together and adding the rows
    up per dimension gives each table's counts exactly, with one pass over the
    period's forms instead of seven (the filter keeps the result for the page)."""
    single = [d for d in DIMENSIONS.values() if not d.multi_valued]
    combined = consultation_filter.remember(
        f"single-valued-{band_set}",
        lambda: counts(consultation_filter.consultations(), single, band_set),
    )
    position = single.index(dimension)
    found: dict[tuple, int] = {}
    for key, n in combined.items():
        found[(key[position],)] = found.get((key[position],), 0) + n
    return found


def _from_rollup(
    consultation_filter: ConsultationFilter, dimensions: list[Dimension], band_set: str
) -> dict[tuple, int] | None:
    """`counts` from the forms' daily roll-up plus the days not rolled up, or None
    when the roll-up cannot answer (a filter other than one consultant, no rolled-up
    day: form_rollup.py)."""
    keys = [d.key for d in dimensions]
    if not form_rollup.usable(consultation_filter, keys):
        return None
    ranges, raw = consultation_filter.remember(
        f"form-days-{band_set}",
        lambda: form_rollup.split(consultation_filter.period, band_set),
    )
    if not ranges:
        return None

    def compute() -> dict[tuple, int]:
        if consultation_filter.consultant_id:
            found = form_rollup.rolled_for_consultant(
                ranges, keys, consultation_filter.consultant_id
            )
        elif len(keys) == 2:
            found = form_rollup.rolled_pair(ranges, keys)
        else:
            marginals = consultation_filter.remember(
                "rolled-marginals", lambda: form_rollup.rolled_marginals(ranges)
            )
            found = dict(marginals[keys[0] if keys else form_rollup.TOTAL])
        if raw is not None:
            others = consultation_filter.consultations().filter(raw)
            extra = counts(others, dimensions, band_set) if keys else {(): others.count()}
            for key, n in extra.items():
                found[key] = found.get(key, 0) + n
        return found

    return consultation_filter.remember(f"rolled-{band_set}-{'-'.join(keys)}", compute)


def form_count(consultation_filter: ConsultationFilter, band_set: str) -> int:
    """How many forms the filter finds (each once), from the same GROUP BY."""
    rolled = _from_rollup(consultation_filter, [], band_set)
    if rolled is not None:
        return rolled.get((), 0)
    first = next(d for d in DIMENSIONS.values() if not d.multi_valued)
    return sum(single_valued_counts(consultation_filter, first, band_set).values())


def _counts_of(
    consultation_filter: ConsultationFilter, dimension: Dimension, band_set: str
) -> dict[tuple, int]:
    rolled = _from_rollup(consultation_filter, [dimension], band_set)
    if rolled is not None:
        return rolled
    if dimension.multi_valued:
        return counts(consultation_filter.consultations(), [dimension], band_set)
    return single_valued_counts(consultation_filter, dimension, band_set)


def _normalise(value: Any, labels: Labels) -> Any:
    # Blank choice fields are stored as "" (or NULL after a LEFT JOIN).
    if value is None and None not in labels and "" in labels:
        return ""
    return value


def one_dimension_table(
    consultation_filter: ConsultationFilter, dimension: Dimension, band_set: str
) -> Table:
    found = _counts_of(consultation_filter, dimension, band_set)
    labels = dimension.labels([key[0] for key in found], band_set)
    cells: dict[Any, int] = {}
    for (value,), n in found.items():
        key = _normalise(value, labels)
        cells[key] = cells.get(key, 0) + n
    # Each form has exactly one value of a single-valued dimension: the rows add up.
    total = (
        form_count(consultation_filter, band_set) if dimension.multi_valued else sum(cells.values())
    )
    rows = [
        [str(label), cells.get(value, 0), percent(cells.get(value, 0), total)]
        for value, label in _visible(labels, cells).items()
    ]
    return Table(
        key=f"by_{dimension.key}",
        title=dimension.label,
        columns=[
            Column(dimension.label, Kind.TEXT),
            Column(_("Consultations")),
            Column(_("Share"), Kind.PERCENT),
        ],
        rows=rows,
        total=[_("Total"), total, None],
        note=_("A consultation about several topics counts under each of them.")
        if dimension.multi_valued
        else "",
    )


def pivot_table(
    consultation_filter: ConsultationFilter,
    row_dimension: Dimension,
    column_dimension: Dimension,
    band_set: str,
) -> Table:
    found = _from_rollup(consultation_filter, [row_dimension, column_dimension], band_set)
    if found is None:
        found = counts(
            consultation_filter.consultations(), [row_dimension, column_dimension], band_set
        )
    row_labels = row_dimension.labels([key[0] for key in found], band_set)
    column_labels = column_dimension.labels([key[1] for key in found], band_set)
    cells: dict[tuple, int] = {}
    for (row_value, column_value), n in found.items():
        key = (_normalise(row_value, row_labels), _normalise(column_value, column_labels))
        cells[key] = cells.get(key, 0) + n
    # A margin is the sum of its cells when the other dimension gives each form
    # one value; across topics a form may count twice, so it is counted anew.
    row_totals = (
        _margin(consultation_filter, row_dimension, row_labels, band_set)
        if column_dimension.multi_valued
        else _sum_by(cells, 0)
    )
    column_totals = (
        _margin(consultation_filter, column_dimension, column_labels, band_set)
        if row_dimension.multi_valued
        else _sum_by(cells, 1)
    )
    if not row_dimension.multi_valued:
        total = sum(row_totals.values())
    elif not column_dimension.multi_valued:
        total = sum(column_totals.values())
    else:
        total = form_count(consultation_filter, band_set)
    row_labels = _visible(row_labels, row_totals)
    column_labels = _visible(column_labels, column_totals)
    rows = [
        [
            str(row_label),
            *(cells.get((row_value, column_value), 0) for column_value in column_labels),
            row_totals.get(row_value, 0),
        ]
        for row_value, row_label in row_labels.items()
    ]
    return Table(
        key="pivot",
        title=f"{row_dimension.label} × {column_dimension.label}",
        columns=[
            Column(f"{row_dimension.label} \\ {column_dimension.label}", Kind.TEXT),
            *(Column(str(label)) for label in column_labels.values()),
            Column(_("Total")),
        ],
        rows=rows,
        total=[
            _("Total"),
            *(column_totals.get(value, 0) for value in column_labels),
            total,
        ],
    )


def _visible(labels: Labels, totals: dict) -> Labels:
    """Every label, but "unknown" and "none" only when something is counted there."""
    return {
        value: label
        for value, label in labels.items()
        if value not in (None, "") or totals.get(value)
    }


def _sum_by(cells: dict[tuple, int], position: int) -> dict[Any, int]:
    totals: dict[Any, int] = {}
    for key, n in cells.items():
        totals[key[position]] = totals.get(key[position], 0) + n
    return totals


def _margin(
    consultation_filter: ConsultationFilter, dimension: Dimension, labels: Labels, band_set: str
) -> dict:
    totals: dict[Any, int] = {}
    for (value,), n in _counts_of(consultation_filter, dimension, band_set).items():
        key = _normalise(value, labels)
        totals[key] = totals.get(key, 0) + n
    return totals
