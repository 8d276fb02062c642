"""Consultant state kept from Asterisk's queue events.

Asterisk reports a queue member's device state as a number (the
AST_DEVICE_* values) plus a paused flag; the consultant's state is derived
from both. The table is read by the wallboard and the workspace.
"""

from datetime import datetime

from hotline_asterisk_connector.models import ConsultantState, Device, PresenceState
from hotline_asterisk_connector.publish import DevicesChanged, PresenceChanged, publish

_RINGING = {6, 7}  # RINGING, RINGINUSE
_BUSY = {2, 3, 8}  # INUSE, BUSY, ONHOLD
_UNREACHABLE = {4, 5}  # INVALID, UNAVAILABLE


def derive_state(device_status: int | None, paused: bool, in_call: bool) -> PresenceState:
    """Talking matters most on a wallboard, then ringing, then a pause."""
    if in_call or device_status in _BUSY:
        return PresenceState.ON_CALL
    if device_status in _RINGING:
        return PresenceState.RINGING
    if paused:
        return PresenceState.PAUSED
    if device_status in _UNREACHABLE:
        return PresenceState.UNREACHABLE
    return PresenceState.AVAILABLE


def set_state(
    user_id: int, state: PresenceState, at: datetime, *, interface: str = "", pause_reason: str = ""
) -> bool:
    """Store a consultant's state; True (and the change published) when it changed."""
    current = ConsultantState.objects.filter(user_id=user_id).first()
    if current is None:
        current = ConsultantState(user_id=user_id, since=at)
    elif (
        current.state == state
        and current.pause_reason == pause_reason
        and (current.interface == interface or not interface)
    ):
        return False
    if current.state != state:
        current.since = at
    current.state = state
    current.pause_reason = pause_reason if state == PresenceState.PAUSED else ""
    current.interface = interface or current.interface
    current.save()
    publish(PresenceChanged(user_id, state, current.pause_reason))
    return True


# DeviceStateChange's State names (ast_devstate_str) of a phone that cannot be rung.
_GONE = {"UNAVAILABLE", "INVALID", "UNKNOWN"}


def reachable(device_state: str) -> bool:
    return device_state.upper() not in _GONE


def set_device_reachable(
    user_id: int, device: Device | None, is_reachable: bool, at: datetime
) -> bool:
    """Store whether the consultant's browser phone or app can be rung; True when it changed.

    The wallboard shows a consultant with neither as «on the mobile» (when they
    have one): that is where the queue rings them then."""
    field = {Device.BROWSER: "browser_reachable", Device.APP: "app_reachable"}.get(device)
    if field is None:
        return False
    current = ConsultantState.objects.filter(user_id=user_id).first()
    if current is None:
        current = ConsultantState(user_id=user_id, since=at)
    elif getattr(current, field) == is_reachable:
        return False
    setattr(current, field, is_reachable)
    current.save()
    publish(DevicesChanged(user_id, current.browser_reachable, current.app_reachable))
    return True


def log_out_everyone_except(user_ids: set[int], at: datetime) -> None:
    """After re-reading the queue: whoever Asterisk no longer lists has logged out."""
    stale = ConsultantState.objects.exclude(state=PresenceState.LOGGED_OUT).exclude(
        user_id__in=user_ids
    )
    for user_id in stale.values_list("user_id", flat=True):
        set_state(user_id, PresenceState.LOGGED_OUT, at)
