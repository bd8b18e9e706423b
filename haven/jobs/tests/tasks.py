"""Jobs only the tests enqueue (a real worker process imports them by path)."""

import time
from pathlib import Path

from django_tasks import task
from django_tasks_db.models import DBTaskResult


@task()
def slow_once(marker: str, seconds: float, hold_connection: bool = False) -> str:
    """The first run leaves a mark then takes `seconds` (long enough to be killed in); a run
    that finds the mark finishes at once, as an idempotent job picks up where it was."""
    path = Path(marker)
    if path.exists():
        return "finished on another attempt"
    if hold_connection:  # the connection stays open while the job runs, to be cut
        DBTaskResult.objects.exists()
    path.write_text("started")
    time.sleep(seconds)
    return "finished on the first attempt"


@task()
def note(value: str) -> str:
    return value
