"""Who may see which card, form and call: the one place the CRM's access rules live.

Supervisors and administrators see everything. A consultant sees every form
they wrote and the cards of clients they serve: cards they created, wrote a
form for, were rung for or answered a call from, or took a callback for.
Any other card opens only by break-glass (its exact number and a stated
reason, see `services.break_glass`): read-only, for BREAK_GLASS_HOURS, until
the consultant acts on it by writing a form, which makes them serve it.
Other consultants' forms on a card show only that they exist, never their
text. Views fetch objects only through these functions, so an object
outside the user's reach is a 404, exactly like one that does not exist.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hotline_crm import calls
from hotline_crm.models import AccessReason, BreakGlass, Client, ClientAccess, Consultation
from hotline_crm.roles import User, is_staff_member, is_supervisor

SERVING_REASONS = [AccessReason.CREATED, AccessReason.CALL, AccessReason.CALLBACK]


def clients_for(user: User) -> QuerySet[Client]:
    """The cards the user may read: those they serve, and those opened by break-glass."""
    if is_supervisor(user):
        return Client.objects.all()
    return served_clients_for(user) | Client.objects.filter(
        pk__in=active_break_glass(user).values("client_id")
    )


def served_clients_for(user: User) -> QuerySet[Client]:
    """The cards the user may change: those they serve."""
    if is_supervisor(user):
        return Client.objects.all()
    if not is_staff_member(user):
        return Client.objects.none()
    return Client.objects.filter(
        Q(pk__in=Consultation.objects.filter(consultant=user).values("client_id"))
        | Q(pk__in=calls.journal().client_ids_served_by(user))
        | Q(
            pk__in=ClientAccess.objects.filter(user=user, reason__in=SERVING_REASONS).values(
                "client_id"
            )
        )
    )


def active_break_glass(user: User) -> QuerySet[BreakGlass]:
    if not is_staff_member(user):
        return BreakGlass.objects.none()
    since = timezone.now() - timedelta(hours=settings.HOTLINE_BREAK_GLASS_HOURS)
    return BreakGlass.objects.filter(user=user, at__gte=since)


def serves(user: User, client_pk: int) -> bool:
    """Whether the user serves this one card: `served_clients_for`, asked of one card.

    The queryset above suits lists; filtered to one card, the database still
    gathers every card the consultant ever served first (a million calls'
    legs). Here each reason is one probe on the card's own rows instead.
    """
    if is_supervisor(user):
        return True
    if not is_staff_member(user):
        return False
    return (
        Consultation.objects.filter(client_id=client_pk, consultant=user).exists()
        or calls.journal().served_call_of(user, client_pk)
        or ClientAccess.objects.filter(
            client_id=client_pk, user=user, reason__in=SERVING_REASONS
        ).exists()
    )


def opened_by_break_glass(user: User, client: Client) -> bool:
    """Read-only for the user: reached by break-glass, not served."""
    return not serves(user, client.pk)


def consultations_for(user: User) -> QuerySet[Consultation]:
    """The forms whose text the user may read."""
    if is_supervisor(user):
        return Consultation.objects.all()
    if not is_staff_member(user):
        return Consultation.objects.none()
    return Consultation.objects.filter(consultant=user)


def client_or_404(user: User, pk: int) -> Client:
    client = _get_or_404(Client.objects.all(), pk)
    if serves(user, pk) or active_break_glass(user).filter(client_id=pk).exists():
        return client
    raise Http404


def served_client_or_404(user: User, pk: int) -> Client:
    client = _get_or_404(Client.objects.all(), pk)
    if not serves(user, pk):
        raise Http404
    return client


def consultation_or_404(user: User, pk: int) -> Consultation:
    return _get_or_404(consultations_for(user).select_related("client", "consultant"), pk)


def may_see_client(user: User, client: Client) -> bool:
    return serves(user, client.pk) or active_break_glass(user).filter(client_id=client.pk).exists()


def call_to_document(user: User, client: Client, call_id: str | None) -> Any | None:
    """The client's call a new form may be attached to: one the user handled, not yet documented."""
    # More than 18 digits is no id (PostgreSQL's bigint), just a database error.
    if not call_id or not call_id.isdigit() or len(call_id) > 18:
        return None
    consultant = None if is_supervisor(user) else user
    return calls.journal().undocumented_call(client, int(call_id), consultant)


@dataclass(frozen=True)
class HistoryEntry:
    """One contact on a client's history. `restricted`: the user may know only that it happened."""

    at: datetime
    kind: str
    item: Any
    restricted: bool


def client_history(user: User, client: Client) -> list[HistoryEntry]:
    """The client's consultations and calls, newest first."""
    sees_all = is_supervisor(user)
    entries = [
        HistoryEntry(
            at=form.created_at,
            kind="consultation",
            item=form,
            restricted=not sees_all and form.consultant_id != user.pk,
        )
        for form in client.consultations.select_related("consultant").prefetch_related(
            "topics__category"
        )
    ]
    entries += [
        HistoryEntry(
            at=call.started_at,
            kind="call",
            item=call,
            # A missed call belongs to nobody's work: every consultant may see it.
            restricted=not sees_all and call.consultant_id not in (None, user.pk),
        )
        for call in calls.journal().calls_of(client)
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def _get_or_404(queryset: QuerySet, pk: int) -> Any:
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise Http404 from None
