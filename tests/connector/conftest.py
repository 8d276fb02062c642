"""Fixtures of the connector's tests: a scripted AMI server, Asterisk's call records
and a consultant's line."""

import sqlite3

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from hotline_asterisk_connector.models import ConsultantLine
from tests.connector.scripted_ami import ScriptedAmi

# Asterisk's CDR table, as cdr_sqlite3_custom writes it (asterisk/templates).
COLUMNS = (
    "AcctId, calldate, start_epoch, answer_epoch, end_epoch, clid, src, dst, dcontext, "
    "channel, dstchannel, lastapp, lastdata, duration, billsec, disposition, uniqueid, "
    "linkedid, userfield, did, recording"
)
INSERT = f"INSERT INTO cdr VALUES ({','.join('?' * len(COLUMNS.split(',')))})"  # noqa: S608


@pytest.fixture
async def ami():
    """A scripted AMI server for a connector to log in to."""
    server = await ScriptedAmi().start()
    yield server
    await server.stop()
    # The test's own ORM calls ran on asgiref's thread: close its connection too.
    await sync_to_async(connections.close_all)()


@pytest.fixture
def records(settings, tmp_path):
    """Asterisk's master.db, as cdr_sqlite3_custom writes it."""
    settings.HOTLINE_ASTERISK_DIR = tmp_path
    (tmp_path / "log").mkdir()
    database = sqlite3.connect(tmp_path / "log" / "master.db")
    # As Asterisk creates it: AcctId is the integer key (the rows' order), the rest untyped.
    columns = COLUMNS.replace("AcctId,", "AcctId INTEGER PRIMARY KEY,")
    database.execute(f"CREATE TABLE cdr ({columns})")

    def write(*rows: dict) -> None:
        for row in rows:
            values = [row.get(column.strip(), "") for column in COLUMNS.split(",")]
            values[0] = row.get("AcctId")  # None: the next key, as Asterisk's inserts
            database.execute(INSERT, values)
        database.commit()

    yield write
    database.close()


@pytest.fixture
def alice_line(alice):
    ConsultantLine.objects.create(
        user=alice, extension="101", webrtc_password="a", sip_password="b"
    )
    return alice
