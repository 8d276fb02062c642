"""Indexes for the two figures the roll-up cannot hold: median talk times and rings.

Medians do not add up from daily sums and are counted from the calls (how
many talked calls lasted each second, per consultant): for one consultant
(their own page, the calls page narrowed to them) that read years of their
rows from the table, 21,888 pages at a million calls; a partial index of the
talked calls by consultant and start time, carrying the talk time, answers
from the index alone. The rings nobody answered (per consultant) read the
legs' rows after the partial index on ring time: it now carries what the
count needs too. On SQLite (small data) the plain partial indexes stay.
"""

from django.db import migrations

TALKED = "disposition IN ('answered', 'outbound_answered') AND talk_seconds IS NOT NULL"


def create(apps, schema_editor):
    call = schema_editor.quote_name(
        apps.get_model("hotline_asterisk_connector", "Call")._meta.db_table
    )
    leg = schema_editor.quote_name(
        apps.get_model("hotline_asterisk_connector", "CallLeg")._meta.db_table
    )
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run(
        f"CREATE INDEX IF NOT EXISTS reports_call_talked_idx ON {call} "
        f"(consultant_id, started_at) INCLUDE (talk_seconds) WHERE {TALKED}"
    )
    run("DROP INDEX IF EXISTS reports_leg_unanswered_idx")
    run(
        f"CREATE INDEX IF NOT EXISTS reports_leg_unanswered_idx ON {leg} (rang_at) "
        "INCLUDE (consultant_id, ended_at, call_id) WHERE answered_at IS NULL"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    leg = schema_editor.quote_name(
        apps.get_model("hotline_asterisk_connector", "CallLeg")._meta.db_table
    )
    schema_editor.execute("DROP INDEX IF EXISTS reports_call_talked_idx")
    schema_editor.execute("DROP INDEX IF EXISTS reports_leg_unanswered_idx")
    schema_editor.execute(
        f"CREATE INDEX reports_leg_unanswered_idx ON {leg} (rang_at) WHERE answered_at IS NULL"
    )


class Migration(migrations.Migration):
    dependencies = [("hotline_reports", "0007_callhour_consultant")]

    operations = [migrations.RunPython(create, drop)]
