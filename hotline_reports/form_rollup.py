"""The forms' daily roll-up: each closed day's consultation counts, added up once.

The consultations page and the donors' export count a period's forms by
every dimension (age band, gender, oblast, …, topic) and by a pair of them
(the pivot). Over three years that is hundreds of thousands of forms joined
with their topics, several times a page. FormCell holds, per Kyiv day, the
forms counted by each dimension's value, by each pair of dimensions' values
and all together (some thousands of rows a day instead of every form); a
RolledFormDay row says a day's cells are complete, for which age band set.

A report without filters (other than the period) reads the rolled days from
here and every other day (today, a day one of whose forms changed since, a
day rolled up for another band set) from the forms, and adds the two: the
counts are sums of per-day counts, so the result is what pivots.counts gives
(`check` proves it; `manage.py rollup_calls --check` runs it). A page
narrowed to one consultant (their own page) reads each dimension's cells
paired with that consultant the same way; any other filter counts from the
forms: a filter narrows what it has to count.

Counted exactly as pivots.counts counts in SQL: a form about two topics
counts once under a topic category they share, once under each topic, and
the pair (topic category, topic) counts each topic with its own category.

Kept current by signals (a form saved or deleted, its topics changed, a call
linked to a form saved, a topic moved to another category) and by the daily
job (`refresh`), as for the calls' roll-up (rollup.py).
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from itertools import combinations, product
from typing import Any

from django.db import transaction
from django.db.models import F, Min, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from hotline_crm.models import Consultation
from hotline_reports import daily_rollup
from hotline_reports.age_bands import band_expression
from hotline_reports.filters import ConsultationFilter
from hotline_reports.models import FormCell, ReportSettings, RolledFormDay
from hotline_reports.periods import Period, local_zone, today
from hotline_reports.rollup import local_day

# The dimensions in pivots.DIMENSIONS' order (a pair is kept once, in this order).
KEYS = [
    *("age_band", "gender", "oblast", "settlement_type", "caller_relation"),
    *("topic_category", "topic", "dialled_number", "consultant"),
]
_TOPICAL = {"topic_category", "topic"}
# Dimensions whose values are ids: kept as text, read back as numbers.
_NUMBERS = {"topic_category", "topic", "consultant"}
TOTAL = ""  # row_key of a day's count of every form


# Building


def _encode(value: Any) -> str | None:
    return None if value is None else str(value)


def _decode(key: str, value: str | None) -> Any:
    return int(value) if value is not None and key in _NUMBERS else value


def _single_values(forms, band_set: str) -> Iterator[tuple]:
    rows = forms.annotate(
        day=TruncDate("created_at", tzinfo=local_zone()),
        age_band=band_expression(band_set),
        line=F("call__dialled_number"),
    ).values_list(
        *("pk", "day", "age_band", "snapshot_gender", "snapshot_oblast"),
        *("snapshot_settlement_type", "caller_relation", "line", "consultant_id"),
    )
    return rows.iterator(chunk_size=5000)


def _topics_of(forms) -> dict[int, list[tuple[int, int]]]:
    through = Consultation.topics.through.objects.filter(consultation__in=forms.values("pk"))
    found: dict[int, list[tuple[int, int]]] = {}
    for form_id, topic_id, category_id in through.values_list(
        "consultation_id", "topic_id", "topic__category_id"
    ).iterator(chunk_size=5000):
        found.setdefault(form_id, []).append((category_id, topic_id))
    return found


def _pairs(values: dict[str, list], topics: list[tuple[int, int]], a: str, b: str) -> set:
    if {a, b} == _TOPICAL:
        # One join over the form's topics: each topic with its own category.
        return set(topics) if topics else {(None, None)}
    return set(product(values[a], values[b]))


def day_cells(period: Period, band_set: str) -> dict[tuple, int]:
    """(day, row_key, row_value, column_key, column_value) → forms, counted from the forms."""
    forms = ConsultationFilter(period).consultations()
    topics = _topics_of(forms)
    cells: Counter = Counter()
    for pk, day, *single in _single_values(forms, band_set):
        mine = topics.get(pk, [])
        names = [*KEYS[:5], "dialled_number", "consultant"]
        values = dict(zip(names, ([v] for v in single), strict=True))
        values["topic_category"] = sorted({c for c, _t in mine}) or [None]
        values["topic"] = [t for _c, t in mine] or [None]
        cells[(day, TOTAL, None, "", None)] += 1
        for key in KEYS:
            for value in set(values[key]):
                cells[(day, key, _encode(value), "", None)] += 1
        for a, b in combinations(KEYS, 2):
            for first, second in _pairs(values, mine, a, b):
                cells[(day, a, _encode(first), b, _encode(second))] += 1
    return cells


def build(first: date, last: date, band_set: str) -> int:
    """Roll up the days first…last (inclusive) from the forms; return the cells written."""
    return daily_rollup.build_in_batches(first, last, lambda batch: _build_batch(batch, band_set))


def _build_batch(period: Period, band_set: str) -> int:
    cells = day_cells(period, band_set)
    days = [period.first_day + timedelta(days=n) for n in range(period.days)]
    # Written pair by pair: a pair's cells of the batch share pages.
    ordered = sorted(cells.items(), key=lambda cell: (cell[0][1], cell[0][3], cell[0][0]))
    with transaction.atomic():
        FormCell.objects.filter(day__in=days).delete()
        FormCell.objects.bulk_create(
            (
                FormCell(day=day, row_key=a, row_value=va, column_key=b, column_value=vb, forms=n)
                for (day, a, va, b, vb), n in ordered
            ),
            batch_size=5000,
        )
        RolledFormDay.objects.filter(day__in=days).delete()
        now = timezone.now()
        RolledFormDay.objects.bulk_create(RolledFormDay(day, band_set, now) for day in days)
    return len(cells)


def refresh(band_set: str | None = None, until: date | None = None) -> int:
    """Roll up every closed day (before today) not rolled up for the band set; return
    how many days were rolled up. The daily job runs this, so does `rollup_calls`."""
    band_set = band_set or ReportSettings.load().age_band_set
    last = until or today() - timedelta(days=1)
    oldest = Consultation.objects.aggregate(first=Min("created_at"))["first"]
    if oldest is None:
        return 0
    first = local_day(oldest)
    rolled = RolledFormDay.objects.filter(band_set=band_set, day__range=(first, last))
    return daily_rollup.roll_up_missing(
        first,
        last,
        rolled.values_list("day", flat=True),
        lambda start, end: build(start, end, band_set),
    )


def forget_all() -> None:
    RolledFormDay.objects.all().delete()


def mark_changed(day: date) -> None:
    """A form of `day` changed: count that day from the forms until it is rolled up again."""
    if day < today():
        RolledFormDay.objects.filter(day=day).delete()


def on_form_saved(sender, instance: Consultation, raw: bool = False, **kwargs) -> None:
    """post_save/post_delete of a form; m2m_changed of its topics."""
    if instance.created_at is not None:
        mark_changed(local_day(instance.created_at))


def on_topics_changed(sender, instance, action: str, pk_set=None, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Consultation):
        on_form_saved(sender, instance)
    else:
        # A topic's forms changed from the topic's side: rare (an administrator).
        forget_all()


def on_call_saved(sender, instance, **kwargs) -> None:
    """A call linked to a form gives the form its line number (the dialled_number
    dimension): one query by key, only for a call with a form."""
    if instance.consultation_id:
        created = (
            Consultation.objects.filter(pk=instance.consultation_id)
            .values_list("created_at", flat=True)
            .first()
        )
        if created is not None:
            mark_changed(local_day(created))


def on_topic_saved(sender, instance, **kwargs) -> None:
    """A topic moved to another category changes every day's category counts."""
    forget_all()


# Reading


def usable(consultation_filter: ConsultationFilter, keys: list[str]) -> bool:
    """Whether the roll-up can answer: no filter but the period, distinct dimensions;
    or the period and a consultant, for one other dimension or the total (the cells of
    each dimension paired with the consultant hold those: a consultant's own page)."""
    period = consultation_filter.period
    if consultation_filter == ConsultationFilter(period):
        return len(set(keys)) == len(keys) and set(keys) <= set(KEYS)
    consultant_id = consultation_filter.consultant_id
    if consultation_filter == ConsultationFilter(period, consultant_id=consultant_id):
        return len(keys) <= 1 and set(keys) <= set(KEYS) - {"consultant"}
    return False


def split(period: Period, band_set: str) -> tuple[list[tuple[date, date]], Q | None]:
    """The period's rolled-up day ranges, and a condition for its forms on every other day."""
    rolled = RolledFormDay.objects.filter(
        band_set=band_set, day__range=(period.first_day, period.last_day)
    )
    return daily_rollup.split(period, rolled.values_list("day", flat=True), "created_at")


def _on_days(ranges: list[tuple[date, date]]):
    days = Q()
    for first, last in ranges:
        days |= Q(day__range=(first, last))
    return FormCell.objects.filter(days)


def rolled_pair(ranges: list[tuple[date, date]], keys: list[str]) -> dict[tuple, int]:
    """Forms per pair of values of the two dimensions `keys` on the rolled-up days in
    `ranges`, keyed as pivots.counts keys them."""
    row_key, column_key = sorted(keys, key=KEYS.index)
    rows = (
        _on_days(ranges)
        .filter(row_key=row_key, column_key=column_key)
        .values_list("row_value", "column_value")
        .annotate(n=Sum("forms"))
        .order_by()
    )
    found: dict[tuple, int] = {}
    for row_value, column_value, n in rows:
        by_key = {
            row_key: _decode(row_key, row_value),
            column_key: _decode(column_key, column_value),
        }
        found[tuple(by_key[key] for key in keys)] = n
    return found


def rolled_for_consultant(
    ranges: list[tuple[date, date]], keys: list[str], consultant_id: int
) -> dict[tuple, int]:
    """One consultant's forms per value of the dimension `keys` (or all of them when
    `keys` is empty) on the rolled-up days in `ranges`, keyed as pivots.counts keys
    them: the cells of that dimension paired with the consultant (the last of KEYS)."""
    mine = _encode(consultant_id)
    if not keys:
        cells = _on_days(ranges).filter(row_key="consultant", column_key="", row_value=mine)
        return {(): cells.aggregate(n=Sum("forms"))["n"] or 0}
    (key,) = keys
    rows = (
        _on_days(ranges)
        .filter(row_key=key, column_key="consultant", column_value=mine)
        .values_list("row_value")
        .annotate(n=Sum("forms"))
        .order_by()
    )
    return {(_decode(key, value),): n for value, n in rows}


def rolled_marginals(ranges: list[tuple[date, date]]) -> dict[str, dict[tuple, int]]:
    """Every dimension's counts (and the total, under TOTAL) on the rolled-up days in
    `ranges`, in one query: {key: {(value,): forms}}."""
    rows = (
        _on_days(ranges)
        .filter(column_key="", row_key__in=[TOTAL, *KEYS])
        .values_list("row_key", "row_value")
        .annotate(n=Sum("forms"))
        .order_by()
    )
    found: dict[str, dict[tuple, int]] = {key: {} for key in [TOTAL, *KEYS]}
    for row_key, row_value, n in rows:
        value = () if row_key == TOTAL else (_decode(row_key, row_value),)
        found[row_key][value] = n
    return found


def check(days: Iterable[date]) -> list[date]:
    """The rolled-up days among `days` whose cells differ from the forms' own counts."""
    rolled = dict(RolledFormDay.objects.filter(day__in=list(days)).values_list("day", "band_set"))
    return daily_rollup.wrong_days(rolled, _differs)


def _differs(day: date, band_set: str) -> bool:
    fresh = {key[1:]: n for key, n in day_cells(Period.day(day), band_set).items()}
    stored = {
        (c.row_key, c.row_value, c.column_key, c.column_value): c.forms
        for c in FormCell.objects.filter(day=day)
    }
    return fresh != stored
