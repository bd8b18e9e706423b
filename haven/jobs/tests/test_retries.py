"""A job that fails is tried again later, with growing delays, then fails for good, quietly."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haven.jobs.queue import failed_for_good, queue_summary
from haven.jobs.retries import job

FAILURES = {}


@job(attempts=3, backoff=10)
def flaky(key: str, failures: int) -> str:
    """Fails `failures` times for a key, then succeeds."""
    FAILURES[key] = FAILURES.get(key, 0) + 1
    if FAILURES[key] <= failures:
        raise ValueError("rang@example.org refused")  # an error message quoting an address
    return f"done {key}"


def make_due():
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


@pytest.mark.django_db
class TestRetries:
    def test_a_job_that_fails_twice_succeeds_on_the_third_attempt(self, run_jobs):
        flaky.enqueue("a", 2)
        assert run_jobs() == 1
        first = DBTaskResult.objects.get(status="FAILED")
        retry = DBTaskResult.objects.get(status="READY")
        assert retry.args_kwargs == {"args": ["a", 2], "kwargs": {"attempt": 2}}
        delay = retry.run_after - first.finished_at
        assert timedelta(seconds=9) < delay <= timedelta(seconds=10)
        assert run_jobs() == 0  # not due before its time
        make_due()
        assert run_jobs() == 1
        second_retry = DBTaskResult.objects.get(status="READY")
        assert second_retry.args_kwargs["kwargs"] == {"attempt": 3}
        delay = second_retry.run_after - timezone.now()
        assert timedelta(seconds=18) < delay <= timedelta(seconds=20)  # doubled
        make_due()
        assert run_jobs() == 1
        done = DBTaskResult.objects.get(status="SUCCESSFUL")
        assert done.return_value == "done a"
        assert not failed_for_good().exists()  # attempts that were retried are not failures
        assert queue_summary().failed == 0

    def test_after_the_last_attempt_it_fails_for_good_without_the_message(self, run_jobs):
        flaky.enqueue("b", 5)
        for _attempt in range(3):
            make_due()
            assert run_jobs() == 1
        assert not DBTaskResult.objects.filter(status="READY").exists()
        [final] = failed_for_good()
        assert final.exception_class_path == "haven.jobs.retries.JobFailed"
        assert final.traceback.strip().endswith(
            "JobFailed: ValueError on attempt 3 of 3; no more attempts"
        )
        for result in DBTaskResult.objects.all():  # administrators read these
            assert "rang@example.org" not in result.traceback
        assert queue_summary().failed == 1


@pytest.mark.django_db
class TestQueueSummary:
    def test_it_counts_what_is_due_waiting_and_failed_and_the_oldest_age(self, run_jobs):
        now = timezone.now()
        assert queue_summary(now).ready == 0
        assert queue_summary(now).oldest_ready_age == timedelta(0)
        flaky.enqueue("c", 0)
        DBTaskResult.objects.update(enqueued_at=now - timedelta(minutes=7))
        flaky.using(run_after=now + timedelta(hours=1)).enqueue("d", 0)
        flaky.using(run_after=now - timedelta(minutes=3)).enqueue("e", 0)
        summary = queue_summary(now)
        assert (summary.ready, summary.waiting, summary.running, summary.failed) == (2, 1, 0, 0)
        assert summary.pending == 3
        assert summary.oldest_ready_age == timedelta(minutes=7)


@pytest.mark.django_db
class TestAdmin:
    def test_system_administrators_see_pending_and_failed_jobs_with_the_error(
        self, client, admin_user, run_jobs
    ):
        from haven.conftest import sign_in

        flaky.enqueue("f", 1)
        run_jobs()
        response = sign_in(client, admin_user).get("/admin/django_tasks_database/dbtaskresult/")
        assert response.status_code == 200
        text = response.content.decode()
        assert 'id="queue-summary"' in text
        assert "ValueError on attempt 1 of 3; next attempt after" in text
        assert "rang@example.org" not in text
        failed = client.get("/admin/django_tasks_database/dbtaskresult/?outcome=failed")
        assert "ValueError on attempt" not in failed.content.decode()

    def test_others_do_not(self, client, oscar):
        from haven.conftest import sign_in

        response = sign_in(client, oscar).get("/admin/django_tasks_database/dbtaskresult/")
        assert response.status_code in (302, 403, 404)


@pytest.mark.django_db
class TestPruning:
    def test_old_finished_jobs_go_recent_ones_and_final_failures_stay(self, run_jobs):
        from haven.jobs.tasks import prune_finished_jobs

        flaky.enqueue("old", 0)
        flaky.enqueue("retried", 1)
        flaky.enqueue("failed", 9)
        run_jobs()
        for _attempt in range(2):
            make_due()
            run_jobs()
        DBTaskResult.objects.update(finished_at=timezone.now() - timedelta(days=40))
        flaky.enqueue("recent", 0)
        run_jobs()
        prune_finished_jobs.call()
        left = {
            (result.args_kwargs["args"][0], result.status) for result in DBTaskResult.objects.all()
        }
        assert left == {("failed", "FAILED"), ("recent", "SUCCESSFUL")}
