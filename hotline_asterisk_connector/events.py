"""Turn AMI events into call journal and consultant state writes.

Only the events listed in `EventRouter.handlers` mean anything here; the
rest (the great majority of a real stream) are dropped at once. Event names
and the dialplan's UserEvents are described in docs/ami-events.md.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from django.utils import timezone

from hotline_asterisk_connector import journal, presence, sip_guard
from hotline_asterisk_connector.ami.protocol import Message
from hotline_asterisk_connector.directory import ConsultantDirectory, device_of
from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    Device,
    Disposition,
    PresenceState,
)
from hotline_asterisk_connector.publish import Supervised, publish

# Our own UserEvents' extra headers (the dialplan's names).
DIALLED_NUMBER = "Did"
AUDIO_FILE = "File"
DURATION = "Duration"
CALLBACK_NUMBER = "Number"  # also the number an outbound call dials
MAY_SAY_WHO_WE_ARE = "MaySayWhoWeAre"  # yes, no, or empty (no answer)
PRESENTATION = "Presentation"  # CALLERID(pres): prohib_… when the caller withheld it
RECORDING_VARIABLE = "MIXMONITOR_FILENAME"
LOST_CONSULTANT_CHANNEL = "Consultant"  # the phone channel Asterisk hung up for silence
SUPERVISE_MODE = "Mode"  # listen, whisper or barge
SPIED_EXTENSION = "Extension"  # the consultant listened to


class MalformedEvent(ValueError):
    """An event without the headers its handler needs."""


def event_time(message: Message) -> datetime:
    """When Asterisk emitted the event (manager.conf timestampevents=yes), else now."""
    stamp = message.get("Timestamp")
    if stamp:
        try:
            return datetime.fromtimestamp(float(stamp), tz=UTC)
        except ValueError:
            pass
    return timezone.now()


def _required(message: Message, name: str) -> str:
    value = message.get(name, "")
    if not value:
        raise MalformedEvent(f"{message.event or 'message'} has no {name}")
    return value


def _dial_linkedid(message: Message) -> str:
    """Originate's own Dial events have no calling channel, only the destination."""
    return message.get("Linkedid") or _required(message, "DestLinkedid")


def caller_channel(message: Message) -> "journal.Caller | None":
    """The caller named by the event's channel headers when the channel is the caller's
    own, for a call whose HotlineInbound is missing."""
    linkedid = message.get("Linkedid", "")
    if not linkedid or message.get("Uniqueid") != linkedid:
        return None
    return journal.Caller.from_asterisk(
        message.get("CallerIDNum", ""), message.get("CallerIDName", "")
    )


def _int(message: Message, name: str) -> int | None:
    try:
        return int(message.get(name, ""))
    except ValueError:
        return None


class EventRouter:
    """Applies one event at a time; every write is idempotent (see journal)."""

    def __init__(self, directory: ConsultantDirectory | None = None) -> None:
        self.directory = directory or ConsultantDirectory()
        # A call seen in part ended: the connector reads Asterisk's records soon.
        self.records_due = False
        self.handlers: dict[str, Callable[[Message], None]] = {
            "UserEvent": self.user_event,
            "QueueCallerJoin": self.queue_caller_join,
            "QueueCallerLeave": self.queue_caller_leave,
            "QueueCallerAbandon": self.queue_caller_abandon,
            "AgentCalled": self.agent_called,
            "AgentConnect": self.agent_connect,
            "AgentRingNoAnswer": self.agent_ring_no_answer,
            "AgentComplete": self.agent_complete,
            "DialBegin": self.dial_begin,
            "DialEnd": self.dial_end,
            "Hangup": self.hangup,
            "VarSet": self.var_set,
            "QueueMember": self.queue_member,
            "QueueMemberStatus": self.queue_member,
            "QueueMemberAdded": self.queue_member,
            "QueueMemberPause": self.queue_member,
            "QueueMemberRemoved": self.queue_member_removed,
            "OriginateResponse": self.originate_response,
            "DeviceStateChange": self.device_state_change,
            **dict.fromkeys(sip_guard.FAILURES, self.security_event),
        }
        self.user_events: dict[str, Callable[[Message], None]] = {
            "HotlineInbound": self.inbound,
            "HotlineOutbound": self.outbound,
            "HotlineOffHours": self.outcome(Disposition.OFF_HOURS),
            "HotlineOverLimit": self.outcome(Disposition.OVER_LIMIT),
            "HotlineMenu": self.outcome(Disposition.NOBODY_AVAILABLE),
            "HotlineVoicemail": self.voicemail,
            "HotlineCallback": self.callback,
            "HotlineConsultantLost": self.consultant_lost,
            "HotlineSupervise": self.supervised(active=True),
            "HotlineSuperviseEnded": self.supervised(active=False),
            "HotlineRecordingDeclined": self.recording_declined,
        }

    def wants(self, message: Message) -> bool:
        """Whether the event means anything to the journal (most of a stream does not)."""
        name = message.event
        if name == "VarSet":
            return message.get("Variable") == RECORDING_VARIABLE
        if name == "UserEvent":
            return message.get("UserEvent", "") in self.user_events
        if name == "DeviceStateChange":
            # Every channel changes some device's state; only the consultants' phones matter.
            return device_of(message.get("Device", "")) in (Device.BROWSER, Device.APP)
        return name in self.handlers

    def apply(self, message: Message) -> None:
        handler = self.handlers.get(message.event)
        if handler is not None:
            handler(message)

    def security_event(self, message: Message) -> None:
        if sip_guard.record(message) is not None:
            sip_guard.apply_in_background()

    # Calls

    def user_event(self, message: Message) -> None:
        handler = self.user_events.get(message.get("UserEvent", ""))
        if handler is not None:
            handler(message)

    def inbound(self, message: Message) -> None:
        journal.open_inbound_call(
            _required(message, "Linkedid"),
            message.get("Uniqueid", ""),
            event_time(message),
            journal.Caller.from_asterisk(
                message.get("CallerIDNum", ""),
                message.get("CallerIDName", ""),
                message.get(PRESENTATION, ""),
            ),
            message.get(DIALLED_NUMBER, ""),
        )

    def outbound(self, message: Message) -> None:
        journal.open_outbound_call(
            _required(message, "Linkedid"),
            message.get("Uniqueid", ""),
            event_time(message),
            self.directory.user_for(message.get("Channel", "")),
            message.get(CALLBACK_NUMBER, ""),
            message.get(DIALLED_NUMBER, ""),
        )

    def outcome(self, disposition: Disposition) -> Callable[[Message], None]:
        def record(message: Message) -> None:
            journal.record_outcome(_required(message, "Linkedid"), event_time(message), disposition)

        return record

    def voicemail(self, message: Message) -> None:
        journal.record_voicemail(
            _required(message, "Linkedid"),
            event_time(message),
            _required(message, AUDIO_FILE),
            _int(message, DURATION),
        )

    def callback(self, message: Message) -> None:
        journal.record_callback_request(
            _required(message, "Linkedid"),
            event_time(message),
            _required(message, CALLBACK_NUMBER),
            may_say_who_we_are={"yes": True, "no": False}.get(message.get(MAY_SAY_WHO_WE_ARE, "")),
        )

    def consultant_lost(self, message: Message) -> None:
        journal.record_consultant_lost(
            _required(message, "Linkedid"),
            event_time(message),
            self.directory.user_for(message.get(LOST_CONSULTANT_CHANNEL, "")),
        )

    def supervised(self, active: bool) -> Callable[[Message], None]:
        def record(message: Message) -> None:
            user_id = self.directory.user_for_extension(message.get(SPIED_EXTENSION, ""))
            mode = message.get(SUPERVISE_MODE, "")
            if user_id is not None and mode:
                publish(Supervised(user_id, mode, active))

        return record

    def recording_declined(self, message: Message) -> None:
        journal.record_recording_declined(_required(message, "Linkedid"), event_time(message))

    def queue_caller_join(self, message: Message) -> None:
        journal.mark_queued(
            _required(message, "Linkedid"), event_time(message), caller=caller_channel(message)
        )

    def queue_caller_leave(self, message: Message) -> None:
        journal.mark_left_queue(_required(message, "Linkedid"), event_time(message))

    def queue_caller_abandon(self, message: Message) -> None:
        journal.record_abandoned(
            _required(message, "Linkedid"), event_time(message), _int(message, "HoldTime")
        )

    def agent_called(self, message: Message, call: Call | None = None) -> None:
        """`call`: the call of the event, read with its client (fast_pops.py)."""
        interface = message.get("Interface", "")
        journal.record_leg_rung(
            _required(message, "Linkedid"),
            _required(message, "DestUniqueid"),
            event_time(message),
            interface,
            self.directory.user_for(interface, message.get("DestChannel", "")),
            caller=caller_channel(message),
            call=call,
        )

    def agent_connect(self, message: Message) -> None:
        interface = message.get("Interface", "")
        journal.record_leg_answered(
            _required(message, "Linkedid"),
            _required(message, "DestUniqueid"),
            event_time(message),
            interface,
            self.directory.user_for(interface, message.get("DestChannel", "")),
            hold_seconds=_int(message, "HoldTime"),
            ring_seconds=_int(message, "RingTime"),
        )

    def agent_ring_no_answer(self, message: Message) -> None:
        # Here RingTime is in milliseconds (in AgentConnect it is in seconds).
        ring_ms = _int(message, "RingTime")
        journal.record_leg_ended(
            _required(message, "DestUniqueid"),
            event_time(message),
            None if ring_ms is None else round(ring_ms / 1000),
            linkedid=message.get("Linkedid", ""),
        )

    def agent_complete(self, message: Message) -> None:
        # Sent without channel headers when the channels are already gone; their
        # Hangup events end the leg then.
        at = event_time(message)
        if message.get("DestUniqueid"):
            journal.record_leg_ended(
                message["DestUniqueid"], at, linkedid=message.get("Linkedid", "")
            )
        if message.get("Linkedid"):
            journal.record_agent_complete(
                message["Linkedid"],
                at,
                self.directory.user_for(
                    message.get("Interface", ""), message.get("DestChannel", "")
                ),
                hold_seconds=_int(message, "HoldTime"),
                talk_seconds=_int(message, "TalkTime"),
            )

    def dial_begin(self, message: Message) -> None:
        linkedid = _dial_linkedid(message)
        destination = message.get("DestChannel", "")
        consultant_id = self.directory.user_for(destination)
        if consultant_id is None:
            return
        # Dialling a consultant outside the queue: a transfer, or a forwarded call.
        journal.record_leg_rung(
            linkedid,
            _required(message, "DestUniqueid"),
            event_time(message),
            destination.rsplit("-", 1)[0],
            consultant_id,
            known_only=True,
        )

    def dial_end(self, message: Message) -> None:
        linkedid = _dial_linkedid(message)
        destination = message.get("DestChannel", "")
        dest_uniqueid = _required(message, "DestUniqueid")
        at = event_time(message)
        answered = message.get("DialStatus") == "ANSWER"
        call = journal.known_call(linkedid)
        if call is None:
            return  # Not a call of the journal (yet): an internal or a starting outbound one.
        consultant_id = self.directory.user_for(destination)
        if consultant_id is None:
            if answered and call.direction == CallDirection.OUTBOUND:
                journal.record_outbound_answered(linkedid, at, call=call)
            return
        if answered:
            journal.record_leg_answered(
                linkedid,
                dest_uniqueid,
                at,
                destination.rsplit("-", 1)[0],
                consultant_id,
                device=device_of(destination),
                call=call,
            )
        else:
            journal.record_leg_ended(dest_uniqueid, at, linkedid=linkedid)

    def hangup(self, message: Message) -> None:
        uniqueid = _required(message, "Uniqueid")
        at = event_time(message)
        linkedid = message.get("Linkedid", "")
        if uniqueid == linkedid:
            call = journal.end_call(uniqueid, at)
            if call is not None and call.records_pending:
                self.records_due = True
        else:
            journal.record_leg_ended(
                uniqueid,
                at,
                linkedid=linkedid,
                consultant_id=self.directory.user_for(message.get("Channel", "")),
                device=device_of(message.get("Channel", "")),
            )

    def var_set(self, message: Message) -> None:
        if message.get("Variable") == RECORDING_VARIABLE and message.get("Value"):
            journal.record_recording(
                _required(message, "Linkedid"), event_time(message), message["Value"]
            )

    def originate_response(self, message: Message) -> None:
        # A click-to-call whose first channel never came up: no Hangup will follow.
        uniqueid = message.get("Uniqueid", "")
        if message.get("Response") == "Failure" and uniqueid and uniqueid != "<null>":
            journal.end_call(uniqueid, event_time(message))

    # Consultants

    def queue_member(self, message: Message) -> None:
        user_id = self._member(message)
        if user_id is None:
            return
        state = presence.derive_state(
            _int(message, "Status"),
            paused=message.get("Paused") == "1",
            in_call=message.get("InCall") == "1",
        )
        presence.set_state(
            user_id,
            state,
            event_time(message),
            interface=message.get("Interface", "") or message.get("Location", ""),
            pause_reason=message.get("PausedReason", "") or message.get("Reason", ""),
        )

    def device_state_change(self, message: Message) -> None:
        """A browser phone or an app registered, went away or stopped answering."""
        device = message.get("Device", "")
        user_id = self.directory.user_for(device)
        if user_id is None:
            return
        presence.set_device_reachable(
            user_id,
            device_of(device),
            presence.reachable(message.get("State", "")),
            event_time(message),
        )

    def queue_member_removed(self, message: Message) -> None:
        user_id = self._member(message)
        if user_id is not None:
            presence.set_state(user_id, PresenceState.LOGGED_OUT, event_time(message))

    def _member(self, message: Message) -> int | None:
        return self.directory.user_for(
            message.get("Interface", ""),
            message.get("Location", ""),
            message.get("StateInterface", ""),
        )
