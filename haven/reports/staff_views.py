"""Triage for staff: the queue, a report, its thread, status, assignment and attachments."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import staff_view
from haven.accounts.models import User
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.reports import services
from haven.reports.access import (
    access_report,
    awaiting_staff_reply,
    in_queue_order,
    reports_visible_to,
)
from haven.reports.forms import AssignForm, StaffMessageForm, StatusForm
from haven.reports.models import Exploitation, Status


def _queue_filters(request, reports):
    """The queue's filters, each ignored when its value is unknown; returns them for the form."""
    status = request.GET.get("status", "open")
    if status == "open":
        reports = reports.exclude(status=Status.CLOSED)
    elif status in Status.values:
        reports = reports.filter(status=status)
    country = request.GET.get("country", "").upper()
    if country:
        reports = reports.filter(country=country)
    kind = request.GET.get("kind", "")
    if kind in Exploitation.values:
        # JSON containment differs by engine; a quoted match on the list works on both.
        reports = reports.filter(exploitation_types__icontains=f'"{kind}"')
    waiting = request.GET.get("waiting") == "1"
    if waiting:
        reports = awaiting_staff_reply(reports)
    return reports, {"status": status, "country": country, "kind": kind, "waiting": waiting}


@staff_view(Capability.REPORT_TRIAGE)
def queue(request):
    reports = reports_visible_to(request.user).select_related("assigned_to")
    reports, filters = _queue_filters(request, reports)
    reports = in_queue_order(reports)
    page = Paginator(
        reports.only(
            "id",
            "reference",
            "country",
            "status",
            "danger_now",
            "created",
            "exploitation_types",
            "children_involved",
            "assigned_to__username",
        ),
        25,
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        **filters,
        "statuses": Status.choices,
        "kinds": Exploitation.choices,
    }
    return render(request, "reports/staff/queue.html", context)


def _detail_context(request, report, **forms):
    members = User.objects.filter(
        pk__in=[member.pk for member in services.triage_staff(report.recipients.all())]
    )
    return {
        "report": report,
        "thread": services.thread_for(report, request.user).prefetch_related("attachments"),
        "attachments": report.attachments.filter(message__isnull=True),
        "status_form": forms.get("status_form") or StatusForm(report=report),
        "message_form": forms.get("message_form") or StaffMessageForm(),
        "assign_form": forms.get("assign_form")
        or AssignForm(members=members, initial={"member": report.assigned_to_id}),
        # Cases opened from this report by the viewer's own organisation.
        "cases": report.cases.filter(organisation=request.user.organisation_id).only(
            "id", "reference"
        ),
        "exploitation": [
            Exploitation(code).label
            for code in report.exploitation_types
            if code in Exploitation.values
        ],
    }


@staff_view()  # access_report: 404 for outsiders first, then 403 for the role
def detail(request, report_id):
    report = access_report(request.user, report_id)
    record_event("report.viewed", actor=request.user, obj=report)
    return render(request, "reports/staff/detail.html", _detail_context(request, report))


@require_POST
@staff_view()  # access_report: 404 for outsiders first, then 403 for the role
def set_status(request, report_id):
    report = access_report(request.user, report_id)
    form = StatusForm(request.POST, report=report)
    if form.is_valid():
        try:
            services.change_status(
                report,
                actor=request.user,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                referred_to=form.cleaned_data["referred_to"],
            )
        except services.TransitionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The status was changed."))
            return redirect("reports_staff:detail", report_id=report.pk)
    context = _detail_context(request, report, status_form=form)
    return render(request, "reports/staff/detail.html", context, status=422)


@require_POST
@staff_view()  # access_report: 404 for outsiders first, then 403 for the role
def add_message(request, report_id):
    report = access_report(request.user, report_id)
    form = StaffMessageForm(request.POST)
    if form.is_valid():
        services.add_staff_message(
            report,
            actor=request.user,
            body=form.cleaned_data["body"],
            internal=form.cleaned_data["internal"],
        )
        messages.success(
            request,
            _("The note was saved.") if form.cleaned_data["internal"] else _("The reply was sent."),
        )
        return redirect("reports_staff:detail", report_id=report.pk)
    context = _detail_context(request, report, message_form=form)
    return render(request, "reports/staff/detail.html", context, status=422)


@require_POST
@staff_view()  # access_report: 404 for outsiders first, then 403 for the role
def assign(request, report_id):
    report = access_report(request.user, report_id)
    members = User.objects.filter(
        pk__in=[member.pk for member in services.triage_staff(report.recipients.all())]
    )
    form = AssignForm(request.POST, members=members)
    if form.is_valid():
        services.assign(report, actor=request.user, member=form.cleaned_data["member"])
        messages.success(request, _("The report was assigned."))
        return redirect("reports_staff:detail", report_id=report.pk)
    context = _detail_context(request, report, assign_form=form)
    return render(request, "reports/staff/detail.html", context, status=422)


@staff_view()  # access_report: 404 for outsiders first, then 403 for the role
def attachment(request, report_id, attachment_id):
    report = access_report(request.user, report_id)
    item = report.attachments.filter(pk=attachment_id).first()
    if item is None:
        raise Http404
    record_event(
        "report.attachment_viewed",
        actor=request.user,
        obj=report,
        summary={"attachment": str(item.pk)},
    )
    response = HttpResponse(item.data, content_type=item.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{report.reference}-{str(item.pk)[:8]}.{item.extension}"'
    )
    response["Cache-Control"] = "no-store"
    return response
