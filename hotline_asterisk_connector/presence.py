"""Consultant state kept from Asterisk's queue events.

Asterisk reports a queue member's device state as a number (the
AST_DEVICE_* values) plus a paused flag; the consultant's state is derived
from both. The table is read by the wallboard and the workspace.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from hotline_asterisk_connector.models import ConsultantState, Device, PresenceState
from hotline_asterisk_connector.publish import DevicesChanged, PresenceChanged, publish
from hotline_asterisk_connector.statements import Statement, insert, update

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
    current, new = _state_of(user_id, at)
    if not new and (
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
    _save(current, new, ["state", "since", "pause_reason", "interface"])
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
    current, new = _state_of(user_id, at)
    if not new and getattr(current, field) == is_reachable:
        return False
    setattr(current, field, is_reachable)
    _save(current, new, [field])
    publish(DevicesChanged(user_id, current.browser_reachable, current.app_reachable))
    return True


@contextmanager
def keeping_states() -> Iterator[None]:
    """Each consultant's state is read once in the block, not once per event (a call
    moves its consultant through three or four states): the connector applies a
    batch inside it, as it keeps the calls' rows (journal.keeping_calls). Safe
    because the connector alone writes these rows, on its journal thread, and
    every write names its fields; the rows kept are forgotten with the batch."""
    token = _kept_states.set({})
    try:
        yield
    finally:
        _kept_states.reset(token)


_kept_states: ContextVar[dict[int, ConsultantState] | None] = ContextVar(
    "hotline_kept_states", default=None
)


def _state_of(user_id: int, at: datetime) -> tuple[ConsultantState, bool]:
    """The consultant's row (kept, or read now), and whether it is still to be written."""
    kept = _kept_states.get()
    if kept is not None and user_id in kept:
        return kept[user_id], False
    current = _STATE.first(user_id)
    if current is None:
        return ConsultantState(user_id=user_id, since=at), True
    if kept is not None:
        kept[user_id] = current
    return current, False


# One row per consultant (statements.py: built once, as a queue member's every
# event reads it).
_STATE = Statement(lambda user_id: ConsultantState.objects.filter(user_id=user_id)[:1], -1_000_001)


def _save(current: ConsultantState, new: bool, fields: list[str]) -> None:
    if new:
        insert(current)
        kept = _kept_states.get()
        if kept is not None:
            kept[current.user_id] = current
    else:
        update(current, [*fields, "updated_at"])


def log_out_everyone_except(user_ids: set[int], at: datetime) -> None:
    """After re-reading the queue: whoever Asterisk no longer lists has logged out."""
    stale = ConsultantState.objects.exclude(state=PresenceState.LOGGED_OUT).exclude(
        user_id__in=user_ids
    )
    for user_id in stale.values_list("user_id", flat=True):
        set_state(user_id, PresenceState.LOGGED_OUT, at)
