"""The embedded mode: the single web process of `make run` also runs the connector.

Daphne (the project's ASGI server) has no ASGI lifespan, so the connector is
scheduled on Daphne's own event loop when the app is loaded, and stopped by a
reactor shutdown trigger. It must share that loop: the in-process channel
layer of the embedded mode only works within one loop.
"""

import asyncio
import logging
import os
import sys

from django.conf import settings

log = logging.getLogger(__name__)


def start_if_serving() -> None:
    """Schedule the connector when this process is a Daphne server and the mode is on."""
    if not settings.HOTLINE_EMBEDDED_CONNECTOR:
        return
    daphne_server = sys.modules.get("daphne.server")
    if daphne_server is None:
        return
    if "runserver" in sys.argv[1:2] and "--noreload" not in sys.argv and not _is_reloaded_child():
        return  # The autoreloader's watcher process serves nothing.
    loop: asyncio.AbstractEventLoop = daphne_server.twisted_loop
    loop.call_soon(_start, loop)


def _is_reloaded_child() -> bool:
    return os.environ.get("RUN_MAIN") == "true"


def _start(loop: asyncio.AbstractEventLoop) -> None:
    from twisted.internet import defer, reactor

    from hotline_asterisk_connector.ami.client import AmiConfig
    from hotline_asterisk_connector.connector import Connector

    stop = asyncio.Event()
    connector = Connector(
        AmiConfig.from_settings(), sweep_seconds=settings.HOTLINE_RECORDS_SWEEP_SECONDS
    )
    task = loop.create_task(connector.run(stop), name="connector")
    log.info("Embedded connector started")

    def shut_down() -> defer.Deferred:
        stop.set()
        return defer.Deferred.fromFuture(task)

    reactor.addSystemEventTrigger("before", "shutdown", shut_down)
