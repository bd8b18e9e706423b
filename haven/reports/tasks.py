"""Background jobs of reports: notification e-mails and the retention purge."""

from haven.jobs.retries import job
from haven.reports import services
from haven.reports.models import Report


@job(attempts=6, backoff=60)
def send_notification(kind: str, report_id: str | None = None, organisation_ids=None, count=0):
    """E-mail triage staff that something arrived (never what); nothing if the report is gone."""
    report = None
    if report_id is not None:
        report = Report.objects.filter(pk=report_id).first()
        if report is None:  # purged or deleted since: nothing to tell
            return 0
    return services.notify(report, kind, only=organisation_ids, count=count)


@job(attempts=6, backoff=60)
def warn_unrouted() -> int:
    return services.notify_unrouted()


@job(attempts=3, backoff=600)
def purge_expired_reports_job() -> dict:
    result = services.purge_expired_reports()
    return {"deleted": result.deleted, "warned": result.warned}
