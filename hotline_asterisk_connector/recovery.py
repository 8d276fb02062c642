"""Catching up after the connector was away (restart, Asterisk restart, lost link).

After every (re)connection: queue membership is re-read from QueueStatus;
calls that ended meanwhile are rebuilt from Asterisk's own call records
(cdr.py) and merged; calls the journal holds as live that Asterisk no longer
has are closed; calls that began meanwhile and still go on are journaled.
A sweep merges the records of the calls seen in part, which completes calls
adopted half-way (who answered them before the restart); while connected it
has nothing to read (docs/connector.md, «Asterisk's records»).
"""

import logging
from datetime import datetime, timedelta

from django.db import close_old_connections, transaction
from django.utils import timezone

from hotline_asterisk_connector import cdr, journal, notify, presence, reconcile
from hotline_asterisk_connector.ami.protocol import Message
from hotline_asterisk_connector.events import EventRouter
from hotline_asterisk_connector.models import Call, CallDirection

log = logging.getLogger(__name__)

_MARGIN = timedelta(minutes=10)
_FIRST_LOOK_BACK = timedelta(days=7)
# Asterisk writes a call's records as its channels go; after this long without
# them they are not coming.
_RECORDS_GRACE = timedelta(minutes=2)
# A click-to-call row is written just before its Originate; give Asterisk
# time to create the channel before calling the row an orphan.
_ORIGINATE_GRACE = timedelta(seconds=30)
# Inbound calls run in the dialplan's hotline-inbound / hotline-call contexts.
_INBOUND_CONTEXTS = ("hotline-inbound", "hotline-call")


def resynchronise(
    router: EventRouter,
    members: list[Message] | None,
    channels: list[Message] | None,
    devices: list[Message] = (),
) -> list[notify.Outgoing]:
    """Re-read what changed while no events reached us. A list Asterisk did not
    send (None: its action failed) leaves its part for the next pass."""
    close_old_connections()
    with notify.collecting() as outbox:
        if members is not None:
            sync_queue_members(router, members)
        sync_devices(router, devices)
        if channels is not None:
            live_linkedids = {channel.get("Linkedid", "") for channel in channels}
            # Every call the journal holds open may have changed while we were
            # away (answered, ended): Asterisk's records decide its outcome.
            journal.mark_records_pending(_open_linkedids())
            since = _recovery_start()
            recover_ended_calls(router, live_linkedids, since)
            close_orphaned_calls(live_linkedids)
            adopt_live_calls(channels)
            # The product checks itself: what it now holds against Asterisk's records.
            report = reconcile.reconcile(since, live=live_linkedids, trigger="reconnect")
            if report.differences:
                log.error(
                    "The journal differs from Asterisk's records after reconnecting: %s",
                    "; ".join(report.differences),
                )
    return outbox


def sweep(router: EventRouter, live_linkedids: set[str]) -> tuple[list[notify.Outgoing], bool]:
    """The pass over the records of the calls seen in part (records_pending): nothing
    to read while there are none, which is always while the connector stays
    connected; the calls it saw whole need no records. Returns what to send and
    whether ended calls still wait for their records."""
    close_old_connections()
    pending = Call.objects.filter(records_pending=True)
    oldest_pending = pending.order_by("started_at").values_list("started_at", flat=True).first()
    if oldest_pending is None:
        return [], False
    with notify.collecting() as outbox:
        recover_ended_calls(
            router,
            live_linkedids,
            oldest_pending,
            only=set(pending.values_list("linkedid", flat=True)),
        )
        waiting = settle_unrecorded_calls()
    return outbox, waiting


def records_awaited() -> bool:
    """Whether any call waits for Asterisk's records (a partial index answers)."""
    close_old_connections()
    return Call.objects.filter(records_pending=True).exists()


def settle_unrecorded_calls() -> bool:
    """Ended calls seen in part whose records never came (Asterisk lost them in a
    restart) keep what the journal knows; True while others may still come."""
    waiting = Call.objects.filter(records_pending=True, ended_at__isnull=False)
    stale = waiting.filter(ended_at__lt=timezone.now() - _RECORDS_GRACE)
    for call in stale:
        log.warning("No call records of %s; its journal entry stands as it is", call.linkedid)
        with transaction.atomic():
            journal.settle(call)
    return waiting.exists()


def _open_linkedids() -> set[str]:
    return set(Call.objects.filter(ended_at__isnull=True).values_list("linkedid", flat=True))


def recover_ended_calls(
    router: EventRouter, live_linkedids: set[str], since: datetime, only: set[str] | None = None
) -> int:
    """Merge the calls Asterisk recorded as ended since `since` (of `only`, when
    given); return how many changed."""
    changed = 0
    for summary in cdr.calls_from_rows(cdr.read_rows(since), router.directory):
        if summary.linkedid in live_linkedids:
            continue  # Still going: its events are coming.
        if only is not None and summary.linkedid not in only:
            continue
        with transaction.atomic():
            if journal.recover_call(summary) is not None:
                changed += 1
                log.warning("Completed call %s from Asterisk's records", summary.linkedid)
    return changed


def _recovery_start() -> datetime:
    """Calls missed while away started after the newest journaled call, or are still open."""
    newest = Call.objects.order_by("-started_at").values_list("started_at", flat=True).first()
    oldest_open = (
        Call.objects.filter(ended_at__isnull=True)
        .order_by("started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    candidates = [moment for moment in (newest, oldest_open) if moment is not None]
    if not candidates:
        return timezone.now() - _FIRST_LOOK_BACK
    return min(candidates) - _MARGIN


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


def sync_devices(router: EventRouter, devices: list[Message]) -> None:
    """DeviceStateList lists every device as a DeviceStateChange: whose phones are up."""
    for device in devices:
        if router.wants(device):
            with transaction.atomic():
                router.device_state_change(device)


def close_orphaned_calls(live_linkedids: set[str]) -> None:
    """Calls the journal thinks are live but Asterisk has no channel for (and no record
    of: those were completed just before)."""
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


def adopt_live_calls(channels: list[Message]) -> None:
    """Inbound calls that began while the connector was away and still go on: journal
    them now, so that their remaining events have a row to land on."""
    for channel in channels:
        linkedid = channel.get("Linkedid", "")
        if not linkedid or channel.get("Uniqueid") != linkedid:
            continue
        if channel.get("Context") not in _INBOUND_CONTEXTS:
            continue
        if Call.objects.filter(linkedid=linkedid).exists():
            continue
        started = timezone.now() - timedelta(seconds=_duration_seconds(channel.get("Duration", "")))
        caller = journal.Caller.from_asterisk(
            channel.get("CallerIDNum", ""), channel.get("CallerIDName", "")
        )
        with transaction.atomic():
            journal.open_inbound_call(linkedid, linkedid, started, caller, "")
            journal.mark_records_pending({linkedid})
        log.warning("Call %s began while the connector was away; journaling it now", linkedid)


def _duration_seconds(text: str) -> int:
    """CoreShowChannels' Duration, HH:MM:SS."""
    try:
        hours, minutes, seconds = (int(part) for part in text.split(":"))
    except ValueError:
        return 0
    return hours * 3600 + minutes * 60 + seconds
