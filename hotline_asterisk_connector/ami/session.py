"""A short AMI session for one action from a web request (click-to-call, pause…).

The web process does not share the connector daemon's connection (in
production they are separate processes), so it logs in, sends, and logs off;
on loopback that costs a few milliseconds.
"""

from hotline_asterisk_connector.ami.client import AmiClient, AmiConfig, AmiError
from hotline_asterisk_connector.ami.protocol import Message


async def send_action(
    name: str, config: AmiConfig | None = None, **fields: str | list[str]
) -> Message:
    """Send one action; raise AmiError when Asterisk refuses it."""
    config = config or AmiConfig.from_settings()
    async with AmiClient(
        AmiConfig(
            host=config.host,
            port=config.port,
            username=config.username,
            secret=config.secret,
            heartbeat_seconds=0,
            timeout_seconds=config.timeout_seconds,
        ),
        events=False,
    ) as client:
        response = await client.action(name, **fields)
    if not response.is_success:
        raise AmiError(response.get("Message", name))
    return response
