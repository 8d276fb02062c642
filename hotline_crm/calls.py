"""The calls the CRM shows next to its cards and forms, through a small interface.

The call journal belongs to the connector, and the CRM never imports it
(dependencies point one way). The connector registers its journal here when
it is loaded (`hotline_asterisk_connector/crm_journal.py`); the CRM asks it
only these questions and never touches its rows itself.
"""

from typing import Any, Protocol

from django.db.models import QuerySet

from hotline_crm.models import Client, Consultation
from hotline_crm.roles import User


class CallJournal(Protocol):
    def client_ids_served_by(self, user: User) -> QuerySet:
        """Ids of the clients whose calls `user` answered or was rung for (one `client_id`
        column, for a subquery)."""

    def served_call_of(self, user: User, client_pk: int) -> bool:
        """Whether `user` answered or was rung for a call of this one client (cheap probes,
        not the subquery above filtered to one card)."""

    def calls_of(self, client: Client) -> list[Any]:
        """The client's calls, with their consultant."""

    def undocumented_call(self, client: Client, call_id: int, consultant: User | None) -> Any:
        """The client's call `call_id` if no form documents it yet (and, given a
        consultant, if they handled it), else None."""

    def document(self, call: Any, consultation: Consultation) -> None:
        """Link the form to the call, unless another form got there first."""


_journal: CallJournal | None = None


def register(journal: CallJournal) -> None:
    global _journal
    _journal = journal


def journal() -> CallJournal:
    if _journal is None:
        raise RuntimeError("No call journal registered: is the connector app installed?")
    return _journal
