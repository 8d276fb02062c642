"""The connector's side of the CRM's call interface (`hotline_crm/calls.py`)."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from hotline_asterisk_connector.models import Call
from hotline_crm.models import Client, Consultation
from hotline_crm.roles import User


class ConnectorCallJournal:
    def client_ids_served_by(self, user: User) -> QuerySet:
        # Rung for the call (the screen pop opens the card) or answered it.
        return Call.objects.filter(Q(consultant=user) | Q(legs__consultant=user)).values(
            "client_id"
        )

    def served_call_of(self, user: User, client_pk: int) -> bool:
        calls = Call.objects.filter(client_id=client_pk)
        return (
            calls.filter(consultant=user).exists() or calls.filter(legs__consultant=user).exists()
        )

    def calls_of(self, client: Client) -> list[Call]:
        return list(Call.objects.filter(client=client).select_related("consultant"))

    def undocumented_call(
        self, client: Client, call_id: int, consultant: User | None
    ) -> Call | None:
        calls = Call.objects.filter(client=client, pk=call_id, consultation__isnull=True)
        if consultant is not None:
            calls = calls.filter(consultant=consultant)
        return calls.first()

    def document(self, call: Call, consultation: Consultation) -> None:
        # Two forms may race for the same call: only the first one gets it.
        Call.objects.filter(pk=call.pk, consultation__isnull=True).update(
            consultation=consultation, updated_at=timezone.now()
        )
