"""The desk page's one websocket: the consultant's screen pops in, and while a
desk is open the consultant stays in the queue.

The socket joins the group `consultant.<user_id>` (`screenpop.py`) and
forwards its messages as JSON. A consultant who closes the tab (or whose
laptop dies) would otherwise stay a queue member and callers would ring an
empty chair until the registration expired. When the last desk of a
consultant disconnects and none comes back within the grace period (a
reload, a brief network drop), they are logged out of the queue.

Open desks are counted in this process: the web app runs as one ASGI process
(`make run`, the compose file's `web`).
"""

import asyncio
import logging
from collections import Counter
from collections.abc import Coroutine

from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from hotline.consumers import LiveConsumer
from hotline_asterisk_connector import membership
from hotline_asterisk_connector.models import PresenceState
from hotline_crm.roles import is_staff_member
from hotline_workspace import queue_waiting, screenpop, wrapup
from hotline_workspace.availability import current_state

log = logging.getLogger(__name__)

GRACE_SECONDS = 20.0
# Private close code: the page should send the user to the login form.
CLOSE_NOT_ALLOWED = 4403

# What the page sends when the consultant presses «Готовий(а)».
READY = "ready"

_open_desks: Counter[int] = Counter()


class DeskConsumer(LiveConsumer):
    """Messages are handled one at a time, in order. A handler that waits on the
    database or Asterisk (the wrap-up pause) runs beside them instead: a screen
    pop behind it would wait too, and the web process runs every such wait on
    one database thread, so after a wave of hang-ups each desk's next pop waited
    for all the consultants' wrap-ups (at 200 calls, up to a second)."""

    without_database = frozenset(
        {
            "call.ringing",
            "call.stopped_ringing",
            "call.answered",
            "call.ended",
            "call.finished",  # its wrap-up runs beside
            "wrapup.started",
            "wrapup.ended",
            "presence.changed",
            "devices.changed",
            "queue.waiting",
            "supervisor.joined",
            "supervisor.left",
        }
    )

    user_id: int | None = None
    group: str | None = None
    _beside: set[asyncio.Task]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not await database_sync_to_async(is_staff_member)(user):
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.user_id = user.pk
        self._beside = set()
        self.group = screenpop.consultant_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(queue_waiting.DESKS_GROUP, self.channel_name)
        _open_desks[user.pk] += 1
        await self.accept()
        await self.send_json(await database_sync_to_async(queue_waiting.summary)())
        # A desk back after the web app restarted (an upgrade) shows the call it is in.
        for message in await database_sync_to_async(screenpop.in_progress)(user.pk):
            await self.send_json(message)
        # A reloaded desk shows the countdown; after a restart of this process
        # the wrap-up kept in the database counts down again.
        running = await wrapup.resume(user.pk)
        if running is not None:
            await self.send_json(running.message())

    async def disconnect(self, code: int) -> None:
        if self.user_id is None:
            return
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.channel_layer.group_discard(queue_waiting.DESKS_GROUP, self.channel_name)
        _open_desks[self.user_id] -= 1
        if _open_desks[self.user_id] <= 0:
            del _open_desks[self.user_id]
            asyncio.get_running_loop().create_task(log_out_unless_back(self.user_id))

    async def receive(self, text_data=None, bytes_data=None) -> None:
        """Keep-alive pings need no answer; «ready» ends the consultant's wrap-up."""
        if text_data == READY:
            self._run_beside(wrapup.end(self.user_id))

    async def call_ringing(self, message: dict) -> None:
        await self.send_json(message)

    async def call_stopped_ringing(self, message: dict) -> None:
        await self.send_json(message)

    async def call_answered(self, message: dict) -> None:
        await self.send_json(message)

    async def call_ended(self, message: dict) -> None:
        await self.send_json(message)

    async def call_finished(self, message: dict) -> None:
        """Every desk of the consultant hears it; the first one starts the wrap-up."""
        self._run_beside(wrapup.begin(self.user_id, message["call_id"]))

    def _run_beside(self, work: Coroutine) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._beside.add(task)
        task.add_done_callback(self._finished_beside)

    def _finished_beside(self, task: asyncio.Task) -> None:
        self._beside.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("A desk's wrap-up failed", exc_info=task.exception())

    async def wrapup_started(self, message: dict) -> None:
        await self.send_json(message)

    async def wrapup_ended(self, message: dict) -> None:
        await self.send_json(message)

    async def presence_changed(self, message: dict) -> None:
        await self.send_json(message)

    async def devices_changed(self, message: dict) -> None:
        await self.send_json(message)

    async def queue_waiting(self, message: dict) -> None:
        await self.send_json(message)

    async def supervisor_joined(self, message: dict) -> None:
        await self.send_json(message)

    async def supervisor_left(self, message: dict) -> None:
        await self.send_json(message)


async def log_out_unless_back(user_id: int, grace: float | None = None) -> None:
    await asyncio.sleep(GRACE_SECONDS if grace is None else grace)
    if _open_desks[user_id] > 0:
        return
    try:
        await database_sync_to_async(_log_out)(user_id)
    except membership.MembershipError as error:
        log.info("Could not log consultant %s out of the queue: %s", user_id, error)


def _log_out(user_id: int) -> None:
    user = get_user_model().objects.get(pk=user_id)
    if current_state(user).state != PresenceState.LOGGED_OUT:
        membership.log_out(user)
