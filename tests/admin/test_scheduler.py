import asyncio
import datetime

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from hotline_admin import backup
from hotline_admin.models import DailyJob, MaintenanceSettings
from hotline_admin.scheduler import run_forever


def due_at_midnight() -> None:
    policy = MaintenanceSettings.load()
    policy.daily_jobs_at = datetime.time(0, 0)
    policy.save()


def finished_jobs() -> set[str]:
    return set(DailyJob.objects.filter(finished_at__isnull=False).values_list("name", flat=True))


@pytest.fixture
async def close_thread_connections():
    """The test's own ORM calls run in asgiref's worker thread: close its connection after."""
    yield
    await sync_to_async(connections.close_all)()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_the_scheduler_runs_todays_jobs_once_and_stops_when_asked(close_thread_connections):
    await sync_to_async(due_at_midnight)()
    stop = asyncio.Event()
    task = asyncio.create_task(run_forever(stop, interval=0.05))

    deadline = asyncio.get_running_loop().time() + 60
    while await sync_to_async(finished_jobs)() != {"retention", "rollup", "reconcile", "backup"}:
        assert asyncio.get_running_loop().time() < deadline, "the jobs never finished"
        await asyncio.sleep(0.05)
    # Many more checks go by; the day's jobs are not run again.
    for _check in range(5):
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, 30)

    assert len(backup.list_backups()) == 1
