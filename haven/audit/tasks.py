"""Background jobs of the audit log."""

from haven.audit import services
from haven.jobs.retries import job


@job(attempts=5, backoff=300)
def anchor_audit_head_job():
    """Anchor the chain's head outside the database, hourly (scheduled in HAVEN_PERIODIC_JOBS).

    `services.anchor_audit_head` comes with the audit hardening; until it is merged this job
    does nothing and says so in its result.
    """
    anchor = getattr(services, "anchor_audit_head", None)
    if anchor is None:
        return "anchor_audit_head is not available"
    result = anchor()
    return result if isinstance(result, str | int | float | bool | dict | list | None) else None
