"""The channel layer's configuration, shared by the settings and the tests.

Production's layer is channels_redis's pub/sub one (decision 0038): a message
is one PUBLISH, and each web process holds one subscription over which Redis
pushes every message of its websockets as it comes. The list-based layer took
four round trips for each message a process received, one message after
another for all its websockets, and under load a pop waited for every
message ahead of it (at 200 calls, p95 287 ms against 80 ms here).

Redis's pub/sub channels are the same in every database of a server, so the
database number of REDIS_URL goes into the channels' prefix: processes
configured with different databases (the test workers, another deployment on
the same server) never hear each other. The sockets: a read timeout well
above the subscription's polling, a connect timeout, TCP keepalive, and a
health check (a PING on a connection idle for 10 s) so that a connection
Redis dropped on a restart is replaced; see decision 0013.
"""

from urllib.parse import urlsplit

PUBSUB_LAYER = "channels_redis.pubsub.RedisPubSubChannelLayer"


def redis_layer(url: str, socket_timeout: float = 20) -> dict:
    database = urlsplit(url).path.strip("/") or "0"
    return {
        "BACKEND": PUBSUB_LAYER,
        "CONFIG": {
            "prefix": f"hotline{database}.",
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
