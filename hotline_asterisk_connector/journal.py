"""The call journal's service functions: one per thing that happens to a call.

Every function is keyed by Asterisk's own identifiers (linkedid for the call,
uniqueid for a leg) and only ever fills a field that is still empty or moves
an outcome to a stronger one, so the same event applied twice, or events that
arrive out of order, leave the same rows behind.
"""

import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Q, QuerySet, Subquery, When

from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    CallLeg,
    Device,
    Disposition,
)
from hotline_asterisk_connector.publish import (
    CallbackRequested,
    CallChange,
    CallChanged,
    CallSettled,
    LegEnded,
    LegRung,
    LegTaken,
    MessageLeft,
    publish,
)
from hotline_asterisk_connector.statements import Statement, insert, update
from hotline_crm.models import Client, ClientPhone
from hotline_crm.phones import is_withheld, normalise

if TYPE_CHECKING:
    from hotline_asterisk_connector.cdr import RecoveredCall

# A later event may only move a call to an outcome that says more about it:
# a caller who reached the menu and then left a message is a voicemail, and
# anything a consultant answered is answered.
_RANK = {
    Disposition.IN_PROGRESS: 0,
    Disposition.ABANDONED: 1,
    Disposition.OUTBOUND_NOT_ANSWERED: 1,
    Disposition.NOBODY_AVAILABLE: 2,
    Disposition.OFF_HOURS: 3,
    Disposition.OVER_LIMIT: 3,
    Disposition.CALLBACK_REQUESTED: 4,
    Disposition.VOICEMAIL: 5,
    Disposition.ANSWERED: 6,
    Disposition.OUTBOUND_ANSWERED: 6,
}


@dataclass(frozen=True)
class Caller:
    """The caller as their network presented them, exactly as sent; a withheld
    number is kept as withheld, never as the word the carrier put in its place."""

    number: str
    name: str = ""
    withheld: bool = False

    @classmethod
    def from_asterisk(cls, number: str, name: str, presentation: str = "") -> "Caller":
        if is_withheld(number, presentation):
            # The caller asked not to be identified: keep neither number nor name
            # (the name of a restricted presentation is the carrier's "Anonymous").
            return cls(number="", name="", withheld=True)
        # Asterisk writes "<unknown>" for a missing caller ID name; that is no name.
        return cls(number=number, name="" if name == "<unknown>" else name)


# What a save of a newly proposed outcome writes.
_DISPOSITION = ["disposition", "updated_at"]


def rank(disposition: str) -> int:
    """How much an outcome says about a call (see _RANK)."""
    return _RANK[Disposition(disposition)]


def identify_client(number: str) -> Client | None:
    """The card whose phone is `number`, in the form `normalise` gives (E.164 when it
    parses), or None for an unknown caller."""
    if not number:
        return None
    match = _PHONE.first(number)
    return match.client if match else None


_PHONE = Statement(
    lambda number: ClientPhone.objects.filter(number=number).select_related("client")[:1],
    "\0number",
)


def open_inbound_call(
    linkedid: str, uniqueid: str, at: datetime, caller: Caller, dialled_number: str
) -> Call:
    """A caller reached one of the hotline's numbers. A call not journaled yet is
    written whole at once (one INSERT, no UPDATE after it); in a connector's
    batch without its read first (see `_unread`)."""
    call = None if _unread(linkedid) else known_call(linkedid)
    new = call is None
    if call is None:
        call = Call(linkedid=linkedid, uniqueid=linkedid, started_at=at)
    changed = _filled(
        call,
        uniqueid=uniqueid,
        dialled_number=dialled_number,
        caller_number_raw=caller.number,
        caller_name=caller.name,
    )
    if not call.caller_number and caller.number:
        call.caller_number = normalise(caller.number).value
        call.client = identify_client(call.caller_number)
        changed += ["caller_number", "client"]
    if caller.withheld and not call.caller_withheld and not call.caller_number:
        call.caller_withheld = True
        changed.append("caller_withheld")
    if at < call.started_at:
        call.started_at = at
        changed.append("started_at")
    if new and not _inserted(call):
        # Another connector process wrote it first: add to what it wrote.
        return open_inbound_call(linkedid, uniqueid, at, caller, dialled_number)
    if new or changed:
        if not new:
            update(call, [*changed, "updated_at"])
        publish(CallChanged(call))
    return call


def open_outbound_call(
    linkedid: str,
    uniqueid: str,
    at: datetime,
    consultant_id: int | None,
    number: str,
    dialled_number: str,
) -> Call | None:
    """The dialplan is dialling out through a trunk for a consultant (click-to-call or
    their own phone's dial pad) on the channel `uniqueid`. A call not journaled yet
    (the dial pad's) is written whole at once, in a connector's batch without its
    read first; click-to-call wrote its row, with its card, before dialling: the
    row is written again only where the event adds to it."""
    call = None if _dialled_on_the_phone(linkedid, uniqueid) else known_call(linkedid)
    new = call is None
    if call is None:
        call = Call(linkedid=linkedid, uniqueid=linkedid, started_at=at)
    elif call.direction == CallDirection.INBOUND and call.dialled_number:
        # An inbound call that a consultant passes on to an outside number: it stays
        # the caller's inbound call.
        return None
    fields = _filled(call, dialled_number=dialled_number, callee_number=normalise(number).value)
    if call.direction != CallDirection.OUTBOUND:
        call.direction = CallDirection.OUTBOUND
        fields.append("direction")
    if call.consultant_id is None and consultant_id is not None:
        call.consultant_id = consultant_id
        fields.append("consultant")
    if call.client_id is None and call.callee_number and not _originated(linkedid):
        # Click-to-call looked the card up as it wrote the row. Only a card the
        # journal finds here is written: one the web process linked meanwhile is
        # not written over.
        call.client = identify_client(call.callee_number)
        fields.append("client")
    if new and not _inserted(call):
        # Another connector process wrote it first: add to what it wrote.
        return open_outbound_call(linkedid, uniqueid, at, consultant_id, number, dialled_number)
    if not new and fields:
        update(call, [*fields, "updated_at"])
    publish(CallChanged(call))
    return call


def mark_queued(linkedid: str, at: datetime, caller: Caller | None = None) -> None:
    """The caller joined the queue; `caller` as the event names them (see _with_caller)."""
    call = _with_caller(_call(linkedid, at), at, caller)
    if call.queued_at is None:
        call.queued_at = at
        update(call, ["queued_at", "updated_at"])
        publish(CallChanged(call))


def mark_left_queue(linkedid: str, at: datetime) -> None:
    """The caller left the queue (answered, timed out or hung up): the wait is over."""
    call = _call(linkedid, at)
    if call.wait_seconds is None and call.queued_at is not None:
        call.wait_seconds = _seconds(call.queued_at, at)
        update(call, ["wait_seconds", "updated_at"])


def record_leg_rung(
    linkedid: str,
    leg_uniqueid: str,
    at: datetime,
    interface: str,
    consultant_id: int | None,
    caller: Caller | None = None,
    known_only: bool = False,
    call: Call | None = None,
) -> CallLeg | None:
    """A device started ringing for the call (the workspace pops the card on its screen,
    so the call is read with its client: the pop needs no query of its own);
    `caller` as the event names them (see _with_caller). With `known_only`, a call
    not in the journal is left alone (None); `call`: the call, read with its client."""
    if call is None and known_only:
        call = known_call(linkedid)
        if call is None:
            return None
    call = _with_caller(call or _call(linkedid, at), at, caller)
    leg, created = _leg(call, leg_uniqueid, at, interface, consultant_id)
    if created:
        publish(LegRung(call, consultant_id))
    return leg


def record_leg_answered(
    linkedid: str,
    leg_uniqueid: str,
    at: datetime,
    interface: str,
    consultant_id: int | None,
    *,
    hold_seconds: int | None = None,
    ring_seconds: int | None = None,
    device: Device | None = None,
    call: Call | None = None,
) -> None:
    """A consultant picked up: the caller's wait ends and the conversation starts.

    `device` is the phone that answered, when the event names it (the queue's
    own events name only the consultant's Local channel); `call`, the call of
    `linkedid` when the caller has read it already."""
    call = call or _call(linkedid, at)
    if _caller_gone(call, at):
        # The phone picked up as the caller hung up (the queue had not yet taken
        # the ring back): nobody talked, the call stays as the caller left it.
        return
    leg, _created = _leg(call, leg_uniqueid, at, interface, consultant_id)
    fields = []
    if device is not None and not leg.answered_on:
        leg.answered_on = device
        fields.append("answered_on")
    newly_answered = leg.answered_at is None
    if newly_answered:
        leg.answered_at = at
        leg.ring_seconds = ring_seconds if ring_seconds is not None else _seconds(leg.rang_at, at)
        fields += ["answered_at", "ring_seconds"]
    if fields:
        update(leg, fields)
    if newly_answered and call.answered_at is not None and consultant_id is not None:
        # A transferred call: the new consultant has it now.
        publish(LegTaken(call, consultant_id))
    if call.direction == CallDirection.OUTBOUND:
        return
    if call.answered_at is None:
        call.answered_at = at
        call.consultant_id = call.consultant_id or consultant_id
        if hold_seconds is not None:
            call.wait_seconds = hold_seconds
        elif call.wait_seconds is None:
            call.wait_seconds = _seconds(call.queued_at or call.started_at, at)
        _propose(call, Disposition.ANSWERED)
        update(call, ["answered_at", "consultant", "wait_seconds", "disposition", "updated_at"])
        publish(CallChanged(call, CallChange.ANSWERED, consultant_id))


def record_leg_ended(
    leg_uniqueid: str,
    at: datetime,
    ring_seconds: int | None = None,
    *,
    linkedid: str = "",
    consultant_id: int | None = None,
    device: Device | None = None,
) -> None:
    """A rung device stopped: it hung up, or it was not answered in time.

    A consultant's device channel is not the leg's own channel when it was rung
    through a Local channel; then the consultant's open leg of the call ends.
    `linkedid`: the call, when the event names it (its row may be kept already)."""
    # Most hung-up channels are no leg at all: the query is the event's whole cost.
    call = _kept(linkedid)
    if linkedid and consultant_id is not None:
        leg = _CHANNEL_OR_OPEN_LEG.first(leg_uniqueid, linkedid, consultant_id)
    else:
        leg = _CHANNEL_LEG.first(leg_uniqueid)
    another_channel = leg is not None and leg.uniqueid != leg_uniqueid
    if another_channel and leg.answered_on and device is not None and device != leg.answered_on:
        return  # Another phone of the consultant rang and stopped; this one talks on.
    if leg is None or leg.ended_at is not None:
        return
    leg.ended_at = at
    if leg.answered_at is None and leg.ring_seconds is None:
        leg.ring_seconds = ring_seconds if ring_seconds is not None else _seconds(leg.rang_at, at)
    update(leg, ["ended_at", "ring_seconds"])
    if call is None or call.pk != leg.call_id:
        call = leg.call
    publish(LegEnded(call, leg.consultant_id, answered=leg.answered_at is not None))


def record_outbound_answered(linkedid: str, at: datetime, call: Call | None = None) -> None:
    """The person a consultant called picked up (`call`: as record_leg_answered)."""
    call = call or _call(linkedid, at)
    if call.answered_at is None:
        call.answered_at = at
        _propose(call, Disposition.OUTBOUND_ANSWERED)
        update(call, ["answered_at", "disposition", "updated_at"])
        publish(CallChanged(call))


def record_abandoned(linkedid: str, at: datetime, hold_seconds: int | None) -> None:
    """The caller hung up while waiting in the queue.

    The queue connects a caller to the consultant whose phone answered (AgentConnect)
    or, when the caller is gone first, gives them up (this event). The journal
    takes the answer from the phone's own DialEnd, a moment before the queue
    decides; when the phone picked up as the caller hung up, that answer was
    no conversation, and Asterisk's records show none: it is taken back."""
    call = _call(linkedid, at)
    fields = ["wait_seconds", "disposition", "updated_at"]
    if _answered_while_waiting(call, at, hold_seconds):
        call.answered_at = None
        call.consultant_id = None
        call.wait_seconds = hold_seconds
        call.disposition = Disposition.IN_PROGRESS
        fields += ["answered_at", "consultant"]
    if call.wait_seconds is None:
        call.wait_seconds = hold_seconds
    _propose(call, Disposition.ABANDONED)
    update(call, fields)
    publish(CallChanged(call))


def _answered_while_waiting(call: Call, at: datetime, hold_seconds: int | None) -> bool:
    """Whether the call's answer came during the wait that ends at `at`, not before
    it (a caller a consultant passed back to the queue talked before waiting again)."""
    if call.answered_at is None or call.direction != CallDirection.INBOUND:
        return False
    waiting_since = call.queued_at or call.started_at
    if hold_seconds is not None:
        waiting_since = max(waiting_since, at - timedelta(seconds=hold_seconds + 1))
    return call.answered_at >= waiting_since


def record_outcome(linkedid: str, at: datetime, disposition: Disposition) -> None:
    """The dialplan sent the caller down a branch: outside hours, over the limit, nobody free."""
    call = _call(linkedid, at)
    if _propose(call, disposition):
        update(call, _DISPOSITION)
        publish(CallChanged(call))


def record_voicemail(
    linkedid: str, at: datetime, audio_file: str, duration_seconds: int | None
) -> None:
    """The caller left a voice message (the worklist keeps it: MessageLeft)."""
    call = _call(linkedid, at)
    if _propose(call, Disposition.VOICEMAIL):
        update(call, _DISPOSITION)
    audio = stored_path(audio_file, settings.VOICEMAIL_DIR)
    publish(MessageLeft(call, at, audio, duration_seconds))
    publish(CallChanged(call))


def record_callback_request(
    linkedid: str, at: datetime, number_to_call: str, *, may_say_who_we_are: bool | None = None
) -> None:
    """The caller keyed in a number to be called back on, and said whether the
    consultant may say who they are to someone else who answers (None: no answer).
    The worklist keeps the request (CallbackRequested)."""
    call = _call(linkedid, at)
    if _propose(call, Disposition.CALLBACK_REQUESTED):
        update(call, _DISPOSITION)
    publish(CallbackRequested(call, at, normalise(number_to_call).value, may_say_who_we_are))
    publish(CallChanged(call))


def record_recording(linkedid: str, at: datetime, recording_file: str) -> None:
    call = _call(linkedid, at)
    if _caller_gone(call, at):
        return  # Started on a phone that answered into nothing: the file stays empty.
    if not call.recording_file and recording_file:
        call.recording_file = stored_path(recording_file, settings.RECORDINGS_DIR)
        update(call, ["recording_file", "updated_at"])


def record_recording_declined(linkedid: str, at: datetime) -> None:
    call = _call(linkedid, at)
    if not call.recording_declined:
        call.recording_declined = True
        update(call, ["recording_declined", "updated_at"])


def end_call(linkedid: str, at: datetime) -> Call | None:
    """The call's first channel hung up: settle the times and the outcome."""
    call = known_call(linkedid)
    if call is None or call.ended_at is not None:
        return call
    call.ended_at = max(at, call.started_at)
    if call.answered_at is not None:
        # Asterisk's own TalkTime (AgentComplete) may have come first; a transfer
        # makes the whole call longer than the first consultant's part.
        call.talk_seconds = max(call.talk_seconds or 0, _seconds(call.answered_at, call.ended_at))
    elif call.wait_seconds is None and call.queued_at is not None:
        call.wait_seconds = _seconds(call.queued_at, call.ended_at)
    if call.disposition == Disposition.IN_PROGRESS:
        call.disposition = (
            Disposition.OUTBOUND_NOT_ANSWERED
            if call.direction == CallDirection.OUTBOUND
            else Disposition.ABANDONED
        )
    # Only the fields settled here: a consultation form saved meanwhile in the
    # web process links itself to this row and must not be written over.
    update(call, ["ended_at", "talk_seconds", "wait_seconds", "disposition", "updated_at"])
    call.legs.filter(ended_at__isnull=True).update(ended_at=call.ended_at)
    publish(CallChanged(call, CallChange.ENDED))
    return call


def recover_call(recovered: "RecoveredCall") -> Call | None:
    """Merge a call rebuilt from Asterisk's records into the journal.

    Every step is one of the idempotent functions above, so merging a call the
    events already journaled adds nothing; for a call whose events were missed
    (the connector was down) it adds what the records know. Returns the call
    when this merge changed it."""
    linkedid = recovered.linkedid
    before = Call.objects.filter(linkedid=linkedid).values().first()
    # A call the events opened keeps their start (the record's is the channel's).
    at = before["started_at"] if before else recovered.started_at
    seen_in_part = bool(before and before["records_pending"])
    if recovered.direction == CallDirection.OUTBOUND:
        open_outbound_call(
            linkedid,
            linkedid,
            at,
            recovered.consultant_id,
            recovered.callee_number,
            recovered.dialled_number,
        )
        if recovered.answered_at is not None:
            record_outbound_answered(linkedid, recovered.answered_at)
    else:
        caller = Caller.from_asterisk(recovered.caller_number, recovered.caller_name)
        open_inbound_call(linkedid, linkedid, at, caller, recovered.dialled_number)
        _recover_legs(linkedid, recovered)
    for outcome in recovered.outcomes:
        record_outcome(linkedid, recovered.ended_at, outcome)
    if recovered.callback_number:
        record_callback_request(linkedid, recovered.ended_at, recovered.callback_number)
    if Disposition.VOICEMAIL in recovered.outcomes:
        _recover_voicemail(linkedid, recovered.ended_at)
    if recovered.recording:
        record_recording(linkedid, at, recovered.recording)
    call = end_call(linkedid, recovered.ended_at)
    if call is not None and seen_in_part:
        correct_from_records(call, recovered)
    elif call is not None and call.talk_seconds is None and call.answered_at is not None:
        # Ended by the events before the records told who answered.
        call.talk_seconds = _seconds(call.answered_at, call.ended_at)
        update(call, ["talk_seconds", "updated_at"])
    after = Call.objects.filter(linkedid=linkedid).values().first()
    changed = {k: v for k, v in (after or {}).items() if k != "updated_at"} != {
        k: v for k, v in (before or {}).items() if k != "updated_at"
    }
    return call if changed else None


def correct_from_records(call: Call, recovered: "RecoveredCall") -> None:
    """The connector was away for part of this call: what it guessed (abandoned, a
    wait up to the hang-up, an end at reconnection) gives way to what Asterisk
    recorded — who answered and when, and when the call ended. The rule per
    field is in docs/connector.md («Which source wins»)."""
    call.ended_at = max(recovered.ended_at, call.started_at)
    if call.direction == CallDirection.INBOUND and recovered.answered_at is not None:
        call.answered_at = recovered.answered_at
        call.consultant_id = recovered.consultant_id or call.consultant_id
        call.wait_seconds = _seconds(call.queued_at or call.started_at, call.answered_at)
        if call.disposition in Disposition.missed() or call.disposition == Disposition.IN_PROGRESS:
            call.disposition = Disposition.ANSWERED
        _answer_recorded_leg(call, recovered)
    elif call.direction == CallDirection.OUTBOUND and recovered.answered_at is not None:
        call.answered_at = recovered.answered_at
        _propose(call, Disposition.OUTBOUND_ANSWERED)
    if call.answered_at is not None:
        call.talk_seconds = _seconds(call.answered_at, call.ended_at)
    call.records_pending = False
    update(
        call,
        [
            "ended_at",
            "answered_at",
            "consultant",
            "wait_seconds",
            "talk_seconds",
            "disposition",
            "records_pending",
            "updated_at",
        ],
    )
    publish(CallSettled(call))


def _answer_recorded_leg(call: Call, recovered: "RecoveredCall") -> None:
    """The journaled leg of the consultant who, by the records, answered."""
    answering = next(
        (leg for leg in recovered.legs if leg.answered_at == recovered.answered_at), None
    )
    if answering is None:
        return
    leg = call.legs.filter(consultant_id=answering.consultant_id).order_by("-rang_at").first()
    if leg is not None and leg.answered_at is None:
        leg.answered_at = answering.answered_at
        leg.ring_seconds = _seconds(leg.rang_at, answering.answered_at)
        leg.ended_at = answering.ended_at
        update(leg, ["answered_at", "ring_seconds", "ended_at"])


def settle(call: Call) -> None:
    """The outcome is final as it stands (Asterisk has no record to add)."""
    if call.records_pending:
        call.records_pending = False
        update(call, ["records_pending", "updated_at"])
        publish(CallSettled(call))


def mark_records_pending(linkedids: set[str]) -> int:
    """Calls the connector did not see whole: their outcome waits for the records."""
    return Call.objects.filter(linkedid__in=linkedids).update(records_pending=True)


def record_agent_complete(
    linkedid: str,
    at: datetime,
    consultant_id: int | None,
    *,
    hold_seconds: int | None,
    talk_seconds: int | None,
) -> None:
    """Asterisk's own wait and talk (AgentComplete HoldTime/TalkTime) of the
    consultant who answered, which hold even when the events' times do not (a
    stream replayed without Timestamp)."""
    call = known_call(linkedid)
    if call is None or call.answered_at is None or call.direction != CallDirection.INBOUND:
        return
    if consultant_id is None or consultant_id != call.consultant_id:
        return  # A transfer target's part, not the call's answer.
    fields = []
    if hold_seconds is not None and call.wait_seconds != hold_seconds:
        call.wait_seconds = hold_seconds
        fields.append("wait_seconds")
    if talk_seconds is not None and (call.talk_seconds or 0) < talk_seconds:
        call.talk_seconds = talk_seconds
        fields.append("talk_seconds")
    if fields:
        update(call, [*fields, "updated_at"])


def record_consultant_lost(linkedid: str, at: datetime, consultant_id: int | None) -> None:
    """The consultant's phone went silent mid-call and Asterisk hung their side
    up; the caller is back in the queue (or at the menu). Said once per loss."""
    call = _call(linkedid, at)
    if call.consultant_lost_at is not None and call.consultant_lost_at >= at:
        return  # The same event seen again.
    call.consultant_lost_at = at
    call.lost_consultant_id = consultant_id
    update(call, ["consultant_lost_at", "lost_consultant", "updated_at"])
    publish(CallChanged(call))


def _with_caller(call: Call, at: datetime, caller: Caller | None) -> Call:
    """Caller ID from Asterisk's standard events (QueueCallerJoin, AgentCalled), for
    a call whose HotlineInbound never came (another dialplan, a lost event)."""
    if caller is None or call.caller_number or call.caller_withheld:
        return call
    return open_inbound_call(call.linkedid, call.linkedid, at, caller, "")


def _recover_legs(linkedid: str, recovered: "RecoveredCall") -> None:
    """Legs the events did not journal (one per consultant the records show rung)."""
    known = set(
        CallLeg.objects.filter(call__linkedid=linkedid).values_list("consultant_id", flat=True)
    )
    for leg in recovered.legs:
        if leg.consultant_id in known:
            continue
        record_leg_rung(linkedid, leg.key, leg.rang_at, "", leg.consultant_id)
        if leg.answered_at is not None:
            record_leg_answered(linkedid, leg.key, leg.answered_at, "", leg.consultant_id)
        record_leg_ended(leg.key, leg.ended_at)
    first_answer = min(
        (leg for leg in recovered.legs if leg.answered_at is not None),
        key=lambda leg: leg.answered_at,
        default=None,
    )
    call = Call.objects.get(linkedid=linkedid)
    if first_answer is not None and call.answered_at is None and not call.records_pending:
        # The answer itself was missed although the leg was journaled (a call
        # seen in part is corrected as a whole by correct_from_records).
        record_leg_answered(
            linkedid,
            f"{linkedid}/cdr/answer",
            first_answer.answered_at,
            "",
            first_answer.consultant_id,
        )


def _recover_voicemail(linkedid: str, at: datetime) -> None:
    """The dialplan names a message after its call:
    <VOICEMAIL_DIR>/YYYY/MM/DD/<linkedid>-<caller>.wav."""
    found = sorted(Path(settings.VOICEMAIL_DIR).rglob(f"{linkedid}-*.wav"))
    if found:
        size = found[0].stat().st_size
        # 8 kHz 16-bit WAV: 16000 bytes a second after a 44-byte header.
        record_voicemail(linkedid, at, str(found[0]), max(0, size - 44) // 16000)


def missed_calls() -> QuerySet[Call]:
    """Every inbound call no consultant talked to, newest first: abandoned, off-hours,
    over the limit, nobody available, voicemail and callback requests alike. «Nobody
    available» is missed only once the caller has left: one still at the menu or
    holding on may yet be answered."""
    return (
        Call.objects.filter(direction=CallDirection.INBOUND, disposition__in=Disposition.missed())
        .exclude(disposition=Disposition.NOBODY_AVAILABLE, ended_at__isnull=True)
        .select_related("client")
        .order_by("-started_at")
    )


def waiting_calls() -> QuerySet[Call]:
    """Callers waiting for a consultant now, longest first: in the queue, at the
    «nobody is free» menu or holding on in its keep-waiting loop (the dialplan
    sends them back to the queue), not yet answered, not hung up. A caller who
    chose to leave a message or be called back is no longer waiting."""
    return Call.objects.filter(
        direction=CallDirection.INBOUND,
        queued_at__isnull=False,
        answered_at__isnull=True,
        ended_at__isnull=True,
        disposition__in=[Disposition.IN_PROGRESS, Disposition.NOBODY_AVAILABLE],
    ).order_by("queued_at")


def stored_path(path: str, root: Path) -> str:
    """Audio paths are kept relative to their directory (Asterisk sees the same
    directories), so the files can move with it; anything else is kept as sent."""
    try:
        return str(PurePath(path).relative_to(Path(root).resolve()))
    except ValueError:
        return path


def _call(linkedid: str, at: datetime) -> Call:
    """The call of `linkedid` with its card, created as a bare inbound call if this
    is its first event."""
    call = known_call(linkedid)
    if call is not None:
        return call
    call = Call(linkedid=linkedid, uniqueid=linkedid, started_at=at)
    if _inserted(call):
        return call
    # Another connector process wrote it first.
    return Call.objects.select_related("client").get(linkedid=linkedid)


def known_call(linkedid: str) -> Call | None:
    """The journal's call of `linkedid` with its card, or None: within
    `keeping_calls`, the row this batch read or wrote already, else read now."""
    kept = _kept_calls.get()
    if kept is None:
        return _CALL.first(linkedid)
    if linkedid not in kept:
        call = _CALL.first(linkedid)
        if call is None:
            return None  # Not kept: another process may write it before the next event.
        kept[linkedid] = call
    return kept[linkedid]


# The journal's reads of nearly every event (statements.py).
_CALL = Statement(
    lambda linkedid: Call.objects.select_related("client").filter(linkedid=linkedid)[:1],
    "\0linkedid",
)


def _kept(linkedid: str) -> Call | None:
    """The call's row this batch read or wrote already, if any (keeping_calls)."""
    kept = _kept_calls.get()
    return kept.get(linkedid) if kept is not None and linkedid else None


def _channel_or_open_leg(uniqueid: str, linkedid: str, consultant_id: int) -> QuerySet[CallLeg]:
    """The leg of a channel, else the consultant's open leg of the call, in one query.

    A consultant rung through a Local channel shows up twice (the Local half,
    then the device it dials): one ring, one leg. The call is found by its key
    (a join on its linkedid would be ORed across two tables: every leg of the
    consultant's read and filtered)."""
    of_call = Subquery(Call.objects.filter(linkedid=linkedid).values("pk")[:1])
    open_leg = Q(call_id=of_call, consultant_id=consultant_id, ended_at__isnull=True)
    own_channel = Case(When(uniqueid=uniqueid, then=0), default=1)
    legs = CallLeg.objects.filter(Q(uniqueid=uniqueid) | open_leg).select_related("call")
    return legs.order_by(own_channel, "pk")[:1]


_CHANNEL_LEG = Statement(
    lambda uniqueid: CallLeg.objects.filter(uniqueid=uniqueid).select_related("call")[:1],
    "\0uniqueid",
)
_CHANNEL_OR_OPEN_LEG = Statement(_channel_or_open_leg, "\0uniqueid", "\0linkedid", -1_000_001)


_ORIGINATED = "out-"


def originated_linkedid() -> str:
    """The linkedid of a call that click-to-call writes before Asterisk dials it
    (Originate's ChannelId names its first channel, clicktocall.py)."""
    return f"{_ORIGINATED}{uuid.uuid4().hex}"


def _dialled_on_the_phone(linkedid: str, uniqueid: str) -> bool:
    """Whether an outbound call is new to the journal as far as a batch can tell: its
    first channel dials (a consultant's dial pad; not an inbound call passed on to
    an outside number, not one click-to-call wrote first) and the batch has not
    seen it (`_unread`)."""
    return uniqueid == linkedid and not _originated(linkedid) and _unread(linkedid)


def _originated(linkedid: str) -> bool:
    """Whether click-to-call wrote the call's row before Asterisk dialled it."""
    return linkedid.startswith(_ORIGINATED)


def _unread(linkedid: str) -> bool:
    """Whether a call's first event may write its row without reading it first: in
    a connector's batch (unguarded, rows kept) for a call the batch has not seen.
    A row that is there after all (another connector process's, an event applied
    again) fails the INSERT, and the batch is applied again guarded, reading first."""
    kept = _kept_calls.get()
    return _unguarded.get() and kept is not None and linkedid not in kept


def _inserted(call: Call) -> bool:
    """Write a new call; False if a call of its linkedid is already there."""
    try:
        with _guarded():
            insert(call)
    except IntegrityError:
        if _unguarded.get() or not Call.objects.filter(linkedid=call.linkedid).exists():
            raise  # (unguarded: the transaction is broken, the batch is done again)
        return False
    kept = _kept_calls.get()
    if kept is not None:
        kept[call.linkedid] = call
    return True


def _leg(
    call: Call, uniqueid: str, at: datetime, interface: str, consultant_id: int | None
) -> tuple[CallLeg, bool]:
    # One ring, one leg: see _channel_or_open_leg.
    if consultant_id is None:
        leg = _CHANNEL_LEG.first(uniqueid)
    else:
        leg = _CHANNEL_OR_OPEN_LEG.first(uniqueid, call.linkedid, consultant_id)
    if leg is not None:
        if leg.consultant_id is None and consultant_id is not None:
            leg.consultant_id = consultant_id
            update(leg, ["consultant"])
        return leg, False
    try:
        with _guarded():
            leg = CallLeg(
                call=call,
                uniqueid=uniqueid,
                interface=interface,
                consultant_id=consultant_id,
                rang_at=at,
            )
            insert(leg)
            return leg, True
    except IntegrityError:
        if _unguarded.get():
            raise  # The transaction is broken: the batch is done again, guarded.
        return CallLeg.objects.get(uniqueid=uniqueid), False


@contextmanager
def without_savepoints() -> Iterator[None]:
    """Inserts that may meet another connector process's row are not guarded by a
    savepoint of their own (two round trips each): the caller, the connector,
    rolls the whole batch back on any error and applies it again guarded."""
    token = _unguarded.set(True)
    try:
        yield
    finally:
        _unguarded.reset(token)


_unguarded: ContextVar[bool] = ContextVar("hotline_journal_unguarded", default=False)


@contextmanager
def keeping_calls() -> Iterator[None]:
    """Each call is read once in the block, not once per event (a dozen reads of
    one answered call): the connector applies a batch inside it, in one
    transaction, with no savepoint that could roll a kept row's write back
    alone. Safe because every write of a kept row names its fields
    (update_fields): the journal owns those, and a card or a form the web
    process links to the call meanwhile is never written over. The block ends
    with the batch, committed or rolled back (then the rows kept are
    forgotten with their unsaved changes)."""
    token = _kept_calls.set({})
    try:
        yield
    finally:
        _kept_calls.reset(token)


_kept_calls: ContextVar[dict[str, Call] | None] = ContextVar("hotline_kept_calls", default=None)


def _guarded() -> AbstractContextManager:
    """A savepoint around an insert whose IntegrityError is handled, unless unguarded."""
    return nullcontext() if _unguarded.get() else transaction.atomic()


def _caller_gone(call: Call, at: datetime) -> bool:
    return call.ended_at is not None and call.answered_at is None and at > call.ended_at


def _propose(call: Call, disposition: Disposition) -> bool:
    if _RANK[disposition] > _RANK[Disposition(call.disposition)]:
        call.disposition = disposition
        return True
    return False


def _filled(call: Call, **values: str) -> list[str]:
    """Fill the empty fields among `values`; the names of those filled."""
    filled = []
    for field, value in values.items():
        if value and not getattr(call, field):
            setattr(call, field, value)
            filled.append(field)
    return filled


def _seconds(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds()))
