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

__all__ = [
    "Call",
    "CallComment",
    "CallDirection",
    "CallLeg",
    "CallbackRequest",
    "Disposition",
    "Voicemail",
    "WorkStatus",
]
