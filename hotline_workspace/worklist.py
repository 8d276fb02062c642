"""The callback worklist: missed calls, voice messages and callback requests, oldest first.

One table (`WorklistItem`), one task per caller: a missed call from a number
that is already waiting (a missed call, a voice message, a callback request)
adds no second task, and a voice message or callback request from a number
whose missed call is still on the list becomes that task, keeping its place
in the queue. One consultant at a time calls an item back. Taking it is one
conditional UPDATE, so two consultants clicking at once (or two browser tabs)
can never both get it; an attempt that does not reach the person puts the
item back with its attempts counted; a reached item leaves the list.

The rows are written here, from the connector's domain events
(`on_event`, subscribed in the app's `ready()`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import Case, Q, QuerySet, When
from django.utils import timezone

from hotline_asterisk_connector.journal import identify_client
from hotline_asterisk_connector.models.calls import Call, CallDirection, Disposition
from hotline_asterisk_connector.publish import (
    CallbackRequested,
    CallChanged,
    CallSettled,
    Event,
    MessageLeft,
)
from hotline_asterisk_connector.statements import Statement, insert, update
from hotline_crm import safe_contact
from hotline_crm.models import AccessReason, Client
from hotline_crm.services import grant_card_access
from hotline_workspace.models import OPEN, Kind, WorklistItem, WorkStatus

# A consultant who took an item and then left (shift over, browser closed)
# must not keep it forever: after this long it is offered again.
CLAIM_LIFETIME = timedelta(minutes=30)

# A call that ended so is a missed call; a voice message or a callback request
# is a task of its own kind (MessageLeft, CallbackRequested).
_MISSED_OUTCOMES = {
    Disposition.ABANDONED,
    Disposition.OFF_HOURS,
    Disposition.NOBODY_AVAILABLE,
    Disposition.OVER_LIMIT,
}


@dataclass(frozen=True)
class Entry:
    item: WorklistItem

    @property
    def kind(self) -> Kind:
        return Kind(self.item.kind)

    @property
    def number_to_call(self) -> str:
        return self.item.dial_number

    @property
    def is_free(self) -> bool:
        return is_free(self.item)

    @property
    def is_task(self) -> bool:
        """Something to do: a number to call back, or a voice message to listen to.
        A missed call from a withheld number is shown, and only acknowledged."""
        return bool(self.number_to_call) or self.kind != Kind.MISSED

    @cached_property
    def client(self) -> Client | None:
        """The card of the number to call, for its safe-contact profile."""
        return identify_client(self.number_to_call) if self.number_to_call else None

    @property
    def safe_contact_warnings(self) -> list[str]:
        return safe_contact.warnings(self.client, self.number_to_call)

    @property
    def safe_contact_briefing(self) -> list[str]:
        return safe_contact.briefing(self.client)

    @property
    def may_say_who_we_are(self) -> bool | None:
        """What the caller answered in the menu (callback requests only)."""
        return self.item.may_say_who_we_are

    @property
    def key(self) -> str:
        return f"item-{self.item.pk}"


def on_event(event: Event) -> None:
    """The connector's subscriber: the journal's events that make or withdraw tasks."""
    match event:
        case MessageLeft(call=call, at=at, audio_file=audio_file, duration_seconds=seconds):
            note_message(call, at, audio_file, seconds)
        case CallbackRequested(call=call, at=at, number_to_call=number, may_say_who_we_are=may_say):
            note_callback_request(call, at, number, may_say)
        case CallChanged(call=call) | CallSettled(call=call):
            note_missed_call(call)


def note_missed_call(call: Call) -> WorklistItem | None:
    """Put a finished missed inbound call on the worklist, once per waiting number,
    only once its outcome is final; take it off again if Asterisk's records show
    that it was answered after all (the connector was away). A withheld caller
    is on the list too, each call on its own row, as no number to call back:
    the consultants know someone tried and could not be helped."""
    if call.ended_at is None or call.records_pending or call.direction != CallDirection.INBOUND:
        return None
    if call.disposition not in _MISSED_OUTCOMES:
        WorklistItem.objects.filter(call=call, kind=Kind.MISSED).exclude(
            status=WorkStatus.DONE
        ).delete()
        return None
    existing = WorklistItem.objects.filter(call=call).first()
    if existing is not None:
        return existing
    # Someone who rang five times in the night, or left a message and rang
    # again, needs one callback, not five.
    if call.caller_number and _open_task_of(call.caller_number).exists():
        return None
    item = WorklistItem(kind=Kind.MISSED, call=call, created_at=call.started_at, **_caller(call))
    insert(item)
    return item


def note_message(
    call: Call, at: datetime, audio_file: str, duration_seconds: int | None
) -> WorklistItem:
    """A voice message: the caller's waiting missed call becomes it, else a new task.
    The same event seen again (a replay, the records) changes nothing but a
    length that was missing."""
    item = _task_becoming(call, Kind.VOICEMAIL, at)
    if not item.audio_file:
        item.audio_file = audio_file
    if item.duration_seconds is None:
        item.duration_seconds = duration_seconds
    _write_task(item, ["audio_file", "duration_seconds"])
    return item


def note_callback_request(
    call: Call, at: datetime, number_to_call: str, may_say_who_we_are: bool | None
) -> WorklistItem:
    """A callback request: the caller's waiting missed call becomes it, else a new task."""
    item = _task_becoming(call, Kind.CALLBACK, at)
    if not item.number_to_call:
        item.number_to_call = number_to_call
        item.may_say_who_we_are = may_say_who_we_are
    _write_task(item, ["number_to_call", "may_say_who_we_are"])
    return item


def _task_becoming(call: Call, kind: Kind, at: datetime) -> WorklistItem:
    """The task a voice message or a callback request of `call` goes to (unsaved changes):
    the call's own; else the open missed call of the same number, which takes this
    call and kind and keeps its time (the caller has been waiting since then); else new."""
    if call.caller_number:
        item = _OWN_OR_WAITING_TASK.first(call.pk, call.caller_number)
    else:
        item = _OWN_TASK.first(call.pk)
    if item is not None and item.call_id != call.pk:
        item.call = call
    if item is None:
        return WorklistItem(kind=kind, call=call, created_at=at, **_caller(call))
    if item.kind == Kind.MISSED:
        item.kind = kind
    return item


def _write_task(item: WorklistItem, fields: list[str]) -> None:
    """Insert a new task; of a waiting one write only what the call changes (its call,
    its kind, `fields`): a consultant who took it meanwhile keeps it."""
    if item._state.adding:
        insert(item)
    else:
        update(item, ["call", "kind", *fields])


def _open_task_of(number: str) -> QuerySet[WorklistItem]:
    return WorklistItem.objects.filter(caller_number=number, status__in=OPEN)


def _own_or_waiting_task(call_id: int, number: str) -> QuerySet[WorklistItem]:
    """In one query (the connector reads it inside its batch): the call's own task,
    else the number's oldest open missed call."""
    waiting = _open_task_of(number).filter(kind=Kind.MISSED)
    own_first = Case(When(call_id=call_id, then=0), default=1)
    items = WorklistItem.objects.filter(call_id=call_id) | waiting
    return items.order_by(own_first, "created_at", "pk")[:1]


# Read for every voice message and callback request (the connector's statements.py).
_OWN_OR_WAITING_TASK = Statement(_own_or_waiting_task, -1_000_001, "\0number")
_OWN_TASK = Statement(lambda call_id: WorklistItem.objects.filter(call_id=call_id)[:1], -1_000_001)


def _caller(call: Call) -> dict[str, str]:
    return {
        "caller_number": call.caller_number,
        "caller_number_raw": call.caller_number_raw,
        "dialled_number": call.dialled_number,
    }


def open_entries() -> list[Entry]:
    """Everything still to be called back, oldest first."""
    items = WorklistItem.objects.filter(status__in=OPEN).select_related("taken_by", "call")
    return [Entry(item) for item in items.order_by("created_at", "pk")]


def is_free(item: WorklistItem, now=None) -> bool:
    """May anyone take the item now?"""
    now = now or timezone.now()
    if item.status == WorkStatus.PENDING:
        return True
    return (
        item.status == WorkStatus.TAKEN
        and item.taken_at is not None
        and (item.taken_at < now - CLAIM_LIFETIME)
    )


def get_entry(pk: int) -> Entry | None:
    item = WorklistItem.objects.select_related("taken_by", "call").filter(pk=pk).first()
    return Entry(item) if item else None


def take(pk: int, consultant: AbstractBaseUser) -> bool:
    """Claim an item for `consultant`; False when someone else has it (or it is done)."""
    now = timezone.now()
    free = Q(status=WorkStatus.PENDING) | Q(
        status=WorkStatus.TAKEN, taken_at__lt=now - CLAIM_LIFETIME
    )
    # A missed call with no number to call back: nothing to take, only to acknowledge.
    free &= ~Q(kind=Kind.MISSED, caller_number="")
    updated = WorklistItem.objects.filter(free, pk=pk).update(
        status=WorkStatus.TAKEN, taken_by=consultant, taken_at=now
    )
    # Nothing got updated: another consultant got there first, or it is done.
    if updated != 1:
        return False
    # Whoever calls the client back serves them: the card opens for them.
    call_id = WorklistItem.objects.filter(pk=pk).values_list("call_id", flat=True).get()
    client = Client.objects.filter(calls__pk=call_id).first()
    if client is not None:
        grant_card_access(consultant, client, AccessReason.CALLBACK)
    return True


def record_attempt(pk: int, consultant: AbstractBaseUser, *, reached: bool, note: str = "") -> bool:
    """The outcome of calling an item back, by the consultant who holds it.

    Reached: the item is done and leaves the list. Not reached: one more
    attempt is counted and the item goes back for anyone to take.
    """
    mine = WorklistItem.objects.filter(pk=pk, status=WorkStatus.TAKEN, taken_by=consultant)
    note = note.strip()
    now = timezone.now()
    if reached:
        updated = mine.update(
            status=WorkStatus.DONE,
            attempts=models.F("attempts") + 1,
            done_at=now,
            outcome_note=note,
        )
    else:
        updated = mine.update(
            status=WorkStatus.PENDING,
            attempts=models.F("attempts") + 1,
            taken_by=None,
            taken_at=None,
            outcome_note=note,
        )
    return updated == 1


def acknowledge(pk: int, consultant: AbstractBaseUser) -> bool:
    """A missed call with no number to call back leaves the list once someone has
    seen it; who and when are kept."""
    now = timezone.now()
    updated = (
        WorklistItem.objects.filter(pk=pk, kind=Kind.MISSED, caller_number="")
        .exclude(status=WorkStatus.DONE)
        .update(status=WorkStatus.DONE, taken_by=consultant, taken_at=now, done_at=now)
    )
    return updated == 1


def give_back(pk: int, consultant: AbstractBaseUser) -> bool:
    """Put back an item taken by mistake, without counting an attempt."""
    updated = WorklistItem.objects.filter(
        pk=pk, status=WorkStatus.TAKEN, taken_by=consultant
    ).update(status=WorkStatus.PENDING, taken_by=None, taken_at=None)
    return updated == 1
