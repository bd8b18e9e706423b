"""Triage for staff: the queue, a report, its thread, status, assignment and attachments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import staff_view
from haven.accounts.models import User
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.lib import vocabulary
from haven.reports import services
from haven.reports.access import access_report, reports_visible_to
from haven.reports.forms import AssignForm, StaffMessageForm, StatusForm
from haven.reports.models import Exploitation, Status
from haven.reports.queue import filtered_queue, queue_countries, waited

PREVIEW_LENGTH = 140


def _queue_context(request, assign_form=None):
    user = request.user
    reports, filters = filtered_queue(user, request.GET)
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    language = get_language()
    for report in page:
        report.preview = Truncator(report.description).chars(PREVIEW_LENGTH)
        report.country_name = vocabulary.country_name(report.country.code or "", language)
        report.waited = waited(report.created)
    if page.object_list:
        record_event(
            "report.previewed",
            actor=user,
            summary={"reports": [str(report.pk) for report in page]},
        )
    members = services.triage_members([user.organisation_id])
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "query": query.urlencode(),
        **filters,
        "statuses": Status.choices,
        "kinds": Exploitation.choices,
        "countries": vocabulary.country_choices(language, tuple(queue_countries(user))),
        "assign_form": assign_form or AssignForm(members=members),
        "members": list(members.order_by("first_name", "last_name", "username")),
    }


@staff_view(Capability.REPORT_TRIAGE)
def queue(request):
    return render(request, "reports/staff/queue.html", _queue_context(request))


@require_POST
@staff_view(Capability.REPORT_TRIAGE)
def assign_many(request):
    """Bulk assignment from the queue: 404 if any report is not the organisation's."""
    ids = request.POST.getlist("reports")
    try:
        chosen = list(reports_visible_to(request.user).filter(pk__in=ids))
    except ValidationError:
        raise Http404 from None
    if len(chosen) != len(set(ids)):
        raise Http404
    form = AssignForm(request.POST, members=services.triage_members([request.user.organisation_id]))
    if form.is_valid() and not chosen:
        form.add_error(None, _("Choose at least one report."))
    if form.is_valid():
        try:
            services.assign_many(chosen, actor=request.user, member=form.cleaned_data["member"])
        except services.TransitionError as error:
            form.add_error("member", str(error))
    if form.is_valid():
        messages.success(
            request,
            ngettext("%(n)d report was assigned.", "%(n)d reports were assigned.", len(chosen))
            % {"n": len(chosen)},
        )
        return redirect(f"{reverse('reports_staff:queue')}?{request.GET.urlencode()}")
    return render(request, "reports/staff/queue.html", _queue_context(request, form), status=422)


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
