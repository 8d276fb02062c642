"""Wrap-up: after a call from the queue the consultant is paused for the queue's
wrap-up time, so they can finish the form before the next caller rings.

The pause is a real queue pause (reason «finishing a form»), visible on the
wallboard and on the desk with a countdown; «Готовий(а)» ends it early. The
connector says when a consultant's answered leg of an inbound call ended
(`screenpop` sends `call.finished`); the desk's websocket consumer, in the web
process, then starts the wrap-up here and ends it when the time is up. Asterisk
itself keeps the consultant unrung for the first seconds (queues.conf
wrapuptime), while this pause is on its way.

One wrap-up per consultant at a time. Its timer lives in this process (the web
app is one ASGI process, like the open desks in consumers.py); its end is also
kept in the database (WrapUpPause), so after a restart of the web process the
consultant's desk, reconnecting, resumes the countdown — or ends the pause at
once if its time ran out while the process was down.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth import get_user_model
from django.utils import timezone

from hotline_asterisk_connector import membership
from hotline_asterisk_connector.models import (
    Call,
    CallDirection,
    PauseReason,
    PbxSettings,
    PresenceState,
)
from hotline_workspace.availability import current_state
from hotline_workspace.models import WrapUpPause
from hotline_workspace.screenpop import consultant_group

log = logging.getLogger(__name__)


@dataclass
class WrapUp:
    call_id: int
    until: datetime
    timer: asyncio.TimerHandle | None = None

    def message(self) -> dict:
        return {"type": "wrapup.started", "call_id": self.call_id, "until": self.until.isoformat()}


_current: dict[int, WrapUp] = {}


async def begin(user_id: int, call_id: int) -> WrapUp | None:
    """Pause the consultant after their call, unless wrap-up is off or they left the queue.

    Every open desk of the consultant asks; the first one starts it."""
    running = _current.get(user_id)
    if running is not None and running.call_id == call_id:
        return running
    if running is not None:
        # The consultant went back to the queue early and took another call.
        _forget(user_id, running)
    seconds = await database_sync_to_async(_wrapup_seconds)(user_id, call_id)
    if not seconds or user_id in _current:
        return _current.get(user_id)
    wrap = WrapUp(call_id, timezone.now() + timedelta(seconds=seconds))
    _current[user_id] = wrap
    try:
        await database_sync_to_async(_pause)(user_id, wrap)
    except membership.MembershipError as error:
        log.info("No wrap-up pause for consultant %s: %s", user_id, error)
        del _current[user_id]
        return None
    _arm(user_id, wrap)
    await _tell(user_id, wrap.message())
    return wrap


async def resume(user_id: int) -> WrapUp | None:
    """The running wrap-up, also one this process has not started: one kept from
    before a restart counts down again, or ends now if its time is up."""
    running = _current.get(user_id)
    if running is not None:
        return running
    kept = await database_sync_to_async(_kept)(user_id)
    if kept is None or user_id in _current:
        return _current.get(user_id)
    wrap = WrapUp(kept.call_id, kept.until)
    _current[user_id] = wrap
    if wrap.until <= timezone.now():
        await end(user_id, wrap)
        return None
    _arm(user_id, wrap)
    return wrap


def _arm(user_id: int, wrap: WrapUp) -> None:
    loop = asyncio.get_running_loop()
    seconds = max((wrap.until - timezone.now()).total_seconds(), 0)
    wrap.timer = loop.call_later(seconds, lambda: loop.create_task(end(user_id, wrap)))


async def end(user_id: int, wrap: WrapUp | None = None) -> bool:
    """End the consultant's wrap-up («Готовий(а)», or the time is up): back in the queue.

    `wrap`: only that wrap-up (a timer must not end the next call's one)."""
    running = _current.get(user_id)
    if running is None or (wrap is not None and running is not wrap):
        return False
    _forget(user_id, running)
    try:
        await database_sync_to_async(_unpause)(user_id)
    except membership.MembershipError as error:
        log.info("Could not end the wrap-up of consultant %s: %s", user_id, error)
    await _tell(user_id, {"type": "wrapup.ended", "call_id": running.call_id})
    return True


async def discard(user_id: int) -> None:
    """The consultant chose a status themselves: that choice replaces the wrap-up."""
    running = _current.get(user_id)
    if running is not None:
        _forget(user_id, running)
    await database_sync_to_async(_drop)(user_id)  # also one kept from before a restart
    if running is not None:
        await _tell(user_id, {"type": "wrapup.ended", "call_id": running.call_id})


def _forget(user_id: int, wrap: WrapUp) -> None:
    del _current[user_id]
    if wrap.timer is not None:
        wrap.timer.cancel()


def _wrapup_seconds(user_id: int, call_id: int) -> int:
    call = Call.objects.filter(pk=call_id, direction=CallDirection.INBOUND).first()
    if call is None or call.answered_at is None:
        return 0
    user = get_user_model().objects.get(pk=user_id)
    if current_state(user).state in (PresenceState.LOGGED_OUT, PresenceState.PAUSED):
        return 0  # Left the queue or paused on purpose: that choice stands.
    return PbxSettings.load().wrapup_seconds


def _pause(user_id: int, wrap: WrapUp) -> None:
    membership.pause(get_user_model().objects.get(pk=user_id), PauseReason.AFTER_CALL)
    WrapUpPause.objects.update_or_create(
        user_id=user_id, defaults={"call_id": wrap.call_id, "until": wrap.until}
    )


def _kept(user_id: int) -> WrapUpPause | None:
    return WrapUpPause.objects.filter(user_id=user_id).first()


def _drop(user_id: int) -> None:
    WrapUpPause.objects.filter(user_id=user_id).delete()


def _unpause(user_id: int) -> None:
    _drop(user_id)
    user = get_user_model().objects.get(pk=user_id)
    state = current_state(user)
    # The consultant chose another status meanwhile (a break, logged out): keep it.
    if state.state == PresenceState.PAUSED and state.pause_reason != PauseReason.AFTER_CALL:
        return
    if state.state == PresenceState.LOGGED_OUT:
        return
    membership.unpause(user)


async def _tell(user_id: int, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(consultant_group(user_id), message)
