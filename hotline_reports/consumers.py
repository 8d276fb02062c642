"""The wallboard's websocket: supervisors only; the whole board on connect, then the
changes (wallboard_events.py) as they come."""

import asyncio

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import translation

from hotline.consumers import LiveConsumer
from hotline_crm.roles import is_supervisor
from hotline_reports.live import consultant_rows, today_message, wallboard_snapshot
from hotline_reports.wallboard_events import CHANGES, WALLBOARD_GROUP

# Private close code, as the desk's consumer uses: not allowed here.
CLOSE_NOT_ALLOWED = 4403
# Today's figures are re-read at most this often, however busy the line is: the
# read (eight queries, 12 ms at 750 calls of the day) runs on the web process's
# one database thread, beside the desks' pops (decision 0040).
TODAY_EVERY_SECONDS = 5.0
# The calls and consultants that changed are sent at most this often, the
# consultants' rows all in one read: a call changes its consultant's state a few
# times within a second (ringing, on the call, wrap-up), and each message costs
# the web process that carries the desks' pops.
CHANGES_EVERY_SECONDS = 0.5


class WallboardConsumer(LiveConsumer):
    # Today's figures and consultants' rows are read beside the messages
    # (_send_today, _send_changes).
    without_database = frozenset({CHANGES})
    joined = False
    refresh: asyncio.Task | None = None
    stale = False
    sending: asyncio.Task | None = None
    changed_calls: list[dict]
    changed_consultants: set[int]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not await database_sync_to_async(is_supervisor)(user):
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.changed_calls, self.changed_consultants = [], set()
        await self.channel_layer.group_add(WALLBOARD_GROUP, self.channel_name)
        self.joined = True
        await self.accept()
        # Joined first: a change made while the snapshot is built still arrives after it.
        await self.send_json(await database_sync_to_async(self._in_language)(wallboard_snapshot))

    async def disconnect(self, code: int) -> None:
        for task in (self.refresh, self.sending):
            if task is not None:
                task.cancel()
        if self.joined:
            await self.channel_layer.group_discard(WALLBOARD_GROUP, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        """The page only listens; anything it sends is ignored."""

    async def wallboard_changes(self, message: dict) -> None:
        calls = message.get("calls", [])
        if calls:
            self._today_changed()
        self.changed_calls += calls
        self.changed_consultants.update(message.get("consultants", []))
        if self.sending is None or self.sending.done():
            self.sending = asyncio.create_task(self._send_changes())

    async def _send_changes(self) -> None:
        # What changes while this round reads and sends goes in the next one.
        while self.changed_calls or self.changed_consultants:
            await asyncio.sleep(CHANGES_EVERY_SECONDS)
            calls, self.changed_calls = self.changed_calls, []
            users, self.changed_consultants = self.changed_consultants, set()
            if calls:
                await self.send_json({"type": "wallboard.calls", "calls": calls})
            if users:
                rows = await database_sync_to_async(consultant_rows)(sorted(users), self.language())
                await self.send_json({"type": "wallboard.consultants", "consultants": rows})

    def _today_changed(self) -> None:
        # However many calls change meanwhile, today's figures are read once;
        # a change while they are being read marks them stale for the next round.
        self.stale = True
        if self.refresh is None or self.refresh.done():
            self.refresh = asyncio.create_task(self._send_today())

    async def _send_today(self) -> None:
        while self.stale:
            await asyncio.sleep(TODAY_EVERY_SECONDS)
            self.stale = False
            await self.send_json(await database_sync_to_async(today_message)())

    def _in_language(self, build) -> dict:
        # Labels in the language the supervisor chose for the pages.
        with translation.override(self.language()):
            return build()

    def language(self) -> str:
        chosen = self.scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
        known = {code for code, _name in settings.LANGUAGES}
        return chosen if chosen in known else settings.LANGUAGE_CODE
