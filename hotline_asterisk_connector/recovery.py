"""Catching up after the connector was away (restart, Asterisk restart, lost link).

Queue membership is re-read from QueueStatus; calls the journal still holds
as live but that Asterisk no longer has are closed.
"""

import logging
from datetime import timedelta

from django.db import close_old_connections, transaction
from django.utils import timezone

from hotline_asterisk_connector import journal, notify, presence
from hotline_asterisk_connector.ami.protocol import Message
from hotline_asterisk_connector.events import EventRouter
from hotline_asterisk_connector.models import Call, CallDirection

log = logging.getLogger(__name__)

# A click-to-call row is written just before its Originate; give Asterisk
# time to create the channel before calling the row an orphan.
_ORIGINATE_GRACE = timedelta(seconds=30)


def resynchronise(
    router: EventRouter, members: list[Message], live_linkedids: set[str]
) -> list[notify.Outgoing]:
    close_old_connections()
    with notify.collecting() as outbox:
        sync_queue_members(router, members)
        close_orphaned_calls(live_linkedids)
    return outbox


def sync_queue_members(router: EventRouter, members: list[Message]) -> None:
    seen: set[int] = set()
    for member in members:
        if member.event != "QueueMember":
            continue
        user_id = router.directory.user_for(
            member.get("Location", ""), member.get("StateInterface", "")
        )
        if user_id is None:
            continue
        seen.add(user_id)
        with transaction.atomic():
            router.queue_member(member)
    presence.log_out_everyone_except(seen, timezone.now())


def close_orphaned_calls(live_linkedids: set[str]) -> None:
    """Calls the journal thinks are live but Asterisk has no channel for."""
    now = timezone.now()
    orphans = (
        Call.objects.filter(ended_at__isnull=True)
        .exclude(linkedid__in=live_linkedids)
        .exclude(direction=CallDirection.OUTBOUND, started_at__gt=now - _ORIGINATE_GRACE)
    )
    for linkedid in orphans.values_list("linkedid", flat=True):
        log.warning("Call %s ended while the connector was away; closing it now", linkedid)
        with transaction.atomic():
            journal.end_call(linkedid, now)
