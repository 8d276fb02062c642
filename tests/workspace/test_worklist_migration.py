"""The three old worklist tables' rows move into the one table and back (decision 0031)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("hotline_workspace", "0005_worklist_item"),
    ("hotline_asterisk_connector", "0016_callleg_consultant_call_index"),
]
AFTER = [
    ("hotline_workspace", "0007_missed_call_table_gone"),
    ("hotline_asterisk_connector", "0017_worklist_moved_to_workspace"),
]
AT = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_schema(transactional_db):
    try:
        yield migrate(BEFORE)
    finally:
        migrate(AFTER)


def test_rows_are_copied_with_their_kind_and_cycle_and_back(old_schema):
    apps = old_schema
    call = apps.get_model("hotline_asterisk_connector", "Call")
    left, asked, missed = (
        call.objects.create(linkedid=f"mig.{n}", caller_number="+38067111111{n}", started_at=AT)
        for n in range(3)
    )
    common = {"caller_number": "+380671111110", "created_at": AT}
    apps.get_model("hotline_asterisk_connector", "Voicemail").objects.create(
        call=left, audio_file="a.wav", duration_seconds=12, status="taken", **common
    )
    apps.get_model("hotline_asterisk_connector", "CallbackRequest").objects.create(
        call=asked, number_to_call="+380509999999", may_say_who_we_are=True, **common
    )
    old_missed = apps.get_model("hotline_workspace", "MissedCall")
    old_missed.objects.create(call=missed, attempts=2, outcome_note="вимкнений", **common)
    # Done, and then its call was corrected to the voice message.
    old_missed.objects.create(call=left, status="done", **common)

    item = migrate(AFTER).get_model("hotline_workspace", "WorklistItem")
    fields = (
        "kind",
        "call__linkedid",
        "status",
        "attempts",
        "outcome_note",
        "audio_file",
        "duration_seconds",
        "number_to_call",
        "may_say_who_we_are",
    )
    copied = sorted(item.objects.values_list(*fields), key=str)
    assert copied == sorted(
        [
            ("voicemail", "mig.0", "taken", 0, "", "a.wav", 12, "", None),
            ("callback", "mig.1", "pending", 0, "", "", None, "+380509999999", True),
            ("missed", "mig.2", "pending", 2, "вимкнений", "", None, "", None),
            ("missed", None, "done", 0, "", "", None, "", None),
        ],
        key=str,
    )

    apps = migrate(BEFORE)
    assert list(
        apps.get_model("hotline_asterisk_connector", "Voicemail").objects.values_list(
            "call__linkedid", "audio_file", "status"
        )
    ) == [("mig.0", "a.wav", "taken")]
    assert list(
        apps.get_model("hotline_asterisk_connector", "CallbackRequest").objects.values_list(
            "call__linkedid", "number_to_call", "may_say_who_we_are"
        )
    ) == [("mig.1", "+380509999999", True)]
    # The missed call without its call cannot go back: that table needs one.
    assert list(
        apps.get_model("hotline_workspace", "MissedCall").objects.values_list(
            "call__linkedid", "attempts"
        )
    ) == [("mig.2", 2)]
    assert not apps.get_model("hotline_workspace", "WorklistItem").objects.exists()
