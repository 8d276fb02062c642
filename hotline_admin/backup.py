"""One archive with everything the line needs to come back: the database and the audio files.

The database goes in as Django's JSON Lines serialisation rather than a
pg_dump: it restores onto SQLite or PostgreSQL alike (the embedded
installation can move to production through a backup), needs no client tool
of a matching version, and is streamed line by line on restore. See
docs/decisions/0003-admin-app.md.

With a backup key set the tar.gz is encrypted with age to the key's public
half (hotline_admin/backup_key.py, docs/decisions/0020-encrypted-backups.md);
a production server makes no backup without one.
"""

import datetime
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from hotline_admin import backup_key, old_backups
from hotline_admin.models import MaintenanceSettings

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.jsonl"
PREFIX = "hotline-backup-"
SUFFIX = ".tar.gz"
ENCRYPTED_SUFFIX = ".tar.gz.age"
_STAMP = "%Y%m%d-%H%M%S"

# Rebuilt by `migrate` on any installation, or worthless after a restore:
# content types and permissions are referred to by natural keys instead.
# The sign-in attempts (axes) are a lockout counter, not the NGO's data: a
# restore starts them afresh rather than replaying old lockouts and addresses.
EXCLUDED_MODELS = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]
NATURAL_KEY_MODELS = (ContentType, Permission)


class BackupError(Exception):
    """A backup that cannot be written or restored, with a message for the administrator."""


@dataclass(frozen=True)
class RestoreResult:
    archive: Path
    created_at: str
    objects: int
    files: int


def file_roots() -> dict[str, Path]:
    """The directories that travel in the archive, by their name inside it."""
    return {
        "recordings": Path(settings.RECORDINGS_DIR),
        "voicemail": Path(settings.VOICEMAIL_DIR),
        "prompts": Path(settings.PROMPTS_DIR),
    }


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(loader.applied_migrations):
        applied.setdefault(app_label, []).append(name)
    return applied


def known_migrations(using: str = DEFAULT_DB_ALIAS) -> set[tuple[str, str]]:
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    return set(loader.disk_migrations)


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps them to the microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class RowSerializer(jsonl.Serializer):
    """Rows keep their ids; only content types and permissions are referred to by natural
    keys, because `migrate` numbers them afresh on every installation.

    Natural keys for everything else would cost a query per row and per
    foreign key, on the way out and on the way back in.
    """

    def handle_fk_field(self, obj: models.Model, field: models.Field) -> None:
        self.use_natural_foreign_keys = field.remote_field.model in NATURAL_KEY_MODELS
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: models.Model, field: models.Field) -> None:
        self.use_natural_foreign_keys = field.remote_field.model in NATURAL_KEY_MODELS
        super().handle_m2m_field(obj, field)


def models_to_dump(using: str = DEFAULT_DB_ALIAS) -> list[type[models.Model]]:
    """Every concrete model, referenced models before those that refer to them."""
    excluded_apps = {label for label in EXCLUDED_MODELS if "." not in label}
    excluded_models = {label.lower() for label in EXCLUDED_MODELS if "." in label}
    app_list = {
        config: None
        for config in apps.get_app_configs()
        if config.models_module is not None and config.label not in excluded_apps
    }
    return [
        model
        for model in serializers.sort_dependencies(app_list.items(), allow_cycles=True)
        if model._meta.label_lower not in excluded_models
        and not model._meta.proxy
        and router.allow_migrate_model(using, model)
    ]


def _rows(using: str) -> Iterator[models.Model]:
    for model in models_to_dump(using):
        yield from model._base_manager.using(using).order_by(model._meta.pk.name).iterator()


def dump_database(path: Path, using: str = DEFAULT_DB_ALIAS) -> None:
    """Write every row in one consistent snapshot, so no row points to one left out."""
    connection = connections[using]
    # Only a transaction's first statement may set its isolation; inside an
    # outer transaction (a caller's, a test's) that one's snapshot holds.
    own_transaction = not connection.in_atomic_block
    with transaction.atomic(using=using), path.open("w", encoding="utf-8") as stream:
        if connection.vendor == "postgresql" and own_transaction:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        # On SQLite the first read takes a shared lock held to the end of the
        # transaction, which gives the same single snapshot.
        RowSerializer().serialize(_rows(using), stream=stream, cls=ExactEncoder)


def _version() -> str:
    try:
        return metadata.version("hotline")
    except metadata.PackageNotFoundError:
        return "unknown"


def require_key_in_production() -> str:
    """The backup key's public half; refuse to go on without one on a production server."""
    public_key = MaintenanceSettings.load().backup_public_key
    if not public_key and settings.HOTLINE_PRODUCTION:
        raise BackupError(
            _(
                "No backup key is set. A production server makes no unencrypted backups: "
                "create a backup key on the Backups page first."
            )
        )
    return public_key


def create_backup(kind: str = "manual", directory: Path | None = None) -> Path:
    """Write one archive into the backup directory and return its path.

    Encrypted to the backup key when one is set; outside production (the demo,
    development) without one it is a plain tar.gz.
    """
    public_key = require_key_in_production()
    directory = directory or backup_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime(_STAMP)
    suffix = ENCRYPTED_SUFFIX if public_key else SUFFIX
    final = directory / f"{PREFIX}{stamp}-{kind}{suffix}"
    # The plain database and archive are written next to the backups (0700
    # scratch directory), never to a shared /tmp, and removed at once.
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=directory) as scratch:
        database = Path(scratch) / DATABASE
        dump_database(database)
        manifest = {
            "format": ARCHIVE_FORMAT,
            "created_at": timezone.now().isoformat(),
            "kind": kind,
            "hotline_version": _version(),
            "database_vendor": connections[DEFAULT_DB_ALIAS].vendor,
            "migrations": applied_migrations(),
        }
        # Written under a temporary name and renamed, so a half-written
        # archive never looks like a backup; only the owner may read it.
        partial = directory / f".{final.name}.partial"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            if public_key:
                os.close(descriptor)
                plain = Path(scratch) / f"archive{SUFFIX}"
                _write_archive(os.open(plain, os.O_WRONLY | os.O_CREAT, 0o600), manifest, database)
                backup_key.encrypt(plain, partial, public_key)
            else:
                _write_archive(descriptor, manifest, database)
            partial.rename(final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return final


def _write_archive(descriptor: int, manifest: dict, database: Path) -> None:
    with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
        tar.add(database, arcname=DATABASE)
        for name, root in file_roots().items():
            if root.is_dir():
                tar.add(root, arcname=f"files/{name}")


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def list_backups(directory: Path | None = None) -> list[Path]:
    """Finished archives, newest first."""
    directory = directory or backup_dir()
    if not directory.is_dir():
        return []
    archives = [
        path
        for path in directory.iterdir()
        if path.name.startswith(PREFIX) and path.name.endswith((SUFFIX, ENCRYPTED_SUFFIX))
    ]
    return sorted(archives, key=lambda path: path.name, reverse=True)


def kind_of(archive: Path) -> str:
    """ "daily" or "manual", from the file name."""
    stem = archive.name.removesuffix(ENCRYPTED_SUFFIX).removesuffix(SUFFIX)
    return stem.rpartition("-")[2]


def made_at(archive: Path) -> datetime.datetime:
    """When the archive was made: the Kyiv time in its name, else the file's own time."""
    stamp = archive.name.removeprefix(PREFIX)[: len("20261120-030000")]
    try:
        return timezone.make_aware(datetime.datetime.strptime(stamp, _STAMP))
    except ValueError:
        return datetime.datetime.fromtimestamp(archive.stat().st_mtime, tz=datetime.UTC)


def prune_backups(keep: int, kind: str = "daily", directory: Path | None = None) -> list[Path]:
    """Delete the oldest archives of one kind beyond `keep`.

    Manual backups are not counted here; age prunes them (`prune_old_backups`).
    """
    archives = [path for path in list_backups(directory) if kind_of(path) == kind]
    removed = archives[keep:]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def prune_old_backups(
    days: int, now: datetime.datetime, directory: Path | None = None
) -> list[Path]:
    """Delete every archive, daily or manual, made more than `days` days before `now`.

    A backup holds everything as it was: kept longer, it would keep the data
    retention has since deleted.
    """
    cutoff = now - datetime.timedelta(days=days)
    removed = [path for path in list_backups(directory) if made_at(path) < cutoff]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.load(member)
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(_("This file is not a hotline backup or it is damaged.")) from error
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(_("This backup was made by an unsupported version of hotline."))
    return manifest


def check_compatible(manifest: dict) -> None:
    """Refuse a backup whose database has migrations this code does not know.

    An older backup loads into a newer schema (added fields take their
    defaults); a newer one would lose data silently, so upgrade first.
    """
    known = known_migrations()
    unknown = [
        f"{app}.{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            _(
                "This backup was made by a newer version of hotline. Upgrade this "
                "installation first, then restore. Unknown changes: %(changes)s"
            )
            % {"changes": ", ".join(unknown[:5])}
        )


def _opened(archive: Path, key: str, scratch: Path) -> Path:
    """The plain tar.gz of an archive: decrypted into `scratch` if it is encrypted."""
    try:
        encrypted = backup_key.is_encrypted(archive)
    except OSError as error:
        raise BackupError(_("This file is not a hotline backup or it is damaged.")) from error
    if not encrypted:
        return archive
    if not key.strip():
        raise BackupError(_("This backup is encrypted: enter the backup key to restore it."))
    plain = scratch / f"archive{SUFFIX}"
    try:
        backup_key.decrypt(archive, plain, key)
    except backup_key.WrongKey as error:
        raise BackupError(
            _(
                "This backup key does not open this backup, or the file is damaged. "
                "Nothing was changed."
            )
        ) from error
    except OSError as error:
        raise BackupError(
            _("The backup could not be unpacked: %(error)s") % {"error": error}
        ) from error
    return plain


def restore_backup(archive: Path, key: str = "") -> RestoreResult:
    """Replace the database and the audio files with the archive's contents.

    An encrypted archive is opened with `key`, the backup key's secret half,
    before anything changes. The database is replaced in one transaction: if
    loading fails, nothing has changed. Files are replaced after the database
    is committed.
    """
    staging_parent = backup_dir()
    staging_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=staging_parent) as scratch:
        plain = _opened(archive, key, Path(scratch))
        manifest = read_manifest(plain)
        check_compatible(manifest)
        roots = file_roots()
        staging = Path(scratch) / "unpacked"
        staging.mkdir()
        try:
            with tarfile.open(plain, mode="r:gz") as tar:
                _unpack(tar, staging)
        except (OSError, tarfile.TarError) as error:
            raise BackupError(
                _("The backup could not be unpacked: %(error)s") % {"error": error}
            ) from error
        objects = _load_database(staging / DATABASE)
        files = 0
        for name, root in roots.items():
            files += _replace_directory(root, staging / "files" / name)
    return RestoreResult(
        archive=archive,
        created_at=manifest.get("created_at", ""),
        objects=objects,
        files=files,
    )


def _unpack(tar: tarfile.TarFile, staging: Path) -> None:
    """Extract regular files and directories that stay inside `staging`, or nothing.

    No links, devices or paths out of the tree: an archive cannot write elsewhere.
    (tarfile's own "data" filter is missing from Debian 12's Python 3.11.2.)
    """
    root = staging.resolve()
    members = tar.getmembers()
    for member in members:
        target = (root / member.name).resolve()
        if not (member.isfile() or member.isdir()) or not target.is_relative_to(root):
            raise BackupError(
                _("The backup holds an entry that is not allowed: %(name)s") % {"name": member.name}
            )
    for member in members:
        target = root / member.name
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        with source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)


def _load_database(path: Path) -> int:
    if not path.is_file():
        raise BackupError(_("The backup has no database in it."))
    with path.open(encoding="utf-8") as lines:
        objects = sum(1 for line in lines if line.strip())
    try:
        with transaction.atomic():
            empty_database()
            load_rows(path)
    except BackupError:
        raise
    except Exception as error:
        raise BackupError(
            _("The database could not be restored; nothing was changed. Details: %(error)s")
            % {"error": error}
        ) from error
    return objects


def load_rows(path: Path, using: str = DEFAULT_DB_ALIAS) -> None:
    """Insert the dumped rows into the emptied database, in the file's order.

    Like `loaddata`, with `raw` saves (no signal handler adds rows of its
    own), but one INSERT per row: after emptying every row is new, so
    there is no UPDATE to try first.
    """
    loaded: set[type[models.Model]] = set()
    deferred = []
    with path.open(encoding="utf-8") as stream:
        for row in serializers.deserialize(
            "jsonl", old_backups.upgraded(stream), using=using, handle_forward_references=True
        ):
            check_row(row.object)
            row.save(using=using, force_insert=True)
            loaded.add(type(row.object))
            if row.deferred_fields:
                deferred.append(row)
    for row in deferred:
        row.save_deferred_fields(using=using)
    connection = connections[using]
    # Ids came from the file: the next new row must get the next free one.
    statements = connection.ops.sequence_reset_sql(no_style(), list(loaded))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def check_row(row: models.Model) -> None:
    """Refuse a row a form would refuse: the same field validators as `full_clean`.

    A tampered or damaged archive must not bring values the pages would never
    accept (a trunk name with a line break ends up in Asterisk's dialplan).
    Relations are left to the database's own foreign-key checks, which run
    without a query per row.
    """
    relations = [field.name for field in row._meta.fields if field.is_relation]
    try:
        row.clean_fields(exclude=relations)
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        raise BackupError(
            _(
                "The backup holds a value this installation does not accept "
                "(%(row)s, %(problems)s); nothing was changed."
            )
            % {"row": f"{row._meta.verbose_name} #{row.pk}", "problems": problems}
        ) from error


def empty_database() -> None:
    """Delete every row of every table, as a fresh installation has none."""
    _settle_pending_checks()
    call_command("flush", interactive=False, verbosity=0)
    _defer_checks()


def _settle_pending_checks() -> None:
    """PostgreSQL refuses to TRUNCATE a table with foreign-key checks still pending in
    the transaction (rows a caller wrote before restoring); run those checks now."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _defer_checks() -> None:
    """Back to checking foreign keys at commit, so rows may load in any order."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _replace_directory(root: Path, source: Path) -> int:
    """Make `root` hold exactly what `source` holds; `root` itself may be a mount point."""
    root.mkdir(parents=True, exist_ok=True)
    for entry in root.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if not source.is_dir():
        return 0
    count = 0
    for entry in source.iterdir():
        shutil.move(str(entry), root / entry.name)
    for _dirpath, _dirnames, filenames in os.walk(root):
        count += len(filenames)
    return count
