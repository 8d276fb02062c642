import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser
from django.urls import reverse

from hotline_admin import backup
from hotline_admin.models import MaintenanceSettings
from hotline_crm.models import Client


@pytest.fixture
def admin_browser(dave) -> Browser:
    browser = Browser()
    browser.force_login(dave)
    return browser


def test_backup_button_writes_an_archive_the_administrator_can_download(admin_browser, storage):
    response = admin_browser.post(reverse("hotline_admin:backup_now"), follow=True)
    (archive,) = backup.list_backups()
    assert archive.parent == storage["BACKUP_DIR"]
    assert archive.name in response.content.decode()

    download = admin_browser.get(reverse("hotline_admin:backup_download", args=[archive.name]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == archive.read_bytes()
    assert "attachment" in download["Content-Disposition"]


def test_only_archives_in_the_backup_directory_can_be_downloaded(admin_browser, storage):
    secret = storage["BACKUP_DIR"].parent / "hotline-backup-x.tar.gz"
    secret.write_bytes(b"not for download")
    for name in ("..%2Fhotline-backup-x.tar.gz", "settings.py", "hotline-backup-x.tar.gz"):
        url = reverse("hotline_admin:backup_download", args=["placeholder"]).replace(
            "placeholder", name
        )
        assert admin_browser.get(url).status_code == 404, name


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_nobody_but_the_administrator_downloads_a_backup(request, persona, db):
    archive = backup.create_backup()
    browser = Browser()
    browser.force_login(request.getfixturevalue(persona))
    url = reverse("hotline_admin:backup_download", args=[archive.name])
    assert browser.get(url).status_code == 403
    assert browser.post(reverse("hotline_admin:backup_now")).status_code == 403
    assert browser.post(reverse("hotline_admin:restore"), {"name": archive.name}).status_code == 403


def test_restore_from_an_uploaded_file(admin_browser, dave):
    Client.objects.create(name="У копії")
    archive = backup.create_backup()
    Client.objects.create(name="Після копії")

    upload = SimpleUploadedFile("copy.tar.gz", archive.read_bytes())
    response = admin_browser.post(
        reverse("hotline_admin:restore"), {"archive": upload, "confirm": "on"}
    )

    assert response.status_code == 200
    assert "Резервну копію відновлено" in response.content.decode()
    assert list(Client.objects.values_list("name", flat=True)) == ["У копії"]


def test_restore_from_a_backup_kept_on_the_server(admin_browser):
    Client.objects.create(name="У копії")
    archive = backup.create_backup()
    Client.objects.create(name="Після копії")
    admin_browser.post(reverse("hotline_admin:restore"), {"name": archive.name, "confirm": "on"})
    assert list(Client.objects.values_list("name", flat=True)) == ["У копії"]


def test_restore_needs_a_confirmation(admin_browser):
    Client.objects.create(name="У копії")
    archive = backup.create_backup()
    Client.objects.create(name="Після копії")
    response = admin_browser.post(
        reverse("hotline_admin:restore"), {"name": archive.name}, follow=True
    )
    assert "підтвердьте" in response.content.decode()
    assert Client.objects.count() == 2


def test_restoring_a_wrong_file_says_why_and_changes_nothing(admin_browser):
    Client.objects.create(name="Залишиться")
    upload = SimpleUploadedFile("notes.tar.gz", b"just some text")
    response = admin_browser.post(
        reverse("hotline_admin:restore"), {"archive": upload, "confirm": "on"}, follow=True
    )
    assert "не є резервною копією" in response.content.decode()
    assert Client.objects.filter(name="Залишиться").exists()


def test_retention_settings_are_saved(admin_browser):
    admin_browser.post(
        reverse("hotline_admin:retention"),
        {"recordings_keep_days": "60", "client_data_keep_months": "24", "pbx_log_keep_days": "7"},
    )
    policy = MaintenanceSettings.load()
    assert policy.recordings_keep_days == 60
    assert policy.client_data_keep_months == 24
    assert policy.pbx_log_keep_days == 7


def test_retention_is_on_from_the_start_and_the_page_shows_the_periods(admin_browser):
    page = admin_browser.get(reverse("hotline_admin:retention")).content.decode()
    assert 'name="recordings_keep_days" value="90"' in page
    assert 'name="client_data_keep_months" value="36"' in page
    assert 'name="pbx_log_keep_days" value="14"' in page
    settings_page = admin_browser.get(reverse("hotline_admin:index")).content.decode()
    assert "записи розмов — 90 дн." in settings_page


def test_retention_periods_of_zero_are_refused(admin_browser):
    response = admin_browser.post(
        reverse("hotline_admin:retention"),
        {"recordings_keep_days": "0", "client_data_keep_months": "", "pbx_log_keep_days": "14"},
    )
    assert response.status_code == 200
    assert MaintenanceSettings.load().recordings_keep_days == 90


def test_daily_backup_settings_are_saved(admin_browser):
    admin_browser.post(
        reverse("hotline_admin:backups"),
        {
            "daily_backup": "on",
            "backups_keep": "14",
            "backups_keep_days": "21",
            "daily_jobs_at": "02:30",
        },
    )
    policy = MaintenanceSettings.load()
    assert policy.backups_keep == 14
    assert policy.backups_keep_days == 21
    assert f"{policy.daily_jobs_at:%H:%M}" == "02:30"
