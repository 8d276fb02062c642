"""What the websocket consumers share."""

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """A consumer whose live messages are handled without a trip to the database thread.

    Before every handler, channels closes the database connections past their age
    on the web process's one thread for database work (`aclose_old_connections`).
    That thread also runs every consumer's queries, so under load each message
    waited for all of them: a screen pop at 200 calls for up to a second behind
    the desks' wrap-ups, and behind an open wallboard's figures. The handlers
    named in `without_database` only pass a message on (one that reads the
    database does so through `database_sync_to_async`, which closes old
    connections itself), so they run at once."""

    without_database: frozenset[str] = frozenset()

    async def dispatch(self, message: dict) -> None:
        if message["type"] in self.without_database:
            await getattr(self, get_handler_name(message))(message)
        else:
            await super().dispatch(message)
