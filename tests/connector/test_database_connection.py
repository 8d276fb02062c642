"""The connector keeps one database session for all its batches, and opens a new one
when the server drops it, without losing an event."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connection

from hotline_asterisk_connector.connector import Connector
from hotline_asterisk_connector.database import APPLICATION_NAME
from tests.connector.scripted_ami import ScriptedAmi
from tests.connector.test_daemon import DEADLINE, Running, calls, inbound, wait_until

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_terminate_backend is PostgreSQL's"
)


def _session_of_the_thread() -> object:
    """On the connector's thread: the DB-API connection it is using now."""
    connection.ensure_connection()
    return connection.connection


async def send_and_wait(ami: ScriptedAmi, linkedid: str) -> None:
    await ami.send(inbound(linkedid))

    async def applied() -> bool:
        return linkedid in await calls()

    await wait_until(applied, linkedid)


@pytest.mark.django_db(transaction=True)
async def test_batches_share_one_database_connection(ami):
    connector = Connector(ami.config())
    running = Running(connector)
    await asyncio.wait_for(connector.connected.wait(), DEADLINE)
    sessions = []
    for n in range(3):
        await send_and_wait(ami, f"6.{n}")
        sessions.append(await connector.on_db(_session_of_the_thread))
    await running.finish()
    assert sessions[0] is sessions[1] is sessions[2]
    assert connector.events_applied == 3


def _connector_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s AND datname = %s",
            [APPLICATION_NAME, connection.settings_dict["NAME"]],
        )
        return [pid for (pid,) in cursor.fetchall()]


def _terminate(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        return cursor.fetchone()[0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
async def test_a_terminated_database_session_is_replaced_and_no_event_is_lost(ami):
    connector = Connector(ami.config())
    running = Running(connector)
    await asyncio.wait_for(connector.connected.wait(), DEADLINE)
    await send_and_wait(ami, "7.1")
    await send_and_wait(ami, "7.2")
    backends = await sync_to_async(_connector_backends)()
    assert len(backends) == 1, "one session for the resynchronisation and both batches"

    assert await sync_to_async(_terminate)(backends[0])
    await send_and_wait(ami, "7.3")
    await send_and_wait(ami, "7.4")

    replaced = await sync_to_async(_connector_backends)()
    await running.finish()
    assert len(replaced) == 1 and replaced != backends
    assert await calls() == {"7.1", "7.2", "7.3", "7.4"}
    # PostgreSQL's backend exits on its own time after the close, so
    # pg_stat_activity may still list it for a moment.
    await wait_until(_no_connector_backends, "the connector's session closed when it stops")


async def _no_connector_backends() -> bool:
    return not await sync_to_async(_connector_backends)()
