"""`@job`: a django-tasks task that retries itself with exponential backoff, then fails for good.

django-tasks runs a task once; a failure is final. Here a failed attempt enqueues the next one
with `run_after` (backoff seconds, then twice as many, four times ...) and an attempt number, up to
`attempts`. The stored error names only the kind of exception: messages of SMTP and database
errors quote addresses and values, and the queue is read by administrators.
"""

import functools
import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)


class RetryScheduled(Exception):
    """This attempt failed; the next one is queued."""


class JobFailed(Exception):
    """The last attempt failed: nothing more will happen without someone."""


def backoff_delay(attempt: int, backoff: int) -> timedelta:
    return timedelta(seconds=backoff * 2 ** (attempt - 1))


def job(*, attempts: int = 5, backoff: int = 60, priority: int = 0, queue_name: str = "default"):
    """Make `func(*ids)` a background job. Give it ids, never objects, and let it check state."""

    def decorate(func):
        @functools.wraps(func)
        def run(*args, attempt: int = 1, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception as error:
                kind = error.__class__.__name__
                if attempt >= attempts:
                    log.error("Job %s failed for good on attempt %d: %s", name, attempt, kind)
                    raise JobFailed(
                        f"{kind} on attempt {attempt} of {attempts}; no more attempts"
                    ) from None
                when = timezone.now() + backoff_delay(attempt, backoff)
                the_task.using(run_after=when).enqueue(*args, attempt=attempt + 1, **kwargs)
                log.warning("Job %s failed on attempt %d (%s), retried later", name, attempt, kind)
                raise RetryScheduled(
                    f"{kind} on attempt {attempt} of {attempts}; "
                    f"next attempt after {when:%Y-%m-%d %H:%M:%S} UTC"
                ) from None

        name = func.__name__
        the_task = task(priority=priority, queue_name=queue_name)(run)
        return the_task

    return decorate
