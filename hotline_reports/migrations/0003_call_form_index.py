"""The hotline number of each form's call, readable from an index (PostgreSQL).

Counting forms by hotline number joins every form with its call; with this
small partial index the join reads the index instead of the calls table.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    call = apps.get_model("hotline_asterisk_connector", "Call")._meta.db_table
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS reports_call_form_idx ON {schema_editor.quote_name(call)} "
        "(consultation_id) INCLUDE (dialled_number) WHERE consultation_id IS NOT NULL"
    )


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS reports_call_form_idx")


class Migration(migrations.Migration):
    dependencies = [("hotline_reports", "0002_report_indexes")]

    operations = [migrations.RunPython(create, drop)]
