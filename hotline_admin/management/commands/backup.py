from django.core.management.base import BaseCommand, CommandError

from hotline_admin import backup


class Command(BaseCommand):
    help = "Write one backup archive (database, recordings, voice messages, prompts)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--kind",
            choices=["manual", "daily"],
            default="manual",
            help="daily backups are pruned to the configured count; manual ones are kept",
        )
        parser.add_argument("--keep", type=int, help="keep only this many backups of this kind")

    def handle(self, *args, **options) -> None:
        try:
            archive = backup.create_backup(kind=options["kind"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(f"Backup failed: {error}") from error
        self.stdout.write(str(archive))
        if options["keep"]:
            for removed in backup.prune_backups(options["keep"], kind=options["kind"]):
                self.stdout.write(f"removed {removed}")
