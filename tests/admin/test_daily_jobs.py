import datetime
from zoneinfo import ZoneInfo

from hotline_admin import backup
from hotline_admin.daily import run_due_jobs
from hotline_admin.models import DailyJob, MaintenanceSettings
from hotline_asterisk_connector.models import Reconciliation

KYIV = ZoneInfo("Europe/Kyiv")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=KYIV)


def test_nothing_runs_before_the_set_time(db):
    assert run_due_jobs(at(20, 2, 59)) == []
    assert backup.list_backups() == []


def test_retention_then_backup_run_once_a_day(db):
    assert run_due_jobs(at(20, 3, 0)) == ["retention", "rollup", "reconcile", "backup"]
    assert run_due_jobs(at(20, 3, 1)) == []
    assert Reconciliation.objects.get().trigger == "nightly"
    assert run_due_jobs(at(20, 23, 59)) == []
    assert len(backup.list_backups()) == 1
    assert run_due_jobs(at(21, 3, 0)) == ["retention", "rollup", "reconcile", "backup"]
    job = DailyJob.objects.get(name="backup")
    assert job.succeeded
    assert job.last_run_on == datetime.date(2026, 11, 21)
    assert "hotline-backup-" in job.result


def test_a_late_start_still_runs_the_days_jobs(db):
    assert run_due_jobs(at(20, 15, 0)) == ["retention", "rollup", "reconcile", "backup"]


def test_old_daily_backups_are_pruned_to_the_set_count(db, storage):
    policy = MaintenanceSettings.load()
    policy.backups_keep = 2
    policy.save()
    for day in range(1, 5):
        (storage["BACKUP_DIR"] / f"hotline-backup-202611{day:02}-030000-daily.tar.gz").touch()
    manual = storage["BACKUP_DIR"] / "hotline-backup-20261101-120000-manual.tar.gz"
    manual.touch()

    run_due_jobs(at(20, 3, 0))

    names = sorted(path.name for path in backup.list_backups())
    assert len(names) == 3
    assert manual.name in names
    assert "hotline-backup-20261104-030000-daily.tar.gz" in names


def test_daily_backup_can_be_switched_off(db):
    policy = MaintenanceSettings.load()
    policy.daily_backup = False
    policy.save()
    assert run_due_jobs(at(20, 3, 0)) == ["retention", "rollup", "reconcile"]
    assert backup.list_backups() == []


def test_a_failing_job_is_recorded_and_does_not_stop_the_next(db, storage, settings):
    storage["BACKUP_DIR"].rmdir()
    settings.BACKUP_DIR = storage["BACKUP_DIR"] / "missing" / "\0bad"
    assert run_due_jobs(at(20, 3, 0)) == ["retention", "rollup", "reconcile", "backup"]
    job = DailyJob.objects.get(name="backup")
    assert not job.succeeded
    assert job.result
    assert DailyJob.objects.get(name="retention").succeeded


def test_the_daily_jobs_roll_up_the_closed_days_for_the_reports(db):
    from hotline_asterisk_connector.models import Call
    from hotline_reports.models import CallDay, RolledDay

    Call.objects.create(linkedid="d.1", uniqueid="d.1", started_at=at(18, 10))
    Call.objects.create(linkedid="d.2", uniqueid="d.2", started_at=at(20, 1))  # today
    assert "rollup" in run_due_jobs(at(20, 3, 0))
    rolled = set(RolledDay.objects.values_list("day", flat=True))
    assert rolled == {datetime.date(2026, 11, 18), datetime.date(2026, 11, 19)}
    assert CallDay.objects.get().calls == 1
    assert DailyJob.objects.get(name="rollup").result == (
        # In the site's language: the settings pages show it as it is.
        "днів зведено: 2; днів форм зведено: 0"
    )
