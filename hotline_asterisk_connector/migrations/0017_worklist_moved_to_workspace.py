"""Voice messages and callback requests are the workspace's worklist rows now
(hotline_workspace 0006 copied them; decision 0031)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("hotline_asterisk_connector", "0016_callleg_consultant_call_index"),
        ("hotline_workspace", "0006_worklist_rows_copied"),
    ]

    operations = [
        migrations.RemoveField(model_name="voicemail", name="call"),
        migrations.RemoveField(model_name="voicemail", name="taken_by"),
        migrations.DeleteModel(name="CallbackRequest"),
        migrations.DeleteModel(name="Voicemail"),
    ]
