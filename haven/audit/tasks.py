"""Background jobs of the audit log."""

from haven.audit.anchors import anchor_audit_head
from haven.jobs.retries import job


@job(attempts=5, backoff=300)
def anchor_audit_head_job():
    """Anchor the chain's head outside the database, hourly (scheduled in HAVEN_PERIODIC_JOBS)."""
    anchor = anchor_audit_head()
    return None if anchor is None else {"seq": anchor.seq, "hash": anchor.hash}
