from django.core.management.base import BaseCommand

from hotline_admin.retention import apply_retention


class Command(BaseCommand):
    help = "Delete recordings and anonymise clients past the retention periods set in the settings."

    def handle(self, *args, **options) -> None:
        self.stdout.write(str(apply_retention()))
