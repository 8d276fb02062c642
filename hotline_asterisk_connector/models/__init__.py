from hotline_asterisk_connector.models.calls import (
    Call,
    CallbackRequest,
    CallComment,
    CallDirection,
    CallLeg,
    Device,
    Disposition,
    Reconciliation,
    Voicemail,
    WorkStatus,
)
from hotline_asterisk_connector.models.pbx import (
    ConsultantLine,
    Operator,
    PbxSettings,
    QueueStrategy,
    ScheduleException,
    Trunk,
    Weekday,
    WorkingHours,
)
from hotline_asterisk_connector.models.presence import (
    ConsultantState,
    PauseReason,
    PresenceState,
)
from hotline_asterisk_connector.models.security import BlockedAddress, SecurityEvent

__all__ = [
    "BlockedAddress",
    "Call",
    "CallComment",
    "CallDirection",
    "CallLeg",
    "CallbackRequest",
    "ConsultantLine",
    "ConsultantState",
    "Device",
    "Disposition",
    "Operator",
    "PauseReason",
    "PbxSettings",
    "PresenceState",
    "QueueStrategy",
    "Reconciliation",
    "ScheduleException",
    "SecurityEvent",
    "Trunk",
    "Voicemail",
    "Weekday",
    "WorkStatus",
    "WorkingHours",
]
