"""Fill an empty database with a realistic synthetic data set for the report benchmark."""

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline_asterisk_connector.models import Call
from hotline_reports.demo_dataset import DemoDataset
from hotline_reports.periods import today


class Command(BaseCommand):
    help = (
        "Generate synthetic calls and consultation forms (default: 1,000,000 calls and "
        "300,000 forms over three years up to today) into an empty database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--calls", type=int, default=1_000_000)
        parser.add_argument("--consultations", type=int, default=300_000)
        parser.add_argument("--years", type=float, default=3.0)
        parser.add_argument("--end", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options) -> None:
        if options["calls"] < 1 or options["consultations"] < 0 or options["years"] <= 0:
            raise CommandError("--calls must be at least 1, --years above 0.")
        if Call.objects.exists():
            raise CommandError(
                "The database already holds calls; the data set goes into an empty one "
                "(for example DATABASE_URL=postgres://…/hotline_reports_bench)."
            )
        started = time.perf_counter()
        summary = DemoDataset(
            calls=options["calls"],
            consultations=options["consultations"],
            years=options["years"],
            end=options["end"] or today(),
            seed=options["seed"],
        ).write()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"{summary.calls} calls, {summary.legs} legs, {summary.voicemails} voicemails, "
            f"{summary.callbacks} callback requests, {summary.consultations} forms, "
            f"{summary.clients} clients in {seconds:.1f} s"
        )
