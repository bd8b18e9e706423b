"""Background job of the federation: deliver what the outbox holds."""

from haven.federation.outbox import deliver_round
from haven.jobs.retries import job


@job(attempts=3, backoff=30)
def deliver_outbox_job():
    """One delivery round (scheduled every minute in HAVEN_PERIODIC_JOBS, and after each send)."""
    return deliver_round().as_dict()
