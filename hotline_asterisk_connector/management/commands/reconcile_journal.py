"""`manage.py reconcile_journal [--since …] [--fix]`: the journal against Asterisk's records."""

from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hotline_asterisk_connector import reconcile


def moment(text: str) -> datetime:
    """An ISO date-time (local time when it names no zone), or hours back: `24h`."""
    if text.endswith("h") and text[:-1].replace(".", "", 1).isdigit():
        return timezone.now() - timedelta(hours=float(text[:-1]))
    parsed = parse_datetime(text)
    if parsed is None:
        raise CommandError(f"--since: not a date-time or a number of hours: {text!r}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = (
        "Compare the call journal with Asterisk's own call records, field by field, and "
        "print every difference; --fix merges the records into the calls that differ."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since", type=moment, default="24h", help="ISO date-time or hours back (24h)"
        )
        parser.add_argument("--fix", action="store_true", help="correct what differs")

    def handle(self, *args, since: datetime, fix: bool, **options) -> None:
        report = reconcile.reconcile(since, fix=fix)
        for line in report.differences:
            self.stdout.write(line)
        self.stdout.write(
            f"Calls checked: {report.calls_checked}; differences: {len(report.differences)}"
            + (f"; corrected: {report.fixed}" if fix else "")
        )
        if report.differences:
            raise CommandError(f"{len(report.differences)} differences with Asterisk's records")
