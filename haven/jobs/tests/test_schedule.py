"""Periodic jobs are enqueued once per period, whatever the number of workers."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from haven.jobs.models import PeriodicRun
from haven.jobs.schedule import enqueue_due_jobs

NOON = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.mark.django_db
class TestSchedule:
    def test_each_job_is_enqueued_once_per_period(self):
        assert enqueue_due_jobs(NOON) == [
            "anchor_audit_head",
            "notify_overdue_tasks",
            "prune_finished_jobs",
            "purge_expired_reports",
            "send_notification_digests",
        ]
        assert enqueue_due_jobs(NOON + timedelta(minutes=30)) == []
        assert enqueue_due_jobs(NOON + timedelta(hours=1)) == [
            "anchor_audit_head",
            "notify_overdue_tasks",
        ]
        assert enqueue_due_jobs(NOON + timedelta(hours=12)) == [
            "anchor_audit_head",
            "notify_overdue_tasks",
            "prune_finished_jobs",
            "purge_expired_reports",
            "send_notification_digests",
        ]
        paths = list(DBTaskResult.objects.values_list("task_path", flat=True))
        assert paths.count("haven.reports.tasks.purge_expired_reports_job") == 2
        assert paths.count("haven.audit.tasks.anchor_audit_head_job") == 3
        run = PeriodicRun.objects.get(name="purge_expired_reports")
        assert run.enqueued_at == NOON + timedelta(hours=12)
        assert run.result_id in {
            str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)
        }

    def test_a_job_that_cannot_be_enqueued_does_not_use_up_its_period(self, settings):
        settings.HAVEN_PERIODIC_JOBS = {"broken": ("haven.jobs.tests.no_such_job", 60)}
        with pytest.raises(ImportError):
            enqueue_due_jobs(NOON)
        assert PeriodicRun.objects.get(name="broken").period == -1
        settings.HAVEN_PERIODIC_JOBS = {
            "broken": ("haven.reports.tasks.purge_expired_reports_job", 60)
        }
        assert enqueue_due_jobs(NOON) == ["broken"]

    def test_every_periodic_job_runs(self, run_jobs):
        enqueue_due_jobs(NOON)
        assert run_jobs() == 5
        results = dict(DBTaskResult.objects.values_list("task_path", "status"))
        assert set(results.values()) == {"SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_enqueue_each_job_once():
    barrier = threading.Barrier(4)
    claimed = []

    def worker():
        try:
            barrier.wait()
            claimed.extend(enqueue_due_jobs(NOON))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == [
        "anchor_audit_head",
        "notify_overdue_tasks",
        "prune_finished_jobs",
        "purge_expired_reports",
        "send_notification_digests",
    ]
    assert DBTaskResult.objects.count() == 5
