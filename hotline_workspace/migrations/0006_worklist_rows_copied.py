"""The rows of the three old worklist tables copied into the one (decision 0031).

The connector's voice messages and callback requests and the workspace's
missed calls become WorklistItem rows of their kind, with their status,
attempts, outcome, who and when. A call had at most one task, except a
missed call whose outcome was later corrected to a message or a request:
the message or request keeps the call, the older row keeps its history
without it. Backwards, each row goes back to its kind's table; a missed
call without a call (that one, or its call deleted) cannot, as that table
needs one.
"""

from django.db import migrations

COMMON = [
    "caller_number",
    "caller_number_raw",
    "dialled_number",
    "status",
    "taken_by_id",
    "taken_at",
    "attempts",
    "done_at",
    "outcome_note",
    "created_at",
]
OWN = {
    "voicemail": ["audio_file", "duration_seconds"],
    "callback": ["number_to_call", "may_say_who_we_are"],
    "missed": [],
}


def old_tables(apps) -> dict:
    return {
        "voicemail": apps.get_model("hotline_asterisk_connector", "Voicemail"),
        "callback": apps.get_model("hotline_asterisk_connector", "CallbackRequest"),
        "missed": apps.get_model("hotline_workspace", "MissedCall"),
    }


def forward(apps, schema_editor):
    item = apps.get_model("hotline_workspace", "WorklistItem")
    used_calls: set[int] = set()
    for kind, model in old_tables(apps).items():
        rows = []
        for old in model.objects.order_by("pk").iterator():
            call_id = old.call_id if old.call_id not in used_calls else None
            if call_id is not None:
                used_calls.add(call_id)
            values = {name: getattr(old, name) for name in COMMON + OWN[kind]}
            rows.append(item(kind=kind, call_id=call_id, **values))
        item.objects.bulk_create(rows, batch_size=1000)


def backward(apps, schema_editor):
    item = apps.get_model("hotline_workspace", "WorklistItem")
    for kind, model in old_tables(apps).items():
        rows = item.objects.filter(kind=kind).order_by("created_at", "pk")
        if kind == "missed":
            rows = rows.exclude(call__isnull=True)
        fields = COMMON + OWN[kind]
        model.objects.bulk_create(
            (
                model(call_id=row.call_id, **{name: getattr(row, name) for name in fields})
                for row in rows.iterator()
            ),
            batch_size=1000,
        )
    item.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hotline_workspace", "0005_worklist_item"),
        ("hotline_workspace", "0001_missed_call_worklist"),
        ("hotline_asterisk_connector", "0014_sip_guard"),
    ]

    operations = [migrations.RunPython(forward, backward)]
