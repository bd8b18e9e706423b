"""Which reports a staff member may see: those routed or referred to their organisation."""

from django.core.exceptions import ValidationError
from django.http import Http404

from haven.accounts.access import has_capability, require_capability
from haven.accounts.roles import Capability
from haven.reports.models import Report


def reports_visible_to(user):
    if has_capability(user, Capability.SYSTEM_ADMIN):
        return Report.objects.all()
    return Report.objects.filter(recipients=user.organisation_id).distinct()


def access_report(user, report_id) -> Report:
    """The report, for someone whose organisation received it (404 for anyone else)."""
    try:
        report = reports_visible_to(user).get(pk=report_id)
    except (Report.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    require_capability(user, Capability.REPORT_TRIAGE)
    return report
