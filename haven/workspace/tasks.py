"""Background job of the workspace: telling members about their overdue tasks (hourly)."""

from django.urls import reverse
from django.utils import timezone

from haven.cases.models import Task
from haven.jobs.retries import job
from haven.notifications.models import Kind, Notification
from haven.notifications.services import notify


def notify_overdue(today=None) -> int:
    """One notification per overdue open task, to the member it is assigned to (or the case
    worker when it is nobody's), once per task."""
    today = today or timezone.localdate()
    tasks = list(
        Task.objects.filter(done_at__isnull=True, due__lt=today)
        .select_related("assigned_to", "case__case_worker")
        .only("id", "case_id", "assigned_to", "case__case_worker")
    )
    told_ids = set(
        Notification.objects.filter(
            kind=Kind.TASK_OVERDUE, object_id__in=[str(task.pk) for task in tasks]
        ).values_list("object_id", flat=True)
    )
    told = 0
    for task in tasks:
        member = task.assigned_to or task.case.case_worker
        if member is None or str(task.pk) in told_ids:
            continue
        told += notify(
            member, Kind.TASK_OVERDUE, reverse("cases:detail", args=[task.case_id]), obj=task
        )
    return told


@job(attempts=3, backoff=600)
def notify_overdue_tasks() -> int:
    return notify_overdue()
