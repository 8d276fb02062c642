"""Each added-up month's talked calls counted per consultant and second (TalkMonth),
for the medians of long periods.

A month already added up has no such counts yet: its mark is dropped, so
reports count it from its days and the journal until the daily job (or
`manage.py rollup_calls`) adds it up again, counts included (the days stay
rolled up; adding up three years of months takes under a minute).
"""

from django.db import migrations, models


def forget_months(apps, schema_editor):
    apps.get_model("hotline_reports", "RolledMonth").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("hotline_reports", "0009_call_month_rollup")]

    operations = [
        migrations.CreateModel(
            name="TalkMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("consultant_id", models.IntegerField(null=True)),
                ("talk_seconds", models.PositiveIntegerField()),
                ("calls", models.PositiveIntegerField()),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["day"],
                        include=("consultant_id", "talk_seconds", "calls"),
                        name="talkmonth_day_idx",
                    ),
                    models.Index(
                        fields=["consultant_id", "day"],
                        include=("talk_seconds", "calls"),
                        name="talkmonth_consultant_idx",
                    ),
                ],
            },
        ),
        migrations.RunPython(forget_months, migrations.RunPython.noop),
    ]
