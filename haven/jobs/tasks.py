"""The queue's own housekeeping."""

from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from haven.jobs.queue import failed_for_good
from haven.jobs.retries import job

KEEP_DONE = timedelta(days=30)
KEEP_FAILED = timedelta(days=90)  # long enough for someone to read why


@job(attempts=3, backoff=600)
def prune_finished_jobs() -> int:
    """Delete jobs done over 30 days ago and failures over 90 days ago (daily)."""
    now = timezone.now()
    done = DBTaskResult.objects.successful().filter(finished_at__lt=now - KEEP_DONE)
    retried = DBTaskResult.objects.failed().exclude(pk__in=failed_for_good().values("pk"))
    failed = DBTaskResult.objects.failed().filter(finished_at__lt=now - KEEP_FAILED)
    count = 0
    for old in (done, retried.filter(finished_at__lt=now - KEEP_DONE), failed):
        count += old.delete()[0]
    return count
