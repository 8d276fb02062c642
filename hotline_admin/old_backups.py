"""Rows of a backup made by an older version, in today's shape.

`check_compatible` lets an older backup load into a newer schema; where a
table has since moved or merged, its rows are rewritten here before they
are loaded. Since decision 0031 the voice messages, callback requests and
missed calls are one worklist table: a row of the old tables becomes a
worklist row of its kind, with a new id (the three tables' ids overlap).
"""

import json
from collections.abc import Iterable, Iterator

WORKLIST = "hotline_workspace.worklistitem"
OLD_WORKLIST_TABLES = {
    "hotline_asterisk_connector.voicemail": "voicemail",
    "hotline_asterisk_connector.callbackrequest": "callback",
    "hotline_workspace.missedcall": "missed",
}


def upgraded(lines: Iterable[str]) -> Iterator[str]:
    """The dump's lines, those of tables that no longer exist rewritten."""
    calls_with_a_task: set[int] = set()
    for line in lines:
        # Only a line that names an old table is parsed twice: a dump is millions of lines.
        if not any(label in line for label in OLD_WORKLIST_TABLES):
            yield line
            continue
        row = json.loads(line)
        kind = OLD_WORKLIST_TABLES.get(row.get("model"))
        if kind is None:
            yield line
            continue
        fields = dict(row["fields"], kind=kind)
        # A call has one task: a missed call later corrected to a message keeps
        # its history without the call, as the migration does.
        if fields.get("call") in calls_with_a_task:
            fields["call"] = None
        elif fields.get("call") is not None:
            calls_with_a_task.add(fields["call"])
        yield json.dumps({"model": WORKLIST, "fields": fields}, ensure_ascii=False)
