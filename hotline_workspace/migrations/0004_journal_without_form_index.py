"""The journal's count of calls left without a form, per consultant, from an index.

The supervisor's journal shows how many talked calls each consultant left
without a consultation form (journal.WITHOUT_FORM), over whatever the filter
finds — every call, without a period. At a million calls that was a scan of
the whole table (1.3 s); this partial index holds only those calls, keyed by
consultant and start time, so the count is an index-only scan of them.
"""

from django.db import migrations

# journal.WITHOUT_FORM in SQL (an index cannot import it).
WITHOUT_FORM = (
    "direction = 'inbound' AND answered_at IS NOT NULL AND ended_at IS NOT NULL "
    "AND consultant_id IS NOT NULL AND consultation_id IS NULL"
)


def create(apps, schema_editor):
    call = schema_editor.quote_name(
        apps.get_model("hotline_asterisk_connector", "Call")._meta.db_table
    )
    # COUNT(id) reads the id, and the journal's outcome and line filters their
    # columns: on PostgreSQL the index carries them, so that a filtered count is
    # an index-only scan too (SQLite's rowid is the id already).
    include = (
        " INCLUDE (id, disposition, dialled_number)"
        if schema_editor.connection.vendor == "postgresql"
        else ""
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS journal_call_without_form_idx ON {call} "
        f"(consultant_id, started_at){include} WHERE {WITHOUT_FORM}"
    )


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS journal_call_without_form_idx")


class Migration(migrations.Migration):
    dependencies = [("hotline_workspace", "0003_wrapup_pause")]

    operations = [migrations.RunPython(create, drop)]
