"""The missed calls live in the one worklist table now (0006 copied them)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("hotline_workspace", "0006_worklist_rows_copied")]

    operations = [migrations.DeleteModel(name="MissedCall")]
