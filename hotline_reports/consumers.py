"""The wallboard's websocket: supervisors only; a fresh snapshot after every change."""

import asyncio

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation

from hotline_crm.roles import is_supervisor
from hotline_reports.live import wallboard_snapshot
from hotline_reports.wallboard_events import WALLBOARD_GROUP

# Private close code, as the desk's consumer uses: not allowed here.
CLOSE_NOT_ALLOWED = 4403


class WallboardConsumer(AsyncJsonWebsocketConsumer):
    joined = False
    refresh: asyncio.Task | None = None
    stale = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not await database_sync_to_async(is_supervisor)(user):
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        await self.channel_layer.group_add(WALLBOARD_GROUP, self.channel_name)
        self.joined = True
        await self.accept()
        await self.wallboard_update({})

    async def disconnect(self, code: int) -> None:
        if self.refresh is not None:
            self.refresh.cancel()
        if self.joined:
            await self.channel_layer.group_discard(WALLBOARD_GROUP, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        """The page only listens; anything it sends is ignored."""

    async def wallboard_update(self, message: dict) -> None:
        # A burst of events (a call ringing five consultants) becomes one or
        # two snapshots: while one is being built, later updates only mark it stale.
        self.stale = True
        if self.refresh is None or self.refresh.done():
            self.refresh = asyncio.create_task(self._send_fresh_snapshots())

    async def _send_fresh_snapshots(self) -> None:
        while self.stale:
            self.stale = False
            snapshot = await database_sync_to_async(self._snapshot)()
            await self.send_json(snapshot)

    def _snapshot(self) -> dict:
        # Labels in the language the supervisor chose for the pages.
        with translation.override(self.language()):
            return wallboard_snapshot()

    def language(self) -> str:
        chosen = self.scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
        known = {code for code, _name in settings.LANGUAGES}
        return chosen if chosen in known else settings.LANGUAGE_CODE
