"""The call journal: who may see which call, the filters, and comments.

Who sees which call is `hotline_workspace.access`'s rule; `visible_calls`
adds what the journal shows with each call.

Years of calls (a million rows) are paged by position, not by number
(keyset pagination): a page is the 50 calls just before or after the edge of
the page the user comes from, in the order (start time, id), which an index
walks directly; nothing counts the calls nor skips over the first thousands.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from hotline.periods import PeriodForm
from hotline_asterisk_connector.models.calls import Call, CallComment, CallDirection, Disposition
from hotline_crm.phones import normalise
from hotline_crm.roles import Role, is_supervisor
from hotline_workspace import access

COMMENT_MAX_LENGTH = 2000
PAGE_SIZE = 50


def _comment_count() -> Coalesce:
    # A subquery per call shown, not a COUNT over a join of every call with its
    # comments: that would group the whole journal before taking one page.
    counted = (
        CallComment.objects.filter(call=OuterRef("pk"))
        .order_by()
        .values("call")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def visible_calls(user: AbstractBaseUser) -> QuerySet[Call]:
    return (
        access.calls_for(user)
        .select_related("client", "consultant", "consultation")
        .annotate(comment_count=_comment_count())
        .order_by("-started_at", "-pk")
    )


class JournalFilter(PeriodForm):
    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", _("All")), *CallDirection.choices],
    )
    disposition = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("All")), *Disposition.choices],
    )
    dialled_number = forms.ChoiceField(label=_("Line number"), required=False)
    consultant = forms.ModelChoiceField(
        label=_("Consultant"), required=False, queryset=get_user_model().objects.none()
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    without_form = forms.BooleanField(label=_("Only calls without a form"), required=False)

    def __init__(self, *args, user: AbstractBaseUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dialled_number"].choices = [("", _("All"))] + [
            (number, number) for number in line_numbers()
        ]
        if is_supervisor(user):
            self.fields["consultant"].queryset = (
                get_user_model()
                .objects.filter(Q(groups__name=Role.CONSULTANT) | Q(groups__name=Role.SUPERVISOR))
                .distinct()
                .order_by("first_name", "username")
            )
        else:
            # A consultant's journal is their own already: no one else to pick.
            del self.fields["consultant"]

    def apply(self, calls: QuerySet[Call]) -> QuerySet[Call]:
        if not self.is_valid():
            return calls.none()
        data = self.cleaned_data
        calls = calls.filter(self.period("started_at"))
        if data["direction"]:
            calls = calls.filter(direction=data["direction"])
        if data["disposition"]:
            calls = calls.filter(disposition=data["disposition"])
        if data["dialled_number"]:
            calls = calls.filter(dialled_number=data["dialled_number"])
        if data.get("consultant"):
            calls = calls.filter(consultant=data["consultant"])
        if data["phone"].strip():
            calls = calls.filter(_phone_matches(data["phone"]))
        if data.get("without_form"):
            calls = calls.filter(WITHOUT_FORM)
        return calls


# A call a consultant talked on and no consultation form records: the
# journal flags it, and the supervisor sees how many each consultant left.
WITHOUT_FORM = Q(
    direction=CallDirection.INBOUND,
    answered_at__isnull=False,
    ended_at__isnull=False,
    consultant__isnull=False,
    consultation__isnull=True,
)


def needs_form(call: Call) -> bool:
    return (
        call.direction == CallDirection.INBOUND
        and call.answered_at is not None
        and call.ended_at is not None
        and call.consultant_id is not None
        and call.consultation_id is None
    )


def without_form_by_consultant(calls: QuerySet[Call]) -> list[tuple[str, int]]:
    """(consultant, calls without a form) among `calls`, most first."""
    rows = (
        calls.filter(WITHOUT_FORM)
        .order_by()
        .values("consultant")
        .annotate(count=Count("pk"))
        .order_by("-count", "consultant")
    )
    people = get_user_model().objects.in_bulk([row["consultant"] for row in rows])
    return [(_person(people[row["consultant"]]), row["count"]) for row in rows]


def _person(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def line_numbers() -> list[str]:
    """Every number calls came in on or went out through, in order.

    A DISTINCT over a million calls reads them all; this walks the index on
    (dialled_number, started_at) from one number to the next instead, one
    probe per number (a "loose index scan", which neither database does alone).
    """
    table = connection.ops.quote_name(Call._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE numbers(number) AS (
                SELECT MIN(dialled_number) FROM {table} WHERE dialled_number > ''
                UNION ALL
                SELECT (SELECT MIN(dialled_number) FROM {table} WHERE dialled_number > number)
                FROM numbers WHERE number IS NOT NULL
            )
            SELECT number FROM numbers WHERE number IS NOT NULL
            """  # noqa: S608  (the table name is the model's own)
        )
        return [number for (number,) in cursor.fetchall()]


def _phone_matches(typed: str) -> Q:
    """A full number finds its exact E.164 form; a fragment of digits finds any number with it."""
    phone = normalise(typed)
    if phone.is_e164:
        return Q(caller_number=phone.value) | Q(callee_number=phone.value)
    fragment = "".join(ch for ch in typed if ch.isdigit()) or typed.strip()
    return Q(caller_number__contains=fragment) | Q(callee_number__contains=fragment)


@dataclass(frozen=True)
class Position:
    """Where a page starts or ends: a call's start time and id (the journal's order)."""

    started_at: datetime.datetime
    pk: int

    @classmethod
    def of(cls, call: Call) -> "Position":
        return cls(call.started_at, call.pk)

    @classmethod
    def parse(cls, text: str | None) -> "Position | None":
        """From the URL's "<microseconds since 1970>-<id>"; anything else is no position."""
        stamp, _dash, pk = (text or "").partition("-")
        # Ids fit in 18 digits (PostgreSQL's bigint); longer is no position.
        if not (stamp.isdigit() and pk.isdigit()) or len(stamp) > 20 or len(pk) > 18:
            return None
        try:
            at = _EPOCH + datetime.timedelta(microseconds=int(stamp))
        except OverflowError:
            return None
        return cls(at, int(pk))

    def __str__(self) -> str:
        return f"{(self.started_at - _EPOCH) // datetime.timedelta(microseconds=1)}-{self.pk}"

    def before(self) -> Q:
        # The first condition alone is what an index on (started_at, id) can
        # start its walk from; the second settles calls started the same instant.
        return Q(started_at__lte=self.started_at) & (
            Q(started_at__lt=self.started_at) | Q(pk__lt=self.pk)
        )

    def after(self) -> Q:
        return Q(started_at__gte=self.started_at) & (
            Q(started_at__gt=self.started_at) | Q(pk__gt=self.pk)
        )


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class JournalPage:
    calls: list[Call]
    # Where the links to the next newer and older pages start (None: no such page).
    newer: Position | None
    older: Position | None

    def __iter__(self):
        return iter(self.calls)

    @property
    def has_other_pages(self) -> bool:
        return self.newer is not None or self.older is not None


def journal_page(
    calls: QuerySet[Call], older_than: str | None = None, newer_than: str | None = None
) -> JournalPage:
    """The page of `calls` (newest first) just older, or just newer, than a position;
    the newest page without one."""
    older, newer = Position.parse(older_than), Position.parse(newer_than)
    if newer is not None:
        found = list(calls.filter(newer.after()).order_by("started_at", "pk")[: PAGE_SIZE + 1])
        more = len(found) > PAGE_SIZE
        page = found[:PAGE_SIZE][::-1]
        return JournalPage(
            page,
            newer=Position.of(page[0]) if more else None,
            older=Position.of(page[-1]) if page else newer,
        )
    if older is not None:
        calls = calls.filter(older.before())
    found = list(calls[: PAGE_SIZE + 1])
    page = found[:PAGE_SIZE]
    return JournalPage(
        page,
        newer=Position.of(page[0]) if older is not None and page else older,
        older=Position.of(page[-1]) if len(found) > PAGE_SIZE else None,
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write something first."))
        return text


def add_comment(call: Call, author: AbstractBaseUser, text: str) -> CallComment:
    """Add a comment to a call; comments are only ever added, so the journal stays honest."""
    return CallComment.objects.create(call=call, author=author, text=text)
