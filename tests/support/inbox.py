"""What a channel receives, read with a time limit without cancelling a receive.

`asyncio.wait_for(layer.receive(channel), timeout)` cancels the receive when
the time is up. On channels_redis a receive cancelled at the wrong moment can
stay pending for ever, and `wait_for` waits for it: twice a clean-clone CI run
hung so (a websocket test's teardown, the pops-ahead tests). An inbox keeps one
receive going for the whole test, queues what arrives, and ends with a message
of its own, so no receive is ever cancelled; a time limit applies only to the
queue.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

_END = "test.inbox.end"
# Longer than any message takes to arrive; past it the test has failed anyway.
_ENDING_SECONDS = 10


class Inbox:
    def __init__(self, layer, channel: str) -> None:
        self.layer = layer
        self.channel = channel
        self.queue: asyncio.Queue[dict] = asyncio.Queue()

    async def listen(self) -> None:
        while (message := await self.layer.receive(self.channel))["type"] != _END:
            self.queue.put_nowait(message)

    async def next(self, timeout: float) -> dict:
        """The next message; TimeoutError when none comes within `timeout` s."""
        return await asyncio.wait_for(self.queue.get(), timeout)

    async def within(self, seconds: float) -> list[dict]:
        """Every message that arrives until `seconds` pass without one."""
        messages = []
        try:
            while True:
                messages.append(await self.next(seconds))
        except TimeoutError:
            return messages


@asynccontextmanager
async def inbox(layer, channel: str) -> AsyncIterator[Inbox]:
    box = Inbox(layer, channel)
    listening = asyncio.create_task(box.listen())
    try:
        yield box
    finally:
        await layer.send(channel, {"type": _END})
        done, _ = await asyncio.wait({listening}, timeout=_ENDING_SECONDS)
        assert done, "the inbox's receive did not end"
        listening.result()  # a receive that failed fails the test
