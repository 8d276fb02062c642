"""Roll up the call journal's and the forms' closed days for the reports, rebuild
the roll-ups, or check them."""

import random

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hotline_reports import form_rollup, rollup
from hotline_reports.models import ReportSettings, RolledDay, RolledFormDay


class Command(BaseCommand):
    help = (
        "Roll up every closed day not yet rolled up (what the daily job does); "
        "--rebuild: roll up every day again; --check: compare the roll-up with the journal."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="forget the roll-up first")
        parser.add_argument(
            "--check",
            type=int,
            nargs="?",
            const=0,
            default=None,
            metavar="DAYS",
            help="compare DAYS random rolled-up days (all of them without a number)",
        )

    def handle(self, *args, **options) -> None:
        if options["rebuild"]:
            rollup.forget_all()
            form_rollup.forget_all()
        if options["check"] is None or options["rebuild"]:
            report_settings = ReportSettings.load()
            threshold = report_settings.service_level_seconds
            days = rollup.refresh(threshold)
            self.stdout.write(f"Rolled up {days} days (service level threshold {threshold} s).")
            days = form_rollup.refresh(report_settings.age_band_set)
            self.stdout.write(f"Rolled up {days} days of forms.")
        if options["check"] is not None:
            self._check(options["check"])

    def _check(self, sample: int) -> None:
        for what, model, check in (
            ("the journal", RolledDay, rollup.check),
            ("the forms", RolledFormDay, form_rollup.check),
        ):
            days = list(model.objects.values_list("day", flat=True))
            if sample:
                days = random.sample(days, min(sample, len(days)))
            wrong = check(days)
            if wrong:
                listed = ", ".join(str(day) for day in wrong[:20])
                raise CommandError(f"{len(wrong)} of {len(days)} days differ from {what}: {listed}")
            self.stdout.write(f"{len(days)} rolled-up days match {what}.")
