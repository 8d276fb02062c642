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
# Today's figures are re-read at most this often, however busy the line is.
TODAY_EVERY_SECONDS = 1.0


class WallboardConsumer(LiveConsumer):
    # Today's figures and consultants' rows are read beside the messages
    # (_send_today, _send_consultants).
    without_database = frozenset({CHANGES})
    joined = False
    refresh: asyncio.Task | None = None
    stale = False
    rows_refresh: asyncio.Task | None = None
    stale_consultants: set[int]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not await database_sync_to_async(is_supervisor)(user):
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.stale_consultants = set()
        await self.channel_layer.group_add(WALLBOARD_GROUP, self.channel_name)
        self.joined = True
        await self.accept()
        # Joined first: a change made while the snapshot is built still arrives after it.
        await self.send_json(await database_sync_to_async(self._in_language)(wallboard_snapshot))

    async def disconnect(self, code: int) -> None:
        for task in (self.refresh, self.rows_refresh):
            if task is not None:
                task.cancel()
        if self.joined:
            await self.channel_layer.group_discard(WALLBOARD_GROUP, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        """The page only listens; anything it sends is ignored."""

    async def wallboard_changes(self, message: dict) -> None:
        calls = message.get("calls", [])
        if calls:
            await self.send_json({"type": "wallboard.calls", "calls": calls})
            self._today_changed()
        self._consultants_changed(message.get("consultants", []))

    def _consultants_changed(self, user_ids: list[int]) -> None:
        # The rows are read here, in the supervisor's language; the consultants that
        # change while rows are being read are read in the next round, once each.
        self.stale_consultants.update(user_ids)
        if self.stale_consultants and (self.rows_refresh is None or self.rows_refresh.done()):
            self.rows_refresh = asyncio.create_task(self._send_consultants())

    async def _send_consultants(self) -> None:
        while self.stale_consultants:
            users, self.stale_consultants = self.stale_consultants, set()
            for user_id in sorted(users):
                row = await database_sync_to_async(self._row)(user_id)
                if row is not None:
                    await self.send_json({"type": "wallboard.consultant", "consultant": row})

    def _row(self, user_id: int) -> dict | None:
        return consultant_rows(user_id, [self.language()]).get(self.language())

    def _today_changed(self) -> None:
        # However many calls change in a second, today's figures are read once;
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
