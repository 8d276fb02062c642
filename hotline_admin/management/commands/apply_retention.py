from django.core.management.base import BaseCommand, CommandError

from hotline_admin.retention import RetentionIncomplete, apply_retention


class Command(BaseCommand):
    help = (
        "Delete recordings, anonymise clients, and clear the call records, logs and "
        "backups past the retention periods set in the settings."
    )

    def handle(self, *args, **options) -> None:
        try:
            self.stdout.write(str(apply_retention()))
        except RetentionIncomplete as error:
            raise CommandError(str(error)) from error
