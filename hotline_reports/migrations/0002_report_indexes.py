"""Indexes the reports need on the call journal's tables.

They live here, not in the connector app, because only the reports use
them (docs/reports.md). On PostgreSQL the calls get a covering index so that
a period's figures come from an index-only scan; SQLite (the embedded
default, small data) gets only the partial index on unanswered rings.
"""

from django.db import migrations

COVERED = "id, direction, disposition, consultant_id, queued_at, wait_seconds, talk_seconds, dialled_number"


def _tables(apps):
    call = apps.get_model("hotline_asterisk_connector", "Call")._meta.db_table
    leg = apps.get_model("hotline_asterisk_connector", "CallLeg")._meta.db_table
    return call, leg


def create(apps, schema_editor):
    call, leg = _tables(apps)
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS reports_leg_unanswered_idx ON {quote(leg)} (rang_at) "
        "WHERE answered_at IS NULL"
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS reports_call_period_idx ON {quote(call)} (started_at) "
            f"INCLUDE ({COVERED})"
        )


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS reports_leg_unanswered_idx")
    schema_editor.execute("DROP INDEX IF EXISTS reports_call_period_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("hotline_reports", "0001_report_settings"),
        ("hotline_asterisk_connector", "0001_call_journal"),
    ]

    operations = [migrations.RunPython(create, drop)]
