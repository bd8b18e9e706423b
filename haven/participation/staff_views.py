"""The staff page for coordinators: progress reports to validate and contributions to moderate."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from haven.accounts.access import has_capability, staff_view
from haven.accounts.roles import Capability
from haven.participation import consultations as rules
from haven.participation import services, spreadsheets
from haven.participation.models import (
    Commitment,
    Contribution,
    Moderation,
    ProgressReport,
    Status,
    Validation,
)


@require_safe
@staff_view()
def queue(request):
    user = request.user
    validates = has_capability(user, Capability.COMMITMENT_VALIDATE)
    manages = has_capability(user, Capability.CONSULT_MANAGE)
    reports_progress = has_capability(user, Capability.COMMITMENT_REPORT)
    if not (validates or manages or reports_progress):
        raise PermissionDenied
    reports = services.reports_visible_to(user).filter(validation=Validation.PENDING)
    contributions = Contribution.objects.filter(moderation=Moderation.PENDING).select_related(
        "consultation", "organisation"
    )
    context = {
        "reports": reports.exclude(submitted_by=user) if validates else [],
        "contributions": contributions if manages else [],
        "validates": validates,
        "manages": manages,
        "reports_progress": reports_progress,
        **(_reporting(user) if reports_progress else {}),
    }
    return render(request, "participation/staff_queue.html", context)


def _reporting(user) -> dict:
    """What an organisation administrator needs: the commitments it may report on, its reports."""
    return {
        "own_commitments": Commitment.objects.filter(
            Q(lead_organisation=user.organisation_id) | Q(lead_organisation__isnull=True)
        )
        .select_related("instrument")
        .prefetch_related("indicators"),
        "own_reports": ProgressReport.objects.filter(organisation=user.organisation_id)
        .select_related("commitment")
        .order_by("-submitted_at")[:20],
        "status_choices": Status.choices,
    }


@require_POST
@staff_view(Capability.COMMITMENT_REPORT)
def submit_progress(request):
    commitment = Commitment.objects.filter(code=request.POST.get("commitment", "")).first()
    if commitment is None:
        messages.error(request, _("Choose a commitment."))
        return redirect("participation_staff:queue")
    fields = {name: request.POST.get(name, "") for name in ("period", "status", "text")}
    values, bad = spreadsheets.parse_values(request.POST.get("indicators", ""))
    if values is None:
        messages.error(request, _("Indicator values: write code=number; code=number (%s).") % bad)
        return redirect("participation_staff:queue")
    try:
        services.submit_progress(
            request.user,
            commitment,
            evidence=request.POST.get("evidence", ""),
            indicators=values,
            **fields,
        )
    except services.InvalidProgress as error:
        for field, message in error.errors:
            messages.error(request, f"{field}: {message}")
        return redirect("participation_staff:queue")
    messages.success(request, _("Report sent: it is published once an analyst validates it."))
    return redirect("participation_staff:queue")


@require_POST
@staff_view(Capability.COMMITMENT_VALIDATE)
def decide_progress(request, report_id: int):
    report = services.access_report(request.user, report_id)
    decision, reason = request.POST.get("decision", ""), request.POST.get("reason", "")
    try:
        services.validate_progress(request.user, report, decision=decision, reason=reason)
    except services.InvalidProgress as error:
        for field, message in error.errors:
            messages.error(request, f"{report.period} {field}: {message}")
        return redirect("participation_staff:queue")
    messages.success(request, _("Decision recorded."))
    return redirect("participation_staff:queue")


@require_POST
@staff_view(Capability.CONSULT_MANAGE)
def moderate(request, contribution_id: int):
    contribution = None
    if rules.valid_id(contribution_id):
        contribution = Contribution.objects.filter(pk=contribution_id).first()
    if contribution is None:
        raise Http404
    decision, reason = request.POST.get("decision", ""), request.POST.get("reason", "")
    try:
        rules.moderate(request.user, contribution, decision, reason)
    except rules.Refused as error:
        messages.error(request, error.message)
        return redirect("participation_staff:queue")
    messages.success(request, _("Decision recorded."))
    return redirect("participation_staff:queue")
