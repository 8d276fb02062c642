from hotline_asterisk_connector.models.calls import (
    Call,
    CallbackRequest,
    CallComment,
    CallDirection,
    CallLeg,
    Device,
    Disposition,
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

__all__ = [
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
    "ScheduleException",
    "Trunk",
    "Voicemail",
    "Weekday",
    "WorkStatus",
    "WorkingHours",
]
