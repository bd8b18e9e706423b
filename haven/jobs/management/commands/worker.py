"""`haven worker`: run background jobs (django-tasks-db's worker) and the periodic schedule."""

import contextlib
import logging
import threading
import time
from datetime import timedelta

from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django_tasks_db.management.commands import db_worker

from haven.jobs.queue import requeue_abandoned
from haven.jobs.schedule import enqueue_due_jobs

# After a lost database connection: wait 1, 2, 4 ... seconds, at most this many, then again.
MOST_BACKOFF = 60.0
BATCH_ATTEMPTS = 5  # a --batch run gives up after so many lost connections in a row

log = logging.getLogger("haven.jobs")


def run_schedule(every: float) -> None:
    while True:
        close_old_connections()
        try:
            enqueue_due_jobs()
        except Exception as error:  # the database away for a moment: try again next time
            log.error("Periodic schedule failed: %s", error.__class__.__name__)
        close_old_connections()
        time.sleep(every)


def requeue(abandoned_after: float) -> None:
    count = requeue_abandoned(timedelta(seconds=abandoned_after))
    if count:
        log.warning("Requeued %d job(s) whose worker stopped while running them", count)


def run_requeue(abandoned_after: float) -> None:
    every = min(max(abandoned_after / 2, 1.0), 60.0)
    while True:
        time.sleep(every)
        close_old_connections()
        try:
            requeue(abandoned_after)
        except Exception as error:  # the database away for a moment: try again next time
            log.error("Requeueing abandoned jobs failed: %s", error.__class__.__name__)
        close_old_connections()


def drop_connections() -> None:
    """Forget connections that may be broken; the next query opens a new one."""
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(Exception):  # already gone: nothing to close
            connection.close()


class Command(db_worker.Command):
    help = (
        "Run background jobs, and enqueue periodic jobs when due (several workers may run: "
        "each periodic job is enqueued once per period). Stop with SIGTERM: the running job ends "
        "first."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--schedule-interval",
            type=db_worker.valid_interval,
            default=30,
            help="Seconds between two looks at the periodic schedule (default: %(default)r)",
        )
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Only run jobs; leave the periodic schedule to other workers.",
        )
        parser.add_argument(
            "--abandoned-after",
            type=db_worker.valid_interval,
            default=None,
            help=(
                "Requeue jobs marked running for longer than this many seconds, as their worker "
                "died (kill -9) before it recorded the outcome. Set it above the longest job."
            ),
        )
        parser.set_defaults(reload=False, queue_name="*")

    def handle(self, *args, schedule: bool, schedule_interval: float, abandoned_after, **options):
        if not options["batch"]:
            if schedule:
                threading.Thread(
                    target=run_schedule, args=(schedule_interval,), name="schedule", daemon=True
                ).start()
            if abandoned_after is not None:
                threading.Thread(
                    target=run_requeue, args=(abandoned_after,), name="requeue", daemon=True
                ).start()
        backoff, attempts = 1.0, 0
        while True:
            started = time.monotonic()
            try:
                if abandoned_after is not None:
                    requeue(abandoned_after)
                if schedule and options["batch"]:
                    enqueue_due_jobs()  # once, then the jobs due are run and the worker exits
                super().handle(*args, **options)
                return
            except (OperationalError, InterfaceError) as error:
                attempts += 1
                if options["batch"] and attempts >= BATCH_ATTEMPTS:
                    raise
                # The database restarted or cut the connection: wait, then carry on. A job
                # whose outcome could not be recorded stays running until --abandoned-after.
                if time.monotonic() - started > MOST_BACKOFF:
                    backoff = 1.0  # it had worked for a while: start the waits again
                log.error(
                    "Database connection lost (%s); trying again in %.0f s",
                    error.__class__.__name__,
                    backoff,
                )
                drop_connections()
                time.sleep(backoff)
                backoff = min(backoff * 2, MOST_BACKOFF)
