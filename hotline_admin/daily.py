"""The nightly jobs: data retention, the reports' roll-up of the closed days, then a
backup, each at most once a day.

Whoever calls `run_due_jobs` (the scheduler loop, a cron line, a systemd
timer, or several of them at once) cannot run a job twice on one day: each
job is claimed with a conditional UPDATE first.
"""

import datetime
import logging
import traceback
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _

from hotline_admin import backup, retention
from hotline_admin.models import DailyJob, MaintenanceSettings
from hotline_asterisk_connector import reconcile
from hotline_reports import form_rollup, rollup

logger = logging.getLogger(__name__)

RETENTION = "retention"
ROLLUP = "rollup"
BACKUP = "backup"
RECONCILE = "reconcile"
# The nightly check covers the last two days, so a day is never skipped.
_RECONCILE_WINDOW = datetime.timedelta(days=2)


def claim(name: str, today: datetime.date, now: datetime.datetime) -> bool:
    DailyJob.objects.get_or_create(name=name)
    claimed = (
        DailyJob.objects.filter(name=name)
        .exclude(last_run_on=today)
        .update(last_run_on=today, started_at=now, finished_at=None, succeeded=False, result="")
    )
    # Nothing got updated: another process already ran this job today.
    return claimed == 1


def _run(name: str, job: Callable[[], str]) -> bool:
    try:
        result, succeeded = job(), True
    except Exception:
        logger.exception("Daily job %s failed", name)
        result, succeeded = traceback.format_exc(limit=3), False
    DailyJob.objects.filter(name=name).update(
        finished_at=timezone.now(), succeeded=succeeded, result=result
    )
    return succeeded


def _backup_and_prune(keep: int) -> str:
    archive = backup.create_backup(kind="daily")
    removed = backup.prune_backups(keep=keep, kind="daily")
    return _("%(archive)s; old backups removed: %(count)d") % {
        "archive": archive.name,
        "count": len(removed),
    }


def _reconcile(now: datetime.datetime) -> str:
    found = reconcile.reconcile(now - _RECONCILE_WINDOW, trigger="nightly")
    return _("calls checked: %(calls)d; differences: %(differences)d") % {
        "calls": found.calls_checked,
        "differences": len(found.differences),
    }


def _roll_up(yesterday: datetime.date) -> str:
    calls = rollup.refresh(until=yesterday)
    forms = form_rollup.refresh(until=yesterday)
    return _("days rolled up: %(calls)d; days of forms rolled up: %(forms)d") % {
        "calls": calls,
        "forms": forms,
    }


def is_due(policy: MaintenanceSettings, now: datetime.datetime) -> bool:
    return timezone.localtime(now).time() >= policy.daily_jobs_at


def run_due_jobs(now: datetime.datetime | None = None) -> list[str]:
    """Run today's jobs if their time has come; return the names of those run."""
    now = now or timezone.now()
    policy = MaintenanceSettings.load()
    if not is_due(policy, now):
        return []
    today = timezone.localdate(now)
    ran = []
    # Retention before the backup, so the backup holds no data past its time.
    if claim(RETENTION, today, now):
        _run(RETENTION, lambda: str(retention.apply_retention(now)))
        ran.append(RETENTION)
    if claim(ROLLUP, today, now):
        yesterday = today - datetime.timedelta(days=1)
        _run(ROLLUP, lambda: _roll_up(yesterday))
        ran.append(ROLLUP)
    if claim(RECONCILE, today, now):
        _run(RECONCILE, lambda: _reconcile(now))
        ran.append(RECONCILE)
    if policy.daily_backup and claim(BACKUP, today, now):
        _run(BACKUP, lambda: _backup_and_prune(policy.backups_keep))
        ran.append(BACKUP)
    return ran
