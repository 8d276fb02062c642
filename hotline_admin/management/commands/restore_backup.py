from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hotline_admin import backup


class Command(BaseCommand):
    help = (
        "Replace the database, recordings, voice messages and prompts with a backup's, "
        "then apply the restored settings to Asterisk."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--key-file",
            type=Path,
            help="a file holding the backup key's secret part (AGE-SECRET-KEY-1…), "
            "for an encrypted backup",
        )
        parser.add_argument(
            "--no-apply",
            action="store_true",
            help="do not apply the restored settings to Asterisk (for instance, it is not running)",
        )

    def handle(self, *args, **options) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"No such file: {archive}")
        key_file: Path | None = options["key_file"]
        if key_file and not key_file.is_file():
            raise CommandError(f"No such file: {key_file}")
        key = key_file.read_text() if key_file else ""
        try:
            result = backup.restore_backup(archive, key)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {result.created_at}: "
            f"{result.objects} database rows, {result.files} files."
        )
        if not options["no_apply"]:
            from hotline_admin.pbx import apply_changes

            change = apply_changes(user=None, what="restore from a backup")
            if not change.accepted:
                raise CommandError(f"Restored, but Asterisk did not accept it: {change.message}")
            self.stdout.write("Asterisk accepted the restored settings.")
