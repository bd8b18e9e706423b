"""Case worker pages: lists, a new case, the case page, and the case's own fields.

People, events, services, consent, notes, tasks and attachments are in `section_views`;
referrals in `referral_views`. Every page asks `haven.cases.access` what the user may see.
"""

from copy import copy
from datetime import date

from django.contrib import messages
from django.db import connection
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import staff_view
from haven.accounts.roles import Capability
from haven.audit.models import Event
from haven.cases import htcds, services
from haven.cases.access import access_case, referred_case_ids
from haven.cases.forms import MULTI_SELECTS, CaseForm, CloseForm, NewCaseForm
from haven.cases.models import LIVE_STATES, ConsentItem, Risk, Section, Task
from haven.cases.referrals import shareable_sections
from haven.cases.sharing import current_answers
from haven.lib.pagination import CappedPaginator
from haven.reports.access import access_report

PAGE_SIZE = 25
LIST_COLUMNS = (
    "id",
    "reference",
    "status",
    "country",
    "risk",
    "opened",
    "created",
    "exploitation_types",
    "organisation__name",
    "case_worker__username",
)


def _date(value: str):
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def filter_cases(params, user):
    """The cases a list shows; unknown filter values are ignored, as a form would refuse them.

    Each scope starts from its own narrow query (never the owner-or-referred union, which the
    planner cannot use an index for). The caller checks `case.read`.
    """
    from haven.cases.models import Case

    scope = params.get("scope", "organisation")
    if scope == "referred":
        cases = Case.objects.filter(pk__in=referred_case_ids(user.organisation_id))
    else:
        cases = Case.objects.filter(organisation=user.organisation_id)
        if scope == "mine":
            cases = cases.filter(case_worker=user)
    status = params.get("status", "open")
    if status == "open":
        cases = cases.filter(status__in=[htcds.CaseStatus.ACTIVE, htcds.CaseStatus.FOLLOW_UP])
    elif status in htcds.CaseStatus.values:
        cases = cases.filter(status=status)
    kind = params.get("kind", "")
    if kind in htcds.ExploitationType.values:
        if connection.vendor == "postgresql":  # JSON containment: the planner estimates it well
            cases = cases.filter(exploitation_types__contains=[kind])
        else:  # SQLite has no JSON containment; a quoted match on the list text
            cases = cases.filter(exploitation_types__icontains=f'"{kind}"')
    country = params.get("country", "").strip().upper()
    if country:
        cases = cases.filter(country=country)
    risk = params.get("risk", "")
    if risk in Risk.values:
        cases = cases.filter(risk=risk)
    opened_from, opened_to = (
        _date(params.get("opened_from", "")),
        _date(params.get("opened_to", "")),
    )
    if opened_from:
        cases = cases.filter(opened__gte=opened_from)
    if opened_to:
        cases = cases.filter(opened__lte=opened_to)
    reference = params.get("q", "").strip().upper()
    if reference:
        reference = reference if reference.startswith("C-") else f"C-{reference}"
        cases = cases.filter(reference=reference)
    return cases


@staff_view(Capability.CASE_READ)
def case_list(request):
    cases = filter_cases(request.GET, request.user)
    cases = cases.select_related("organisation", "case_worker").only(*LIST_COLUMNS)
    cases = cases.order_by("-opened", "-created")
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
        "scopes": [
            ("organisation", _("My organisation's cases")),
            ("mine", _("My cases")),
            ("referred", _("Referred to us")),
        ],
    }
    return render(request, "cases/list.html", context)


@staff_view(Capability.CASE_READ)
def task_list(request):
    """Open tasks of the organisation's cases, overdue first; mine only with ?scope=mine."""
    today = timezone.localdate()
    tasks = Task.objects.filter(
        case__organisation=request.user.organisation_id, done_at__isnull=True
    )
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


IDENTITY_FIELDS = ("salutation", "first_name", "middle_name", "second_name", "birthdate")
IDENTITY_FIELDS += ("gender", "citizenship", "identity_number", "title", "marital_status")
IDENTITY_FIELDS += ("number_of_children", "primary_language", "secondary_language", "education")
IDENTITY_FIELDS += ("deceased",)
CONTACT_FIELDS = ("mobile_phone", "home_phone", "email", "mailing_street", "mailing_city")
CONTACT_FIELDS += ("mailing_state", "mailing_postal_code", "mailing_country")
VICTIM_FIELDS = tuple(
    name
    for name in services.PARTICIPANT_FIELDS
    if name not in ("role", "roles_in_process", "role_details", "perpetrator_organisation")
)
PERPETRATOR_FIELDS = ("roles_in_process", "role_details", "perpetrator_organisation")


def display(obj, name):
    """A field's value as a person reads it: labels for codes, joined lists, no empties."""
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if value in (None, "", [], False):
        return None
    if isinstance(value, list):
        choices = dict(MULTI_SELECTS.get(name, ()))
        return ", ".join(str(choices.get(code, code)) for code in value)
    if field.choices:
        return getattr(obj, f"get_{name}_display")()
    if value is True:
        return _("Yes")
    if hasattr(value, "name"):  # a country
        return value.name
    return value


def facts(obj, names):
    return [
        (obj._meta.get_field(name).verbose_name, value)
        for name in names
        if (value := display(obj, name)) is not None
    ]


def _people(case, access):
    participants = list(case.participants.select_related("person"))
    consents = list(case.consents.all()) if access.owner else []
    answers = current_answers(consents)
    for participant in participants:
        person = participant.person
        participant.consent = [
            (item, label, answers.get((participant.person_id, item)))
            for item, label in ConsentItem.choices
        ]
        participant.identity = facts(person, IDENTITY_FIELDS) if access.can("identity") else []
        participant.contact = facts(person, CONTACT_FIELDS) if access.can("contact") else []
        names = VICTIM_FIELDS if participant.role == "victim" else PERPETRATOR_FIELDS
        if participant.role == "other":
            names = ()
        participant.details = facts(participant, names) if access.can("exploitation") else []
    return participants, consents


def _screenings(case) -> list:
    from haven.screening import questionnaires
    from haven.screening.scoring import Outcome
    from haven.screening.summaries import outcome_label

    language = get_language()
    rows = list(case.screenings.select_related("participant__person"))
    for row in rows:
        try:
            row.title = questionnaires.get(row.questionnaire).title_in(language)
        except questionnaires.UnknownQuestionnaire:
            row.title = row.questionnaire
        row.outcome_label = outcome_label(Outcome(row.outcome), "frontline")
    return rows


@staff_view()
def detail(request, case_id):
    access = access_case(request.user, case_id)
    case = access.case
    participants, _consents = _people(case, access)
    referrals = (
        list(case.referrals.select_related("to_organisation", "from_organisation"))
        if access.owner
        else access.referrals
    )
    sections = dict(Section.choices)
    for referral in referrals:
        referral.section_labels = [sections[name] for name in referral.sections]
    kinds = dict(htcds.ExploitationType.choices)
    context = {
        "case": case,
        "access": access,
        "participants": participants,
        "kinds": [kinds.get(code, code) for code in case.exploitation_types],
        "events": case.events.select_related("participant__person")
        if access.can(Section.EXPLOITATION)
        else [],
        "services": case.services.select_related("provider", "participant__person")
        if access.can(Section.SUPPORT)
        else [],
        "referrals": referrals,
        "screenings": _screenings(case) if access.can(Section.EXPLOITATION) else [],
        "live_states": LIVE_STATES,
        "today": timezone.localdate(),
    }
    if access.owner:
        viewed = Event.objects.filter(
            object_type="cases.case", object_id=str(case.pk), action="case.viewed"
        )
        tasks = list(case.tasks.select_related("assigned_to"))
        shareable = shareable_sections(case)  # once: it reads the people and their consent
        context.update(
            notes=case.notes.select_related("author")[:50],
            tasks=tasks,
            attachments=case.attachments.defer("data"),
            shareable_labels=[label for name, label in Section.choices if name in shareable],
            history=case.changes.select_related("actor")[:100],
            access_log=viewed[:50],
            views=viewed.aggregate(n=Count("pk"), people=Count("actor_id", distinct=True)),
            open_tasks=sum(1 for task in tasks if task.done_at is None),
            overdue=sum(
                1 for task in tasks if task.done_at is None and task.due < context["today"]
            ),
            live_referrals=sum(1 for referral in referrals if referral.state in LIVE_STATES),
        )
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
