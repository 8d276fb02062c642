"""Data retention, backups and restore."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from hotline_admin import backup, backup_key
from hotline_admin.forms import BackupKeyForm, BackupSettingsForm, RestoreForm, RetentionForm
from hotline_admin.models import DailyJob, MaintenanceSettings
from hotline_admin.pbx import apply_changes
from hotline_admin.views.access import administrator_required
from hotline_audit.trail import Kind, record


@administrator_required
def retention(request: HttpRequest) -> HttpResponse:
    form = RetentionForm(request.POST or None, instance=MaintenanceSettings.load())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved. The clean-up runs every night."))
        return redirect("hotline_admin:retention")
    return render(
        request,
        "hotline_admin/retention.html",
        {"form": form, "job": DailyJob.objects.filter(name="retention").first()},
    )


@administrator_required
def backups(request: HttpRequest) -> HttpResponse:
    policy = MaintenanceSettings.load()
    form = BackupSettingsForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("hotline_admin:backups")
    return _backups_page(request, form=form, key_form=BackupKeyForm())


def _backups_page(request: HttpRequest, **forms) -> HttpResponse:
    policy = MaintenanceSettings.load()
    archives = [
        (path, path.stat().st_size, path.name.endswith(backup.ENCRYPTED_SUFFIX))
        for path in backup.list_backups()
    ]
    return render(
        request,
        "hotline_admin/backups.html",
        {
            "form": forms.get("form") or BackupSettingsForm(instance=policy),
            "key_form": forms.get("key_form") or BackupKeyForm(),
            "public_key": policy.backup_public_key,
            "production": settings.HOTLINE_PRODUCTION,
            "archives": archives,
            "restore_form": RestoreForm(),
            "job": DailyJob.objects.filter(name="backup").first(),
        },
    )


@administrator_required
@require_POST
def backup_key_new(request: HttpRequest) -> HttpResponse:
    """Make a key pair, keep the public half, show the secret half this once."""
    secret, public = backup_key.new_key()
    policy = MaintenanceSettings.load()
    replaced = bool(policy.backup_public_key)
    policy.backup_public_key = public
    policy.save(update_fields=["backup_public_key"])
    # A change, though answered with a page rather than the redirect that
    # administrator_required records: whoever sets the key decides who can
    # read every later backup.
    record(Kind.SETTINGS_CHANGE, request=request, detail="backup_key_new")
    response = render(
        request,
        "hotline_admin/backup_key.html",
        {"secret": secret, "public_key": public, "replaced": replaced},
    )
    response["Cache-Control"] = "private, no-store"
    return response


@administrator_required
@require_POST
def backup_key_own(request: HttpRequest) -> HttpResponse:
    form = BackupKeyForm(request.POST)
    if not form.is_valid():
        return _backups_page(request, key_form=form)
    policy = MaintenanceSettings.load()
    policy.backup_public_key = form.cleaned_data["public_key"]
    policy.save(update_fields=["backup_public_key"])
    messages.success(request, _("Saved. New backups are encrypted with your key."))
    return redirect("hotline_admin:backups")


@administrator_required
@require_POST
def backup_now(request: HttpRequest) -> HttpResponse:
    try:
        archive = backup.create_backup(kind="manual")
    except backup.BackupError as error:
        messages.error(request, str(error))
    except OSError as error:
        messages.error(request, _("The backup failed: %(error)s") % {"error": error})
    else:
        messages.success(
            request,
            _("Backup %(name)s is ready. Download it and keep it off this server.")
            % {"name": archive.name},
        )
    return redirect("hotline_admin:backups")


def _archive(name: str) -> Path:
    """A finished archive in the backup directory by its file name; 404 for anything else."""
    for path in backup.list_backups():
        if path.name == name:
            return path
    raise Http404


@administrator_required
@require_GET
def backup_download(request: HttpRequest, name: str) -> HttpResponse:
    path = _archive(name)
    record(Kind.BACKUP_DOWNLOAD, request=request, detail=path.name)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
    response["Cache-Control"] = "private, no-store"
    return response


@administrator_required
@require_POST
def backup_delete(request: HttpRequest, name: str) -> HttpResponse:
    _archive(name).unlink(missing_ok=True)
    messages.success(request, _("Backup %(name)s deleted.") % {"name": name})
    return redirect("hotline_admin:backups")


# The backup's secret key must never appear in an error report.
@sensitive_post_parameters("key")
@administrator_required
@require_POST
def restore(request: HttpRequest) -> HttpResponse:
    """Restore an uploaded archive or one kept on the server, then apply it to Asterisk."""
    form = RestoreForm(request.POST, request.FILES)
    kept = request.POST.get("name")
    key = request.POST.get("key", "")
    if kept and request.POST.get("confirm"):
        return _restore(request, _archive(kept), key)
    if not form.is_valid():
        messages.error(request, _("Choose a backup file and confirm that it replaces everything."))
        return redirect("hotline_admin:backups")
    backup.backup_dir().mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=backup.SUFFIX, dir=backup.backup_dir()) as copy:
        for chunk in form.cleaned_data["archive"].chunks():
            copy.write(chunk)
        copy.flush()
        return _restore(request, Path(copy.name), form.cleaned_data["key"])


def _restore(request: HttpRequest, archive: Path, key: str) -> HttpResponse:
    try:
        result = backup.restore_backup(archive, key)
    except backup.BackupError as error:
        messages.error(request, str(error))
        return redirect("hotline_admin:backups")
    # Written after the restore: the restored database replaced the trail
    # with the backup's own, and this row must be in the one that stays.
    record(Kind.BACKUP_RESTORE, request=request, detail=archive.name)
    change = apply_changes(None, _("Restore from a backup"))
    # The restored database has no sessions: everyone, this administrator
    # included, signs in again, with the passwords the backup holds. The
    # request's own session row is gone too, so it starts afresh rather than
    # being saved back under a key that no longer exists.
    request.session.flush()
    return render(
        request,
        "hotline_admin/restored.html",
        {"result": result, "change": change},
    )
