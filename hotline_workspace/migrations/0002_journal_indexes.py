"""Indexes the call journal's page needs at a million calls (docs/benchmarks-reports.md).

The page walks the calls newest first from a position (keyset pagination),
so the order (started_at, id) is an index; the phone filter looks a whole
number up in the caller's or the callee's column, and on PostgreSQL a
fragment of digits through trigram indexes (pg_trgm, a trusted extension
any database owner may create). Consultant, line number and outcome filters
use the connector's own (column, started_at) indexes.
"""

from django.db import migrations


def create(apps, schema_editor):
    call = schema_editor.quote_name(
        apps.get_model("hotline_asterisk_connector", "Call")._meta.db_table
    )
    run = schema_editor.execute
    run(f"CREATE INDEX IF NOT EXISTS journal_call_order_idx ON {call} (started_at, id)")
    run(f"CREATE INDEX IF NOT EXISTS journal_call_callee_idx ON {call} (callee_number)")
    if schema_editor.connection.vendor != "postgresql":
        return
    run("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in ("caller_number", "callee_number"):
        run(
            f"CREATE INDEX IF NOT EXISTS journal_call_{column}_trgm_idx ON {call} "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    for name in ("order", "callee", "caller_number_trgm", "callee_number_trgm"):
        schema_editor.execute(f"DROP INDEX IF EXISTS journal_call_{name}_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("hotline_workspace", "0001_missed_call_worklist"),
        ("hotline_asterisk_connector", "0001_call_journal"),
    ]

    operations = [migrations.RunPython(create, drop)]
