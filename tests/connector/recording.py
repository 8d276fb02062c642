"""Record the AMI events of a real Asterisk session, and replay recorded ones.

Integration tests record their whole event stream; with
HOTLINE_RECORD_FIXTURES=1 it is also saved under tests/connector/fixtures/,
which is how the replay fixtures were made (see fixtures/README.md).
"""

import asyncio
import json
import os
from pathlib import Path

from hotline_asterisk_connector import notify
from hotline_asterisk_connector.ami.client import AmiClient, AmiConfig, ConnectionLost
from hotline_asterisk_connector.ami.protocol import Message, dump, iter_messages
from hotline_asterisk_connector.events import EventRouter

FIXTURES = Path(__file__).parent / "fixtures"


class AmiRecorder:
    """Keeps every event of its own AMI session while running."""

    def __init__(self, config: AmiConfig) -> None:
        self.client = AmiClient(config)
        self.messages: list[Message] = []
        self._task: asyncio.Task | None = None

    async def start(self) -> "AmiRecorder":
        await self.client.connect()
        self._task = asyncio.create_task(self._record())
        return self

    async def stop(self) -> list[Message]:
        await self.client.close()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        return self.messages

    def save(self, name: str, call_records: list[dict] | None = None) -> None:
        """Keep the stream (and Asterisk's call records of it) as replay fixtures."""
        if os.environ.get("HOTLINE_RECORD_FIXTURES") != "1":
            return
        FIXTURES.mkdir(exist_ok=True)
        (FIXTURES / f"{name}.ami").write_bytes(b"".join(dump(m) for m in self.messages))
        if call_records:
            text = json.dumps(call_records, ensure_ascii=False, indent=1)
            (FIXTURES / f"{name}.cdr.json").write_text(text + "\n", encoding="utf-8")

    async def _record(self) -> None:
        try:
            async for message in self.client.events():
                self.messages.append(message)
        except ConnectionLost:
            pass


def load(name: str) -> list[Message]:
    return list(iter_messages((FIXTURES / f"{name}.ami").read_bytes()))


def load_call_records(name: str) -> list[dict]:
    return json.loads((FIXTURES / f"{name}.cdr.json").read_text(encoding="utf-8"))


def replay(messages: list[Message], router: EventRouter | None = None) -> list[notify.Outgoing]:
    """Apply recorded events as the connector would; return the websocket messages."""
    router = router or EventRouter()
    outbox: list[notify.Outgoing] = []
    for message in messages:
        with notify.collecting() as produced:
            router.apply(message)
        outbox.extend(produced)
    return outbox
