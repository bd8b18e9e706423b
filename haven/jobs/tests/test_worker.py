"""A real `haven worker` process, against the test database, runs what the web side queued."""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from haven.conftest import create_personas
from haven.jobs.models import PeriodicRun
from haven.reports import services


def database_url() -> str:
    """The test database, as HAVEN_DATABASE_URL, for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def haven(*args, timeout=120):
    env = {**os.environ, "HAVEN_DATABASE_URL": database_url(), "HAVEN_DEBUG": "true"}
    return subprocess.run(
        [sys.executable, "-m", "haven", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_sends_the_notification_and_runs_the_schedule():
    create_personas()
    services.submit_report(
        services.NewReport(country="VN", description="Ở khu trọ", danger_now=True), []
    )
    result = haven("worker", "--batch", "--no-startup-delay")
    assert result.returncode == 0, result.stderr
    notification = DBTaskResult.objects.get(task_path="haven.reports.tasks.send_notification")
    assert notification.status == "SUCCESSFUL" and notification.return_value == 1
    assert "alice@example.org" in result.stdout  # the console mail backend of development
    assert "Ở khu trọ" not in result.stdout + result.stderr
    # The schedule ran once in the same process: purge and anchor enqueued and done.
    assert set(PeriodicRun.objects.values_list("name", flat=True)) == {
        "anchor_audit_head",
        "notify_overdue_tasks",
        "prune_finished_jobs",
        "purge_expired_reports",
        "send_notification_digests",
    }
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    again = haven("worker", "--batch", "--no-startup-delay")
    assert again.returncode == 0
    assert DBTaskResult.objects.count() == 6  # same period: nothing enqueued twice


def test_the_command_says_what_it_does():
    result = subprocess.run(
        [sys.executable, "-m", "haven", "help", "worker"],
        env={**os.environ, "HAVEN_DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert "--schedule-interval" in result.stdout and "--batch" in result.stdout
