"""Render Asterisk's configuration from the database (asterisk/ctl.sh runs it before starting)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hotline_asterisk_connector.pbx import (
    ConfigurationError,
    apply_configuration,
    load_config,
    render_configuration,
)


class Command(BaseCommand):
    help = (
        "Render the Asterisk configuration from the database into HOTLINE_ASTERISK_DIR; "
        "with --apply also reload the running Asterisk."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--apply", action="store_true", help="reload the changed modules in Asterisk"
        )
        parser.add_argument(
            "--print-dir",
            action="store_true",
            help="only print the instance directory (for scripts)",
        )

    def handle(self, *args, apply: bool, print_dir: bool, **options) -> None:
        if print_dir:
            self.stdout.write(str(settings.HOTLINE_ASTERISK_DIR.resolve()))
            return
        try:
            if apply:
                outcome = apply_configuration()
                if not outcome.accepted:
                    raise CommandError(outcome.message)
                self.stdout.write(outcome.message)
                return
            result = render_configuration(load_config())
        except ConfigurationError as error:
            raise CommandError(str(error)) from error
        changed = ", ".join(result.changed) or "nothing changed"
        self.stdout.write(f"Rendered into {result.directory}: {changed}")
