"""Background job of notifications: the daily digest e-mail."""

from haven.jobs.retries import job
from haven.notifications import services


@job(attempts=4, backoff=600)
def send_notification_digests() -> int:
    """E-mail each subscriber how many things wait for them (never what); daily."""
    return services.send_digests()
