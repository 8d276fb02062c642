"""The channel layer's configuration, shared by the settings and the tests.

channels_redis waits for a socket's next message with a blocking read of
`brpop_timeout` (5 s, BZPOPMIN). redis-py 8's own default socket timeout is
also 5 s, so an idle desk's read timed out on the client just as Redis
answered, the consumer died and its websocket closed (1011), losing pops.
The socket timeout is set well above the blocking read, and a health check
replaces a connection Redis dropped (a restart) before it is used again.
See docs/decisions/0013-redis-channel-layer-sockets.md.
"""

# channels_redis.core.RedisChannelLayer.brpop_timeout
BLOCKING_READ_SECONDS = 5


def redis_layer(url: str, socket_timeout: float = 4 * BLOCKING_READ_SECONDS) -> dict:
    if socket_timeout <= BLOCKING_READ_SECONDS:
        raise ValueError("the Redis socket timeout must exceed the layer's blocking read")
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": url,
                    "socket_timeout": socket_timeout,
                    "socket_connect_timeout": 5,
                    "socket_keepalive": True,
                    "health_check_interval": 10,
                }
            ]
        },
    }


IN_MEMORY_LAYER = {"BACKEND": "channels.layers.InMemoryChannelLayer"}
