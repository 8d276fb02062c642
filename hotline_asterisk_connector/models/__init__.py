from hotline_asterisk_connector.models.calls import (
    Call,
    CallComment,
    CallDirection,
    CallLeg,
    Device,
    Disposition,
    Reconciliation,
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
    "Weekday",
    "WorkingHours",
]
