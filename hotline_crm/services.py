"""Every write the CRM makes: one function per business action, with its side effects."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from hotline_audit.trail import Kind, record
from hotline_crm import calls
from hotline_crm.access import clients_for
from hotline_crm.models import (
    AccessReason,
    BreakGlass,
    BreakGlassReason,
    Client,
    ClientAccess,
    ClientPhone,
    Consultation,
    Topic,
    fold_name,
)
from hotline_crm.phones import lookup_key
from hotline_crm.roles import User, is_supervisor

# The demographic fields a consultation form may update on the card.
DEMOGRAPHIC_FIELDS = ["age", "age_status", "gender", "oblast", "settlement_type"]
SEARCH_LIMIT = 50
_LETTERS = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


class PhoneNumberTaken(Exception):
    """Another card saved the number between validation and saving."""

    def __init__(self, number: str) -> None:
        super().__init__(number)
        self.number = number


@dataclass
class ClientSearch:
    query: str
    by_phone: bool = False
    number: str = ""
    clients: list[Client] = field(default_factory=list)
    # The number is on a card the user does not serve: it opens only by break-glass.
    behind_glass: bool = False


def grant_card_access(user: User, client: Client, reason: AccessReason) -> None:
    """Let a consultant open this card from now on; supervisors see every card anyway.

    The connector calls this when it pops a card up for a ringing consultant.
    """
    if is_supervisor(user):
        return
    ClientAccess.objects.get_or_create(user=user, client=client, defaults={"reason": reason})


def find_clients(user: User, query: str) -> ClientSearch:
    """Cards by exact phone number or by name, among those the user may read.

    A number on a card the user may not read is reported as `behind_glass`,
    nothing more: neither the card's number nor anything on it.
    """
    text = query.strip()
    if looks_like_phone(text):
        number = lookup_key(text)
        on_number = Client.objects.filter(phones__number=number)
        clients = list(clients_for(user).filter(pk__in=on_number).prefetch_related("phones"))
        return ClientSearch(
            query=text,
            by_phone=True,
            number=number,
            clients=clients,
            behind_glass=not clients and on_number.exists(),
        )
    if not text:
        return ClientSearch(query=text)
    matches = (
        clients_for(user)
        .filter(name_key__contains=fold_name(text))
        .prefetch_related("phones")
        .order_by("name_key", "pk")[:SEARCH_LIMIT]
    )
    return ClientSearch(query=text, clients=list(matches))


def break_glass(
    request, *, number: str, reason: BreakGlassReason, explanation: str
) -> Client | None:
    """Open the card with this exact number for a consultant who does not serve it.

    The card becomes readable (not editable) for BREAK_GLASS_HOURS; the
    opening, with its reason, goes on the audit trail for supervisors.
    None when no card has the number.
    """
    client = Client.objects.filter(phones__number=lookup_key(number)).first()
    if client is None:
        return None
    BreakGlass.objects.create(
        user=request.user, client=client, reason=reason, explanation=explanation
    )
    record(
        Kind.BREAK_GLASS,
        request=request,
        obj=client,
        client=client,
        detail=f"{BreakGlassReason(reason).label}: {explanation}",
    )
    return client


def looks_like_phone(text: str) -> bool:
    return not _LETTERS.search(text) and len(_DIGIT.findall(text)) >= 3


@transaction.atomic
def create_client(*, by: User, client: Client, phones: Iterable[ClientPhone]) -> Client:
    client.created_by = by
    client.save()
    _save_phones(client, phones, removed=())
    grant_card_access(by, client, AccessReason.CREATED)
    return client


@transaction.atomic
def update_client(
    *,
    by: User,
    client: Client,
    phones: Iterable[ClientPhone],
    removed: Iterable[ClientPhone] = (),
    request=None,
) -> Client:
    client.save()
    _save_phones(client, phones, removed)
    record(Kind.CARD_EDIT, request=request, user=by, obj=client, client=client)
    return client


@transaction.atomic
def record_consultation(
    *,
    by: User,
    client: Client,
    consultation: Consultation,
    topics: Iterable[Topic],
    call: Any | None = None,
) -> Consultation:
    """Save a new form: the card's demographics as edited on it, then frozen onto the form."""
    client.last_contact_at = timezone.now()
    client.save(update_fields=[*DEMOGRAPHIC_FIELDS, "last_contact_at", "updated_at"])
    consultation.client = client
    consultation.consultant = by
    consultation.take_snapshot()
    consultation.save()
    consultation.topics.set(topics)
    record(Kind.FORM_EDIT, user=by, obj=consultation, client=client, detail="created")
    if call is not None:
        calls.journal().document(call, consultation)
    return consultation


@transaction.atomic
def update_consultation(
    *, by: User, consultation: Consultation, topics: Iterable[Topic]
) -> Consultation:
    """Correct a form; its demographic snapshot stays as it was at the time of the contact."""
    consultation.save()
    consultation.topics.set(topics)
    record(Kind.FORM_EDIT, user=by, obj=consultation, client=consultation.client_id)
    return consultation


def _save_phones(
    client: Client, phones: Iterable[ClientPhone], removed: Iterable[ClientPhone]
) -> None:
    # Removed numbers go first, so a number can move between rows of one card.
    for phone in removed:
        phone.delete()
    for phone in phones:
        phone.client = client
        try:
            with transaction.atomic():
                phone.save()
        except IntegrityError:
            raise PhoneNumberTaken(phone.number) from None
