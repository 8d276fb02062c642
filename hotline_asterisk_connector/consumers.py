"""The websocket each consultant's page keeps open to receive screen pops."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from hotline_asterisk_connector.notify import consultant_group
from hotline_crm.roles import is_staff_member

# Private close code: the page should send the user to the login form.
CLOSE_NOT_ALLOWED = 4403


class ConsultantConsumer(AsyncJsonWebsocketConsumer):
    """Joins the group `consultant.<user_id>` and forwards its messages as JSON."""

    group: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not await database_sync_to_async(is_staff_member)(user):
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.group = consultant_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        """The page only listens; anything it sends is ignored."""

    async def call_ringing(self, message: dict) -> None:
        await self.send_json(message)

    async def call_stopped_ringing(self, message: dict) -> None:
        await self.send_json(message)

    async def call_answered(self, message: dict) -> None:
        await self.send_json(message)

    async def call_ended(self, message: dict) -> None:
        await self.send_json(message)

    async def presence_changed(self, message: dict) -> None:
        await self.send_json(message)
