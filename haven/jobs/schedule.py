"""Periodic jobs: enqueue each once per period, however many workers run the schedule.

A period is counted from 1970-01-01 00:00 UTC (a daily job's period starts at midnight UTC). A
worker claims a period by moving the job's `PeriodicRun.period` forward with a conditional
UPDATE, and enqueues the job in the same transaction: of two workers, the second updates no row
and enqueues nothing; if the enqueue fails, the claim is undone with it.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from haven.jobs.models import PeriodicRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task_path: str
    every: int  # seconds

    def period(self, now) -> int:
        return int(now.timestamp()) // self.every


def periodic_jobs() -> list[PeriodicJob]:
    return [
        PeriodicJob(name, path, every)
        for name, (path, every) in sorted(settings.HAVEN_PERIODIC_JOBS.items())
    ]


def enqueue_due_jobs(now=None) -> list[str]:
    """Enqueue every periodic job whose current period has not been enqueued; return their names."""
    now = now or timezone.now()
    enqueued = []
    for periodic in periodic_jobs():
        period = periodic.period(now)
        PeriodicRun.objects.get_or_create(name=periodic.name)
        with transaction.atomic():
            claimed = PeriodicRun.objects.filter(name=periodic.name, period__lt=period).update(
                period=period, enqueued_at=now
            )
            if not claimed:
                continue
            result = import_string(periodic.task_path).enqueue()
            PeriodicRun.objects.filter(name=periodic.name).update(result_id=str(result.id))
        enqueued.append(periodic.name)
        log.info("Periodic job %s enqueued for period %d", periodic.name, period)
    return enqueued
