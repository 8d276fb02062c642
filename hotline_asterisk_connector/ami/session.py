"""A short AMI session for one action from a web request (click-to-call, pause…).

The web process does not share the connector daemon's connection (in
production they are separate processes), so it logs in, sends, and logs off;
on loopback that costs a few milliseconds.
"""

from dataclasses import replace

from hotline_asterisk_connector.ami.client import AmiClient, AmiConfig, AmiError
from hotline_asterisk_connector.ami.protocol import Message


async def send_action(
    name: str, config: AmiConfig | None = None, **fields: str | list[str]
) -> Message:
    """Send one action; raise AmiError when Asterisk refuses it."""
    async with _single_use(config) as client:
        response = await client.action(name, **fields)
    if not response.is_success:
        raise AmiError(response.get("Message", name))
    return response


async def list_action(name: str, config: AmiConfig | None = None, **fields: str) -> list[Message]:
    """Send one list action (CoreShowChannels, QueueStatus) and return its entries."""
    async with _single_use(config) as client:
        return await client.action_list(name, **fields)


def _single_use(config: AmiConfig | None) -> AmiClient:
    """A session for one action: no heartbeat, no events."""
    config = config or AmiConfig.from_settings()
    return AmiClient(replace(config, heartbeat_seconds=0), events=False)
