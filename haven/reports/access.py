"""Which reports a staff member may see: those routed or referred to their organisation."""

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.http import Http404

from haven.accounts.access import has_capability, require_capability
from haven.accounts.roles import Capability
from haven.reports.models import Message, Report, Status


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


STATUS_ORDER = [Status.NEW, Status.IN_TRIAGE, Status.REFERRED, Status.ACCEPTED, Status.CLOSED]


def in_queue_order(reports):
    """Danger now on top, then new before everything else, then the newest first."""
    priority = Case(
        *[When(status=status, then=Value(rank)) for rank, status in enumerate(STATUS_ORDER)],
        output_field=IntegerField(),
    )
    return reports.order_by("-danger_now", priority, "-created")


def awaiting_staff_reply(reports):
    """Reports whose last message between reporter and staff is the reporter's: someone should
    read it and answer (internal notes do not count as an answer)."""
    last_author = (
        Message.objects.filter(report=OuterRef("pk"), internal=False)
        .order_by("-created")
        .values("author")[:1]
    )
    return reports.annotate(last_author=Subquery(last_author)).filter(
        last_author=Message.Author.REPORTER
    )
