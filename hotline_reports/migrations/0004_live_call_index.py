"""The calls still going on, found without reading the journal (the wallboard).

The wallboard asks for the callers waiting now: calls not ended. Among a
million calls that is a scan of all of them, unless an index holds only the
unfinished ones — a handful at any moment, so the index stays tiny.
"""

from django.db import migrations


def create(apps, schema_editor):
    call = apps.get_model("hotline_asterisk_connector", "Call")._meta.db_table
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS reports_call_live_idx ON {schema_editor.quote_name(call)} "
        "(queued_at) WHERE ended_at IS NULL"
    )


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS reports_call_live_idx")


class Migration(migrations.Migration):
    dependencies = [("hotline_reports", "0003_call_form_index")]

    operations = [migrations.RunPython(create, drop)]
