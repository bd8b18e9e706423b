"""A worker killed with SIGKILL in the middle of a job: `haven worker --abandoned-after` puts the
job back in the queue and another worker finishes it. A worker whose database connection is
cut carries on once the database answers again."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haven.jobs.queue import requeue_abandoned
from haven.jobs.tests.tasks import note, slow_once
from haven.jobs.tests.test_worker import database_url, haven


def start_worker(*args) -> subprocess.Popen:
    env = {**os.environ, "HAVEN_DATABASE_URL": database_url(), "HAVEN_DEBUG": "true"}
    return subprocess.Popen(
        [sys.executable, "-m", "haven", "worker", "--no-schedule", "--no-startup-delay", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_was_killed_is_finished_by_another(tmp_path):
    marker = tmp_path / "started"
    result = slow_once.enqueue(str(marker), 300)
    worker = start_worker("--interval", "0.2")
    try:
        wait_for(marker.exists)  # the job runs
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    job = DBTaskResult.objects.get(pk=result.id)
    assert job.status == "RUNNING"  # nobody will record its outcome

    # A worker without --abandoned-after leaves it alone ...
    alone = haven("worker", "--batch", "--no-schedule", "--no-startup-delay")
    assert alone.returncode == 0, alone.stderr
    assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"
    # ... and so does one that waits longer than the job has been running.
    patient = haven(
        "worker", "--batch", "--no-schedule", "--no-startup-delay", "--abandoned-after", "3600"
    )
    assert patient.returncode == 0, patient.stderr
    assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"

    time.sleep(1.5)
    second = haven(
        "worker", "--batch", "--no-schedule", "--no-startup-delay", "--abandoned-after", "1"
    )
    assert second.returncode == 0, second.stderr
    job = DBTaskResult.objects.get(pk=result.id)
    assert job.status == "SUCCESSFUL"
    assert job.return_value == "finished on another attempt"
    assert len(job.worker_ids) == 2  # two workers took it: the killed one and the second


@pytest.mark.django_db
def test_only_jobs_running_longer_than_the_limit_are_requeued():
    now = timezone.now()
    old, recent, waiting = (note.enqueue(name) for name in ("old", "recent", "waiting"))
    DBTaskResult.objects.filter(pk=old.id).update(
        status="RUNNING", started_at=now - timedelta(minutes=10)
    )
    DBTaskResult.objects.filter(pk=recent.id).update(
        status="RUNNING", started_at=now - timedelta(seconds=30)
    )
    assert requeue_abandoned(timedelta(minutes=5), now=now) == 1
    statuses = {str(pk): status for pk, status in DBTaskResult.objects.values_list("id", "status")}
    assert statuses[old.id] == "READY"
    assert statuses[recent.id] == "RUNNING"
    assert statuses[waiting.id] == "READY"


@pytest.mark.django_db(transaction=True)
def test_a_worker_survives_its_database_connections_being_cut(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    marker = tmp_path / "started"
    cut = slow_once.enqueue(str(marker), 3, True)
    worker = start_worker("--interval", "0.2", "--abandoned-after", "2")
    try:
        wait_for(marker.exists)  # the job runs, its connection open
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [connection.settings_dict["NAME"]],
            )
            assert cursor.fetchone()[0] >= 1  # the worker's connection was cut
        # Its outcome could not be written; the job is requeued and run again, and the worker
        # goes on with the next job.
        wait_for(lambda: DBTaskResult.objects.get(pk=cut.id).status == "SUCCESSFUL")
        after = note.enqueue("after the cut")
        wait_for(lambda: DBTaskResult.objects.get(pk=after.id).status == "SUCCESSFUL")
        assert worker.poll() is None  # still running
    finally:
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=60)
    assert "Database connection lost" in errors
    assert DBTaskResult.objects.get(pk=cut.id).return_value == "finished on another attempt"
