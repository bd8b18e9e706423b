"""The queue as administrators and /metrics see it: what waits, what failed, how old."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from haven.jobs.retries import RetryScheduled

RETRIED = f"{RetryScheduled.__module__}.{RetryScheduled.__qualname__}"


def failed_for_good():
    """Failed jobs that nothing will retry (an attempt followed by another is not one)."""
    return DBTaskResult.objects.failed().exclude(exception_class_path=RETRIED)


@dataclass(frozen=True)
class QueueSummary:
    ready: int  # due now
    waiting: int  # to run later (a retry's backoff)
    running: int
    failed: int  # for good
    oldest_ready_age: timedelta  # zero when none is due

    @property
    def pending(self) -> int:
        return self.ready + self.waiting


def queue_summary(now=None) -> QueueSummary:
    now = now or timezone.now()
    ready = Q(status=TaskResultStatus.READY)
    # A job with no time to wait for is stored with run_after 9999-01-01: due since enqueued.
    undated = Q(run_after=get_date_max())
    due_later = ready & Q(run_after__gt=now) & ~undated
    counts = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).aggregate(
        ready=Count("pk", filter=ready & (undated | Q(run_after__lte=now))),
        waiting=Count("pk", filter=due_later),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        oldest_undated=Min("enqueued_at", filter=ready & undated),
        oldest_dated=Min("run_after", filter=ready & Q(run_after__lte=now)),
    )
    due_since = [counts["oldest_undated"], counts["oldest_dated"]]
    oldest = min([when for when in due_since if when is not None], default=now)
    return QueueSummary(
        ready=counts["ready"],
        waiting=counts["waiting"],
        running=counts["running"],
        failed=failed_for_good().count(),
        oldest_ready_age=max(now - oldest, timedelta(0)),
    )


def requeue_abandoned(older_than: timedelta, now=None) -> int:
    """Put back in the queue the jobs marked running for longer than `older_than`: their
    worker died (kill -9, a lost machine) before it could record the outcome. The next worker
    runs them again, so `older_than` must be longer than the longest job, and jobs idempotent."""
    cutoff = (now or timezone.now()) - older_than
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY, started_at=None)
