"""The explicit 24/7 choice. Until now an empty week meant «never closes»: a line
with weekly hours keeps them, one without any stays open round the clock."""

from django.db import migrations, models


def keep_todays_behaviour(apps, schema_editor) -> None:
    WorkingHours = apps.get_model("hotline_asterisk_connector", "WorkingHours")
    PbxSettings = apps.get_model("hotline_asterisk_connector", "PbxSettings")
    if WorkingHours.objects.exists():
        PbxSettings.objects.update_or_create(pk=1, defaults={"always_open": False})


class Migration(migrations.Migration):
    dependencies = [
        ("hotline_asterisk_connector", "0014_sip_guard"),
    ]

    operations = [
        migrations.AddField(
            model_name="pbxsettings",
            name="always_open",
            field=models.BooleanField(
                default=True, verbose_name="the line works round the clock (24/7)"
            ),
        ),
        # Going back keeps the stored hours: nothing is deleted, and a 24/7 line
        # with hours kept would then follow them.
        migrations.RunPython(keep_todays_behaviour, migrations.RunPython.noop),
    ]
