"""Calls in the journal for the workspace tests, built with numbers worked out by hand."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from hotline_asterisk_connector.models import Call, CallDirection, Disposition

KYIV = ZoneInfo("Europe/Kyiv")


def make_call(linkedid: str, **fields) -> Call:
    defaults = {
        "direction": CallDirection.INBOUND,
        "dialled_number": "+380800500001",
        "caller_number": "+380671234567",
        "started_at": datetime.datetime(2026, 3, 2, 10, 0, tzinfo=KYIV),
        "disposition": Disposition.ANSWERED,
    }
    defaults.update(fields)
    return Call.objects.create(linkedid=linkedid, **defaults)


@pytest.fixture
def recordings(tmp_path, settings):
    settings.RECORDINGS_DIR = tmp_path / "recordings"
    settings.RECORDINGS_DIR.mkdir()
    return settings.RECORDINGS_DIR
