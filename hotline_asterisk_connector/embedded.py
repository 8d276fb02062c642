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
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)


def start_if_serving() -> None:
    """Schedule the connector when this process is a Daphne server and the mode is on."""
    if not settings.HOTLINE_EMBEDDED_CONNECTOR:
        return
    daphne_server = sys.modules.get("daphne.server")
    if daphne_server is None or not _serves_http():
        return
    loop: asyncio.AbstractEventLoop = daphne_server.twisted_loop
    loop.call_soon(_start, loop)


def _serves_http() -> bool:
    """`daphne …` or `python -m daphne …`, or `manage.py runserver` (Daphne's) in the
    process that serves, not in the autoreloader's watcher. Every other Django
    process (migrate, run_connector, tests) imports daphne.server too, via the
    daphne app, but never runs its loop."""
    program = Path(sys.argv[0])
    if program.name == "daphne" or (
        program.name == "__main__.py" and program.parent.name == "daphne"
    ):
        return True
    if sys.argv[1:2] == ["runserver"]:
        return "--noreload" in sys.argv or os.environ.get("RUN_MAIN") == "true"
    return False


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
