from hotline_asterisk_connector.models.calls import (
    Call,
    CallbackRequest,
    CallComment,
    CallDirection,
    CallLeg,
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

__all__ = [
    "Call",
    "CallComment",
    "CallDirection",
    "CallLeg",
    "CallbackRequest",
    "ConsultantLine",
    "Disposition",
    "Operator",
    "PbxSettings",
    "QueueStrategy",
    "ScheduleException",
    "Trunk",
    "Voicemail",
    "Weekday",
    "WorkStatus",
    "WorkingHours",
]
