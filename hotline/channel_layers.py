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
# All websockets of one Daphne process share one Redis queue, and channels_redis
# drops (logs "over capacity") whatever exceeds the capacity, 100 by default: a
# burst of pops to a busy process was silently lost. A pop is a few hundred
# bytes and is read within milliseconds, so the room costs nothing.
CAPACITY = 5000


def redis_layer(url: str, socket_timeout: float = 4 * BLOCKING_READ_SECONDS) -> dict:
    if socket_timeout <= BLOCKING_READ_SECONDS:
        raise ValueError("the Redis socket timeout must exceed the layer's blocking read")
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "capacity": CAPACITY,
            "hosts": [
                {
                    "address": url,
                    "socket_timeout": socket_timeout,
                    "socket_connect_timeout": 5,
                    "socket_keepalive": True,
                    "health_check_interval": 10,
                }
            ],
        },
    }


IN_MEMORY_LAYER = {"BACKEND": "channels.layers.InMemoryChannelLayer"}
