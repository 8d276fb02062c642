"""Check every minute whether the nightly jobs are due, inside whichever process runs it.

`make run` has one Daphne process and no cron: with HOTLINE_DAILY_JOBS on,
the check runs on Daphne's event loop (as the embedded connector does), the
jobs themselves in a worker thread. Production runs `manage.py
run_daily_jobs --loop` as its own service instead. Either way, and with
any number of such processes, each job runs once a day: it is claimed first.
"""

import asyncio
import contextlib
import logging
import sys

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

from hotline_admin.daily import run_due_jobs

log = logging.getLogger(__name__)

CHECK_SECONDS = 60.0


def run_once() -> list[str]:
    try:
        return run_due_jobs()
    finally:
        # This worker thread's connection: a database restart must not leave it broken.
        connections.close_all()


async def run_forever(stop: asyncio.Event, interval: float = CHECK_SECONDS) -> None:
    while not stop.is_set():
        try:
            # Off the event loop and off the thread that serves requests: a
            # backup may take minutes.
            ran = await sync_to_async(run_once, thread_sensitive=False)()
            for name in ran:
                log.info("Daily job %s done", name)
        except Exception:
            log.exception("Checking the daily jobs failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)


def start_if_serving() -> None:
    """Schedule the check on Daphne's loop when this process serves and the setting is on."""
    if not settings.HOTLINE_DAILY_JOBS:
        return
    daphne_server = sys.modules.get("daphne.server")
    if daphne_server is None:
        return
    loop: asyncio.AbstractEventLoop = daphne_server.twisted_loop
    loop.call_soon(_start, loop)


def _start(loop: asyncio.AbstractEventLoop) -> None:
    from twisted.internet import defer, reactor

    stop = asyncio.Event()
    task = loop.create_task(run_forever(stop), name="daily-jobs")
    log.info("Daily jobs scheduler started")

    def shut_down() -> defer.Deferred:
        stop.set()
        return defer.Deferred.fromFuture(task)

    reactor.addSystemEventTrigger("before", "shutdown", shut_down)
