"""The screen pop's fast path: a ring's leg written, and its pop sent, on a
connection of its own, ahead of the journal.

The journal applies events in order on one thread; under load it is a batch or
more behind Asterisk, and a pop sent by it waits for every other call's writes
ahead of its AgentCalled (at 100 calls, seconds). A pop needs much less: the
call's row with its card, and the ring's leg (the desk opens the card as the
pop arrives, and a consultant may open a card only of a call they were rung
for, hotline_workspace/access.py). So when an AgentCalled arrives, the
connector hands it at once to one of the fast path's own database threads,
which applies that one event as the journal would (`EventRouter.agent_called`,
in a transaction of its own); the journal applies it again later, in its
order, and finds the leg there: every journal write is idempotent, so nothing
is done twice and the pop goes once.

Only a ring that cannot change what the journal's earlier, not yet applied
events do takes this path (the rest wait for the journal as before):
- the call is in the journal (committed) and its caller known (else the
  journal's own AgentCalled fills it in);
- it is the first ring of that consultant for the call: a consultant's later
  ring would meet the earlier ring's events still queued (a Hangup of their
  phone ends their open leg of the call), so the connector remembers which
  consultants each call rang (`RungConsultants`), and the database has no leg
  of theirs for the call.
The connector lets the journal apply the AgentCalled only once its fast path
is done and its pop handed to the channel layer, so each consultant's
messages about the call keep their order.
"""

import enum
import logging

from django.db import IntegrityError, transaction
from django.db.models import Q

from hotline_asterisk_connector import journal, notify
from hotline_asterisk_connector.ami.protocol import Message
from hotline_asterisk_connector.directory import extension_of
from hotline_asterisk_connector.events import EventRouter, caller_channel
from hotline_asterisk_connector.models import Call, CallLeg

log = logging.getLogger(__name__)


class Outcome(enum.Enum):
    POPPED = "popped"  # the leg is written and the pop is in the outbox
    NOT_YET = "not yet"  # the call is not in the journal yet: try after its next commit
    JOURNAL = "journal"  # left to the journal, in its order


def ring(router: EventRouter, message: Message) -> tuple[Outcome, list[notify.Outgoing]]:
    """Apply one AgentCalled ahead of the journal, when that is safe (see above).
    Runs on one of the fast path's own database threads."""
    linkedid = message.get("Linkedid", "")
    leg_uniqueid = message.get("DestUniqueid", "")
    consultant_id = router.directory.user_for(
        message.get("Interface", ""), message.get("DestChannel", "")
    )
    if not linkedid or not leg_uniqueid or consultant_id is None:
        return Outcome.JOURNAL, []
    try:
        # Unguarded insert: a leg the journal wrote meanwhile is an IntegrityError,
        # and this transaction is rolled back whole.
        with transaction.atomic(), notify.collecting() as produced, journal.without_savepoints():
            call = Call.objects.select_related("client").filter(linkedid=linkedid).first()
            if call is None:
                return Outcome.NOT_YET, []
            if not (call.caller_number or call.caller_withheld) and caller_channel(message):
                return Outcome.JOURNAL, []
            rung_before = CallLeg.objects.filter(
                Q(uniqueid=leg_uniqueid) | Q(call=call, consultant_id=consultant_id)
            )
            if rung_before.exists():
                return Outcome.JOURNAL, []
            router.agent_called(message, call=call)
    except IntegrityError:
        return Outcome.JOURNAL, []
    return Outcome.POPPED, produced


class RungConsultants:
    """Which consultants' extensions each call has rung in this process, seen as
    the events arrive (before the journal applies them); forgotten as the call's
    caller hangs up."""

    def __init__(self) -> None:
        self._rung: dict[str, set[str]] = {}

    def first_ring(self, message: Message) -> bool:
        """Note the ring an event starts (AgentCalled, or DialBegin to a consultant's
        phone); True when it is the call's first ring of that extension."""
        linkedid = message.get("Linkedid", "")
        match message.event:
            case "AgentCalled":
                extension = extension_of(message.get("Interface", ""))
            case "DialBegin":
                linkedid = linkedid or message.get("DestLinkedid", "")
                extension = extension_of(message.get("DestChannel", ""))
            case "Hangup" if linkedid and message.get("Uniqueid") == linkedid:
                self._rung.pop(linkedid, None)
                return False
            case _:
                return False
        if not linkedid or extension is None:
            return False
        rung = self._rung.setdefault(linkedid, set())
        if extension in rung:
            return False
        rung.add(extension)
        return True
