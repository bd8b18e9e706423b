"""`haven worker`: run background jobs (django-tasks-db's worker) and the periodic schedule."""

import logging
import threading
import time

from django.db import close_old_connections
from django_tasks_db.management.commands import db_worker

from haven.jobs.schedule import enqueue_due_jobs

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
        parser.set_defaults(reload=False, queue_name="*")

    def handle(self, *args, schedule: bool, schedule_interval: float, **options):
        if schedule and options["batch"]:
            enqueue_due_jobs()  # once, then the jobs due are run and the worker exits
        elif schedule:
            threading.Thread(
                target=run_schedule, args=(schedule_interval,), name="schedule", daemon=True
            ).start()
        super().handle(*args, **options)
