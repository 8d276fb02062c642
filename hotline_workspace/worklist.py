"""The callback worklist: missed calls, voice messages and callback requests, oldest first.

One consultant at a time calls an item back. Taking it is one conditional
UPDATE, so two consultants clicking at once (or two browser tabs) can never
both get it; an attempt that does not reach the person puts the item back
with its attempts counted; a reached item leaves the list.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from itertools import chain

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotline_asterisk_connector.journal import identify_client
from hotline_asterisk_connector.models.calls import (
    Call,
    CallbackRequest,
    CallDirection,
    Disposition,
    Voicemail,
    WorklistItem,
    WorkStatus,
)
from hotline_crm import safe_contact
from hotline_crm.models import AccessReason, Client
from hotline_crm.services import grant_card_access
from hotline_workspace.models import MissedCall

# A consultant who took an item and then left (shift over, browser closed)
# must not keep it forever: after this long it is offered again.
CLAIM_LIFETIME = timedelta(minutes=30)

# These outcomes have their own rows (Voicemail, CallbackRequest) in the worklist.
_MISSED_WITHOUT_OWN_ROW = {
    Disposition.ABANDONED,
    Disposition.OFF_HOURS,
    Disposition.NOBODY_AVAILABLE,
    Disposition.OVER_LIMIT,
}


class Kind(models.TextChoices):
    MISSED = "missed", _("Missed call")
    VOICEMAIL = "voicemail", _("Voice message")
    CALLBACK = "callback", _("Callback request")


MODELS: dict[str, type[WorklistItem]] = {
    Kind.MISSED: MissedCall,
    Kind.VOICEMAIL: Voicemail,
    Kind.CALLBACK: CallbackRequest,
}


@dataclass(frozen=True)
class Entry:
    kind: Kind
    item: WorklistItem

    @property
    def number_to_call(self) -> str:
        if isinstance(self.item, CallbackRequest):
            return self.item.number_to_call or self.item.caller_number
        return self.item.caller_number

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
        return getattr(self.item, "may_say_who_we_are", None)

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.item.pk}"


def note_missed_call(call: Call) -> MissedCall | None:
    """Put a finished missed inbound call on the worklist, once per waiting number,
    only once its outcome is final; take it off again if Asterisk's records show
    that it was answered after all (the connector was away). A withheld caller
    is on the list too, each call on its own row, as no number to call back:
    the consultants know someone tried and could not be helped."""
    if call.ended_at is None or call.records_pending or call.direction != CallDirection.INBOUND:
        return None
    if call.disposition not in _MISSED_WITHOUT_OWN_ROW:
        MissedCall.objects.filter(call=call).exclude(status=WorkStatus.DONE).delete()
        return None
    # Someone who rang five times in the night needs one callback, not five.
    if (
        call.caller_number
        and MissedCall.objects.filter(
            caller_number=call.caller_number, status__in=[WorkStatus.PENDING, WorkStatus.TAKEN]
        ).exists()
    ):
        return None
    item, _created = MissedCall.objects.get_or_create(
        call=call,
        defaults={
            "caller_number": call.caller_number,
            "caller_number_raw": call.caller_number_raw,
            "dialled_number": call.dialled_number,
            "created_at": call.started_at,
        },
    )
    return item


def open_entries() -> list[Entry]:
    """Everything still to be called back, oldest first."""
    entries = chain.from_iterable(
        (
            Entry(Kind(kind), item)
            for item in model.objects.exclude(status=WorkStatus.DONE).select_related(
                "taken_by", "call"
            )
        )
        for kind, model in MODELS.items()
    )
    return sorted(entries, key=lambda entry: (entry.item.created_at, entry.key))


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


def get_entry(kind: str, pk: int) -> Entry | None:
    model = MODELS.get(kind)
    if model is None:
        return None
    item = model.objects.select_related("taken_by", "call").filter(pk=pk).first()
    return Entry(Kind(kind), item) if item else None


def take(kind: str, pk: int, consultant: AbstractBaseUser) -> bool:
    """Claim an item for `consultant`; False when someone else has it (or it is done)."""
    model = MODELS[kind]
    now = timezone.now()
    free = Q(status=WorkStatus.PENDING) | Q(
        status=WorkStatus.TAKEN, taken_at__lt=now - CLAIM_LIFETIME
    )
    if kind == Kind.MISSED:
        free &= ~Q(caller_number="")  # no number to call back: nothing to take
    updated = model.objects.filter(free, pk=pk).update(
        status=WorkStatus.TAKEN, taken_by=consultant, taken_at=now
    )
    # Nothing got updated: another consultant got there first, or it is done.
    if updated != 1:
        return False
    # Whoever calls the client back serves them: the card opens for them.
    client = Client.objects.filter(calls__pk=model.objects.get(pk=pk).call_id).first()
    if client is not None:
        grant_card_access(consultant, client, AccessReason.CALLBACK)
    return True


def record_attempt(
    kind: str, pk: int, consultant: AbstractBaseUser, *, reached: bool, note: str = ""
) -> bool:
    """The outcome of calling an item back, by the consultant who holds it.

    Reached: the item is done and leaves the list. Not reached: one more
    attempt is counted and the item goes back for anyone to take.
    """
    model = MODELS[kind]
    mine = model.objects.filter(pk=pk, status=WorkStatus.TAKEN, taken_by=consultant)
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


def acknowledge(kind: str, pk: int, consultant: AbstractBaseUser) -> bool:
    """A missed call with no number to call back leaves the list once someone has
    seen it; who and when are kept."""
    if kind != Kind.MISSED:
        return False
    updated = (
        MissedCall.objects.filter(pk=pk, caller_number="")
        .exclude(status=WorkStatus.DONE)
        .update(
            status=WorkStatus.DONE,
            taken_by=consultant,
            taken_at=timezone.now(),
            done_at=timezone.now(),
        )
    )
    return updated == 1


def give_back(kind: str, pk: int, consultant: AbstractBaseUser) -> bool:
    """Put back an item taken by mistake, without counting an attempt."""
    updated = (
        MODELS[kind]
        .objects.filter(pk=pk, status=WorkStatus.TAKEN, taken_by=consultant)
        .update(status=WorkStatus.PENDING, taken_by=None, taken_at=None)
    )
    return updated == 1
