"""Case worker pages: lists, a new case, the case page, and the case's own fields.

People, events, services, consent, notes, tasks and attachments are in `section_views`;
referrals in `referral_views`. Every page asks `haven.cases.access` what the user may see.
"""

from copy import copy

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from haven.accounts.access import staff_view
from haven.accounts.roles import Capability
from haven.audit.models import Event
from haven.cases import handover, htcds, selectors, services
from haven.cases.access import access_case, notes_for, tasks_for
from haven.cases.forms import CaseForm, CloseForm, NewCaseForm
from haven.cases.models import LIVE_STATES, Risk, Section
from haven.cases.presenters import present_case, referral_request
from haven.cases.referrals import shareable_sections
from haven.lib.pagination import CappedPaginator
from haven.reports.access import access_report

PAGE_SIZE = 25
SCOPE_LABELS = (
    ("organisation", gettext_lazy("My organisation's cases")),
    ("mine", gettext_lazy("My cases")),
    ("referred", gettext_lazy("Referred to us")),
)


@staff_view(Capability.CASE_READ)
def case_list(request):
    cases = selectors.ordered_for_list(selectors.filter_cases(request.GET, request.user))
    page = CappedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    kinds = dict(htcds.ExploitationType.choices)
    for case in page:
        case.kinds = [kinds.get(code, code) for code in case.exploitation_types]
    context = {
        "page": page,
        "query": query.urlencode(),
        "params": request.GET,
        "statuses": htcds.CaseStatus.choices,
        "kinds": htcds.ExploitationType.choices,
        "risks": Risk.choices,
        "scopes": SCOPE_LABELS,
    }
    return render(request, "cases/list.html", context)


@staff_view(Capability.CASE_READ)
def task_list(request):
    """Open tasks of the organisation (on its cases and those it accepted), overdue first;
    mine only with ?scope=mine."""
    today = timezone.localdate()
    tasks = tasks_for(request.user.organisation_id).filter(done_at__isnull=True)
    if request.GET.get("scope") == "mine":
        tasks = tasks.filter(assigned_to=request.user)
    if request.GET.get("when", "overdue") == "overdue":
        tasks = tasks.filter(due__lt=today)
    tasks = tasks.select_related("case", "assigned_to").order_by("due")
    page = CappedPaginator(tasks, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/tasks.html",
        {"page": page, "today": today, "params": request.GET},
    )


@staff_view(Capability.CASE_WRITE)
def new_case(request):
    form = NewCaseForm(
        request.POST or None,
        organisation_id=request.user.organisation_id,
        initial={"case_worker": request.user, "country": request.user.organisation.country},
    )
    if request.method == "POST" and form.is_valid():
        case = services.open_case(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Case %(reference)s opened.") % {"reference": case.reference})
        return redirect("cases:detail", case.pk)
    return render(request, "cases/form.html", {"form": form, "title": _("New case")})


@require_POST
@staff_view(Capability.CASE_WRITE)
def from_report(request, report_id):
    report = access_report(request.user, report_id)
    try:
        case = services.open_case_from_report(report, actor=request.user)
    except services.CaseError as error:
        messages.error(request, str(error))
        return redirect("reports_staff:detail", report.pk)
    messages.success(request, _("Case %(reference)s opened.") % {"reference": case.reference})
    return redirect("cases:detail", case.pk)


def _owner_panels(case, view) -> dict:
    """What only the owner organisation sees on the page: notes, files, history, who looked."""
    today = timezone.localdate()
    hidden = handover.cutoffs(case)  # what the former owner kept back at a hand-over
    viewed = handover.visible_events(
        Event.objects.filter(
            object_type="cases.case", object_id=str(case.pk), action="case.viewed"
        ),
        hidden,
    )
    shareable = shareable_sections(case)  # once: it reads the people and their consent
    open_tasks = [task for task in view.tasks if task.done_at is None]
    return {
        "notes": notes_for(handover.visible_notes(case, hidden), view.access).select_related(
            "author", "organisation"
        )[:50],
        "attachments": handover.visible_attachments(case, hidden).defer("data"),
        "shareable_labels": [label for name, label in Section.choices if name in shareable],
        "history": handover.visible_changes(case, hidden).select_related("actor")[:100],
        "handovers": case.handovers.select_related("from_organisation", "to_organisation"),
        "access_log": viewed[:50],
        "views": viewed.aggregate(n=Count("pk"), people=Count("actor_id", distinct=True)),
        "open_tasks": len(open_tasks),
        "overdue": sum(1 for task in open_tasks if task.due < today),
        "live_referrals": sum(1 for referral in view.referrals if referral.state in LIVE_STATES),
    }


@staff_view()
def detail(request, case_id):
    access = access_case(request.user, case_id)
    view = present_case(access)
    context = {
        "case": access.case,
        "access": access,
        "view": view,
        "live_states": LIVE_STATES,
        "today": timezone.localdate(),
    }
    if access.pending:  # the request only: no name, no contact
        return render(request, "cases/referral_request.html", referral_request(access))
    if access.owner:
        context.update(_owner_panels(access.case, view))
    else:  # a receiver that accepted: its own notes
        notes = notes_for(access.case.notes.all(), access)
        context["notes"] = notes.select_related("author", "organisation")[:50]
    return render(request, "cases/detail.html", context)


@staff_view()
def edit(request, case_id):
    access = access_case(request.user, case_id, write=True, audit=request.method == "GET")
    case = access.case
    # The form works on a copy: validation writes into its instance, and the service compares.
    form = CaseForm(request.POST or None, instance=copy(case), organisation_id=case.organisation_id)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_case(case, actor=request.user, values=form.cleaned_data)
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            if changed:
                messages.success(request, _("Saved."))
            return redirect("cases:detail", case.pk)
    return render(
        request, "cases/form.html", {"form": form, "case": case, "title": _("Edit the case")}
    )


@staff_view()
def close(request, case_id):
    access = access_case(request.user, case_id, write=True, audit=request.method == "GET")
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_case(
                access.case,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                referred=form.cleaned_data["referred"],
            )
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The case is closed."))
            return redirect("cases:detail", access.case.pk)
    return render(
        request,
        "cases/form.html",
        {"form": form, "case": access.case, "title": _("Close the case")},
    )


@require_POST
@staff_view()
def reopen(request, case_id):
    access = access_case(request.user, case_id, write=True, audit=False)
    try:
        services.reopen_case(access.case, actor=request.user)
    except services.CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The case is open again."))
    return redirect("cases:detail", access.case.pk)
