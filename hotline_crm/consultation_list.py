"""The consultations list: filters (period, topic, outcome), a search, and keyset paging.

Paging walks the (created_at, id) index from a cursor instead of counting
and skipping rows, so a page costs the same at a million forms as at a
hundred (no COUNT, no OFFSET). The search looks in the summary, the action
taken and the client's name, and finds a client by a phone number.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hotline.periods import PeriodForm, within_days
from hotline_crm.models import ClientPhone, Consultation, Outcome, Topic
from hotline_crm.phones import normalise

PAGE_SIZE = 50
_MAX_CURSOR = 40


class ConsultationListForm(PeriodForm):
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.select_related("category").order_by("category__order", "order"),
        required=False,
        empty_label=_("Any topic"),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("Any outcome")), *Outcome.choices], required=False
    )
    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: the created_at and id of the form next to it."""

    created_at: datetime.datetime
    pk: int

    def __str__(self) -> str:
        return f"{int(self.created_at.timestamp() * 1_000_000)}.{self.pk}"

    @classmethod
    def parse(cls, text: str) -> "Cursor | None":
        """The cursor in a link, or None for anything else (a fresh first page)."""
        micros, _dot, pk = (text or "")[:_MAX_CURSOR].partition(".")
        if not (micros.isascii() and micros.isdigit() and pk.isascii() and pk.isdigit()):
            return None
        try:
            moment = datetime.datetime.fromtimestamp(int(micros) / 1_000_000, tz=datetime.UTC)
        except (OverflowError, ValueError, OSError):
            return None
        if int(pk) > 2**63 - 1:
            return None
        return cls(moment, int(pk))

    @classmethod
    def of(cls, consultation: Consultation) -> "Cursor":
        return cls(consultation.created_at, consultation.pk)


@dataclass
class ListPage:
    consultations: list[Consultation]
    older: Cursor | None
    newer: Cursor | None


def filtered(consultations: QuerySet[Consultation], data: dict) -> QuerySet[Consultation]:
    """`consultations` narrowed by a valid form's cleaned data (missing keys: no filter)."""
    consultations = consultations.filter(
        within_days("created_at", data.get("date_from"), data.get("date_to"))
    )
    if data.get("topic"):
        through = Consultation.topics.through.objects.filter(topic=data["topic"])
        consultations = consultations.filter(pk__in=through.values("consultation_id"))
    if data.get("outcome"):
        consultations = consultations.filter(outcome=data["outcome"])
    if data.get("q"):
        consultations = consultations.filter(_search(data["q"]))
    return consultations


def _search(text: str) -> Q:
    found = (
        Q(summary__icontains=text)
        | Q(action_taken__icontains=text)
        | Q(client__name__icontains=text)
    )
    phone = normalise(text)
    if phone.is_e164:
        by_phone = ClientPhone.objects.filter(number=phone.value).values("client_id")
        found |= Q(client_id__in=by_phone)
    return found


def page_of(
    consultations: QuerySet[Consultation],
    before: Cursor | None = None,
    after: Cursor | None = None,
    size: int = PAGE_SIZE,
) -> ListPage:
    """Up to `size` forms, newest first: the newest ones, those older than `before`,
    or those newer than `after`; with the cursors of the pages on either side."""
    if after is not None:
        newer_first = consultations.filter(
            Q(created_at__gt=after.created_at) | Q(created_at=after.created_at, pk__gt=after.pk)
        ).order_by("created_at", "pk")
        rows = list(newer_first[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return ListPage(
            rows,
            older=Cursor.of(rows[-1]) if rows else None,
            newer=Cursor.of(rows[0]) if rows and more_newer else None,
        )
    ordered = consultations.order_by("-created_at", "-pk")
    if before is not None:
        ordered = ordered.filter(
            Q(created_at__lt=before.created_at) | Q(created_at=before.created_at, pk__lt=before.pk)
        )
    rows = list(ordered[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return ListPage(
        rows,
        older=Cursor.of(rows[-1]) if rows and more_older else None,
        newer=Cursor.of(rows[0]) if rows and before is not None else None,
    )
