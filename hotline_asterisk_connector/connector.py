"""The connector daemon: keeps an AMI session up and turns its events into rows.

One coroutine reads events (inside AmiClient), one applies them in order on a
dedicated database thread, in batches, each batch in one transaction:
- an event that cannot be applied (malformed, unknown call) is logged and
  skipped (its batch is done again with a savepoint per event), so one bad
  event never stops the journal;
- a database outage is retried with backoff, keeping every event in memory
  (Asterisk's stream keeps being read meanwhile);
- after each batch, the screen pops it produced are sent from the loop; the
  events a pop needs are applied first, so pops do not wait behind the
  batch's other writes (`pops_first`);
- on PostgreSQL, a ring of a call already journaled is popped at once as it
  arrives, on the pops' own database threads, ahead of the journal
  (fast_pops.py).
After every (re)connection the live state is re-read and calls that ended
while the connector was away are recovered (see recovery.py).
"""

import asyncio
import contextlib
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)

from hotline_asterisk_connector import (
    fast_pops,
    journal,
    notify,
    presence,
    recovery,
    sip_guard,
)
from hotline_asterisk_connector.ami.client import AmiClient, AmiConfig, AmiError, ConnectionLost
from hotline_asterisk_connector.ami.protocol import Message
from hotline_asterisk_connector.database import close_connection, keep_connection
from hotline_asterisk_connector.events import EventRouter

log = logging.getLogger(__name__)

T = TypeVar("T")
_BATCH = 500
# Threads, each with its own connection, for the pops' fast path: a wave of
# hang-ups frees consultants together, and the burst of their next rings
# waited one after another on a single thread (at 400 calls, up to 140 ms).
# Rings of different calls, or of one call to different consultants, touch
# different rows.
POPS_THREADS = 3
_RECORDS_RETRY_SECONDS = 2.0
# Errors that mean "the database is unreachable right now", worth retrying.
_OUTAGE = (OperationalError, InterfaceError)


class Backoff:
    """Exponential delays with jitter, so a restarted Asterisk is not hammered."""

    def __init__(self, initial: float = 0.5, maximum: float = 30.0) -> None:
        self.initial = initial
        self.maximum = maximum
        self.attempt = 0

    def next_delay(self) -> float:
        delay = min(self.maximum, self.initial * 2**self.attempt)
        self.attempt += 1
        return delay * random.uniform(0.8, 1.2)  # noqa: S311  (jitter, not secrecy)

    def reset(self) -> None:
        self.attempt = 0


class Connector:
    def __init__(
        self,
        config: AmiConfig,
        router: EventRouter | None = None,
        sweep_seconds: float = 60.0,
        pops_ahead: bool | None = None,
    ) -> None:
        self.config = config
        self.sweep_seconds = sweep_seconds
        self.router = router or EventRouter()
        # One thread, one persistent connection for every batch (see database.py).
        self._db = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="hotline-journal", initializer=keep_connection
        )
        # The pops' fast path: its own threads and connections (fast_pops.py). Not on
        # SQLite, where a second writer would wait for the journal's transaction.
        self.pops_ahead = connection.vendor == "postgresql" if pops_ahead is None else pops_ahead
        self._pops_db = ThreadPoolExecutor(
            max_workers=POPS_THREADS, thread_name_prefix="hotline-pops", initializer=keep_connection
        )
        self._rung = fast_pops.RungConsultants()
        self._ahead: dict[int, _Ahead] = {}  # by id() of the AgentCalled
        self._journal_moved = asyncio.Event()
        self.popped_ahead = 0
        # Where the time goes (logged as the connector stops; the load benchmark keeps it).
        self.batches = 0
        self.journal_seconds = 0.0
        self.connected = asyncio.Event()
        self.sessions = 0  # AMI sessions that reached the caught-up state
        self.events_applied = 0
        self.failures = StepFailures()
        # Set when a call seen in part ended: its records are worth reading soon.
        self._records_due = asyncio.Event()
        self._records_waiting = False
        self._resync_owed = False

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set, reconnecting whenever the session ends."""
        backoff = Backoff()
        try:
            while not stop.is_set():
                try:
                    await self._session(stop, backoff)
                except (OSError, TimeoutError, AmiError, ConnectionLost) as error:
                    log.warning("AMI session ended: %s", error or type(error).__name__)
                self.connected.clear()
                if not stop.is_set():
                    delay = backoff.next_delay()
                    log.info("Reconnecting to Asterisk in %.1f s", delay)
                    await _wait(stop, delay)
        finally:
            log.info(
                "Connector summary: %d events applied in %d batches, the journal's thread "
                "busy %.1f s; %d screen pops went ahead of the journal",
                self.events_applied,
                self.batches,
                self.journal_seconds,
                self.popped_ahead,
            )
            await self.aclose()

    async def _session(self, stop: asyncio.Event, backoff: Backoff) -> None:
        client = AmiClient(self.config, on_event=self._arrived)
        await client.connect()
        try:
            log.info("Connected to Asterisk AMI at %s:%s", self.config.host, self.config.port)
            backoff.reset()
            await self.resynchronise(client)
            self.sessions += 1
            self.connected.set()
            log.info("Caught up with Asterisk; applying its events as they come")
            sweeper = asyncio.create_task(self._sweep_records(client), name="records-sweep")
            try:
                await self._pump(client, stop)
            finally:
                sweeper.cancel()
        finally:
            await client.close()
            # Rings of events that will not be applied now: the journal has them
            # again from the next session's resynchronisation.
            for ahead in self._ahead.values():
                ahead.task.cancel()
            self._ahead.clear()

    async def resynchronise(self, client: AmiClient) -> None:
        """Re-read what changed while no events reached us. An action Asterisk does
        not answer fails alone: the session and its events live on, and the part
        it served is done again by the next sweep."""
        members = await self._listed(client, "QueueStatus")
        channels = await self._listed(client, "CoreShowChannels")
        # Without res_manager_devicestate the phones' states come with their next change.
        devices = await self._listed(client, "DeviceStateList") or []
        self._resync_owed = members is None or channels is None
        outbox = await self.on_db(recovery.resynchronise, self.router, members, channels, devices)
        await notify.deliver(outbox)

    async def _listed(self, client: AmiClient, action: str) -> list[Message] | None:
        """The events a list action returns, or None when it was refused or timed out."""
        try:
            listed = await client.action_list(action)
        except (TimeoutError, AmiError) as error:
            self.failures.failed(action, error)
            return None
        self.failures.worked(action)
        return listed

    async def _sweep_records(self, client: AmiClient) -> None:
        """Merge Asterisk's records of the calls seen in part: soon after one ends,
        again while its records are awaited, and every so often in case."""
        while True:
            await self._sweep_due()
            try:
                if self._resync_owed:
                    await self.resynchronise(client)
                    continue
                # Connected all along, every call was seen whole: nothing to read
                # (not even the channels list, a thousand events at 400 calls).
                if not await self.on_db(recovery.records_awaited):
                    self._records_waiting = False
                    continue
                channels = await self._listed(client, "CoreShowChannels")
            except (OSError, ConnectionLost):
                return  # The session is ending; the next one sweeps again.
            if channels is None:
                continue
            live = {channel.get("Linkedid", "") for channel in channels}
            try:
                outbox, self._records_waiting = await self.on_db(recovery.sweep, self.router, live)
            except _OUTAGE as error:
                self.failures.failed("records sweep", error)
                await self.on_db(close_connection)
                continue
            self.failures.worked("records sweep")
            await notify.deliver(outbox)
            # Blocks that ran out leave the configuration (sip_guard.py).
            await self.on_db(sip_guard.expire_and_apply)

    async def _sweep_due(self) -> None:
        # Asterisk writes a call's records as its last channel goes: give it a moment.
        seconds = _RECORDS_RETRY_SECONDS if self._records_waiting else self.sweep_seconds
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._records_due.wait(), seconds)
            await asyncio.sleep(_RECORDS_RETRY_SECONDS)
        self._records_due.clear()

    async def _pump(self, client: AmiClient, stop: asyncio.Event) -> None:
        events = client.events()
        stopping = asyncio.create_task(stop.wait())
        try:
            while True:
                following = asyncio.ensure_future(anext(events))
                done, _pending = await asyncio.wait(
                    {following, stopping}, return_when=asyncio.FIRST_COMPLETED
                )
                if following not in done:
                    following.cancel()
                    # Stopping: what was already received still goes into the journal.
                    await self.apply(client.take_buffered(10**9))
                    return
                await self.apply([following.result(), *client.take_buffered(_BATCH - 1)])
        finally:
            stopping.cancel()

    async def apply(self, batch: list[Message]) -> None:
        """Apply events, screen pops first (see `pops_first`); on a database outage
        wait and retry from the first unapplied."""
        wanted = [message for message in batch if self.router.wants(message)]
        await self._journal_reaches(wanted)
        urgent, rest = pops_first(wanted)
        for part in (urgent, rest):
            await self._apply_in_order(part)

    def _arrived(self, message: Message) -> None:
        """Every event as it arrives: a first ring of a consultant goes ahead (fast_pops.py)."""
        if self._rung.first_ring(message) and message.event == "AgentCalled" and self.pops_ahead:
            ahead = _Ahead(message)
            ahead.task = asyncio.ensure_future(self._pop_ahead(ahead))
            self._ahead[id(message)] = ahead

    async def _pop_ahead(self, ahead: "_Ahead") -> None:
        while True:
            moved = self._journal_moved
            try:
                outcome, outbox = await self.on_pops(fast_pops.ring, self.router, ahead.message)
            except Exception:  # the journal pops it, in its order
                log.warning("A screen pop could not go ahead of the journal", exc_info=True)
                return
            if outcome is fast_pops.Outcome.POPPED:
                self.popped_ahead += 1
                await notify.deliver(outbox)
                return
            if outcome is fast_pops.Outcome.JOURNAL or ahead.journal_reached:
                return
            await moved.wait()  # The call is not journaled yet: after the next commit.

    async def _journal_reaches(self, events: list[Message]) -> None:
        """The journal is about to apply `events`: a ring of theirs that went ahead is
        finished first (its pop handed to the channel layer), and one still waiting
        for its call to be journaled is left to the journal."""
        going = []
        for message in events:
            ahead = self._ahead.pop(id(message), None)
            if ahead is not None:
                ahead.journal_reached = True
                going.append(ahead.task)
        if going:
            self._moved()
            await asyncio.gather(*going, return_exceptions=True)

    def _moved(self) -> None:
        self._journal_moved.set()
        self._journal_moved = asyncio.Event()

    async def _apply_in_order(self, events: list[Message]) -> None:
        pending = deque(events)
        backoff = Backoff(initial=0.2, maximum=10.0)
        while pending:
            outbox, outage = await self.on_db(self._apply_sync, pending)
            self._moved()
            await notify.deliver(outbox)
            if self.router.records_due:
                self.router.records_due = False
                self._records_due.set()
            if outage is None:
                return
            delay = backoff.next_delay()
            log.error("Database unavailable (%s); retrying in %.1f s", outage, delay)
            await self.on_db(close_connection)
            await asyncio.sleep(delay)

    def _apply_sync(
        self, pending: deque[Message]
    ) -> tuple[list[notify.Outgoing], Exception | None]:
        """Apply `pending` in one transaction and empty it once committed. Return what
        to send and, on a database failure, the error: then nothing was committed and
        `pending` stays as it was, for the retry.

        A savepoint per event costs two round trips each (most of a batch's time on
        PostgreSQL), so the batch is first applied without any; only when one of its
        events fails (malformed, an unknown call) is the batch rolled back and done
        again with a savepoint per event, so that event alone is skipped."""
        started = time.monotonic()
        try:
            try:
                return self._apply_batch(pending, savepoints=False), None
            except _OUTAGE:
                raise
            except Exception:  # redone event by event below, each failure logged
                return self._apply_batch(pending, savepoints=True), None
        except _OUTAGE as error:
            return [], error
        finally:
            self.batches += 1
            self.journal_seconds += time.monotonic() - started

    def _apply_batch(self, pending: deque[Message], savepoints: bool) -> list[notify.Outgoing]:
        outbox: list[notify.Outgoing] = []
        applied = 0
        # Unguarded, each call's row and each consultant's state are read once for
        # the batch (journal.keeping_calls, presence.keeping_states); with a
        # savepoint per event, a rolled-back event's changes to a kept row would
        # stay in memory, so each event reads the rows again.
        kept = contextlib.ExitStack()
        if not savepoints:
            kept.enter_context(journal.keeping_calls())
            kept.enter_context(presence.keeping_states())
        # The desks' waiting count is counted once, as the batch ends (notify.summaries_once).
        with transaction.atomic(), kept, notify.summaries_once() as summaries:
            for message in pending:
                if not savepoints:
                    with notify.collecting() as produced, journal.without_savepoints():
                        self.router.apply(message)
                    outbox.extend(produced)
                    applied += 1
                    continue
                try:
                    with notify.collecting() as produced, transaction.atomic():
                        self.router.apply(message)
                except _OUTAGE:
                    raise
                except Exception:
                    log.exception("Skipped an AMI event that could not be applied: %r", message)
                else:
                    outbox.extend(produced)
                    applied += 1
        outbox.extend(summaries)
        pending.clear()
        self.events_applied += applied
        return outbox

    async def aclose(self) -> None:
        """Close the database threads' connections and the threads themselves."""
        await self.on_db(close_connection)
        await self._close_pops_connections()
        self._db.shutdown(wait=True)
        self._pops_db.shutdown(wait=True)

    async def on_db(self, function: Callable[..., T], *args) -> T:
        """Run ORM work on the connector's own database thread, off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._db, _checked, function, args)

    async def on_pops(self, function: Callable[..., T], *args) -> T:
        """Run ORM work on one of the pops' fast path's threads (fast_pops.py). No
        health check first (a round trip for every pop): a connection found broken
        is closed and that pop left to the journal; the thread's next pop reopens it."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pops_db, _closed_on_failure, function, args)

    async def _close_pops_connections(self) -> None:
        # One close on every thread: each waits for the others, so none takes two.
        everyone = threading.Barrier(POPS_THREADS)

        def close() -> None:
            everyone.wait(timeout=30)
            close_connection()

        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(self._pops_db, close) for _ in range(POPS_THREADS))
        )


class _Ahead:
    """A ring going ahead of the journal (fast_pops.py)."""

    def __init__(self, message: Message) -> None:
        self.message = message
        self.task: asyncio.Future
        self.journal_reached = False


def _closed_on_failure(function: Callable[..., T], args: tuple) -> T:
    try:
        return function(*args)
    except Exception:
        close_connection()
        raise


def _checked(function: Callable[..., T], args: tuple) -> T:
    # The connection is persistent: this makes its first query check that the
    # server still has it (and reopen it if not), and drops one left broken.
    close_old_connections()
    return function(*args)


def pops_first(batch: list[Message]) -> tuple[list[Message], list[Message]]:
    """The screen pop's fast path: a batch under load holds hundreds of events, and
    a pop sent after all of them are written waits for every other call's. So
    each AgentCalled (the pop), with the earlier events of its own call, is
    applied and its pop sent first; the rest follow in their order. Each call's
    events keep their order; only other calls' events wait."""
    ringing = {
        m.get("Linkedid", ""): i
        for i, m in enumerate(batch)
        if m.event == "AgentCalled" and m.get("Linkedid")
    }
    if not ringing:
        return [], batch
    urgent: list[Message] = []
    rest: list[Message] = []
    for index, message in enumerate(batch):
        last = ringing.get(message.get("Linkedid", ""))
        (urgent if last is not None and index <= last else rest).append(message)
    return urgent, rest


class StepFailures:
    """A step that keeps failing (an action Asterisk never answers, the database
    gone for the sweep) is said once, clearly, and once more when it works again,
    instead of a warning on every attempt."""

    def __init__(self) -> None:
        self.failing: set[str] = set()

    def failed(self, step: str, error: BaseException) -> None:
        if step in self.failing:
            log.debug("%s failed again: %s", step, error or type(error).__name__)
            return
        self.failing.add(step)
        log.error(
            "%s failed: %s; retrying without saying so again until it works",
            step,
            error or type(error).__name__,
        )

    def worked(self, step: str) -> None:
        if step in self.failing:
            self.failing.discard(step)
            log.warning("%s works again", step)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
