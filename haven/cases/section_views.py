"""The parts of a case page that a case worker adds to: people, events, services, consent,
notes, tasks and attachments. Writes are for the owner organisation only."""

from copy import copy

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.access import staff_view
from haven.audit.services import record_event
from haven.cases import handover, referrals, services
from haven.cases.access import access_case, access_to_work, work_of
from haven.cases.forms import (
    AttachmentForm,
    ConsentForm,
    EventForm,
    NoteForm,
    OutcomeForm,
    ParticipantForm,
    PersonForm,
    ServiceForm,
    TaskForm,
)
from haven.cases.models import ConsentItem, Participant, Person


def _form_page(request, case, title, *forms, enctype=False):
    return render(
        request,
        "cases/form.html",
        {"forms": forms, "case": case, "title": title, "multipart": enctype},
    )


def _done(request, case, text):
    messages.success(request, text)
    return redirect("cases:detail", case.pk)


def _writable(request, case_id):
    return access_case(request.user, case_id, write=True, audit=request.method == "GET").case


def _workable(request, case_id):
    """The owner's staff, or a receiver's after accepting: each adds its own work."""
    return access_to_work(request.user, case_id, audit=request.method == "GET")


@staff_view()
def add_person(request, case_id):
    case = _writable(request, case_id)
    person_form = PersonForm(request.POST or None, prefix="person")
    details_form = ParticipantForm(request.POST or None, prefix="details")
    if request.method == "POST" and person_form.is_valid() and details_form.is_valid():
        participant = services.add_participant(
            case,
            actor=request.user,
            role=details_form.cleaned_data["role"],
            person=person_form.values(),
            details=details_form.values(),
        )
        return _done(
            request, case, _("%(person)s added.") % {"person": participant.person.pseudonym}
        )
    return _form_page(request, case, _("Add a person"), person_form, details_form)


@staff_view()
def edit_person(request, case_id, participant_id):
    case = _writable(request, case_id)
    participant = get_object_or_404(
        Participant.objects.select_related("person"), case=case, pk=participant_id
    )
    person_form = PersonForm(
        request.POST or None, prefix="person", instance=copy(participant.person)
    )
    details_form = ParticipantForm(
        request.POST or None, prefix="details", instance=copy(participant)
    )
    details_form.fields["role"].disabled = True
    if request.method == "POST" and person_form.is_valid() and details_form.is_valid():
        services.update_participant(
            participant,
            actor=request.user,
            person=person_form.values(),
            details=details_form.values(),
        )
        return _done(request, case, _("Saved."))
    title = _("Edit %(person)s") % {"person": participant.person.pseudonym}
    return _form_page(request, case, title, person_form, details_form)


@staff_view()
def add_event(request, case_id):
    case = _writable(request, case_id)
    form = EventForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        services.add_event(case, actor=request.user, values=form.cleaned_data)
        return _done(request, case, _("Event added."))
    return _form_page(request, case, _("Add a trafficking event"), form)


@staff_view()
def add_service(request, case_id):
    access = _workable(request, case_id)
    case = access.case
    form = ServiceForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        services.add_service(
            case,
            actor=request.user,
            values=form.cleaned_data,
            organisation_id=access.organisation_id,
        )
        return _done(request, case, _("Support added to the plan."))
    return _form_page(request, case, _("Add support"), form)


@staff_view()
def service_outcome(request, case_id, service_id):
    access = _workable(request, case_id)
    case = access.case
    ours = case.services.filter(provided_elsewhere="")  # another deployment's: read-only here
    service = get_object_or_404(work_of(ours, access), pk=service_id)
    form = OutcomeForm(request.POST or None, instance=copy(service))
    if request.method == "POST" and form.is_valid():
        services.update_service(service, actor=request.user, values=form.cleaned_data)
        return _done(request, case, _("Saved."))
    return _form_page(
        request, case, _("Outcome of %(type)s") % {"type": service.get_type_display()}, form
    )


@staff_view()
def record_consent(request, case_id):
    case = _writable(request, case_id)
    form = ConsentForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        person = get_object_or_404(
            Person, pk=form.cleaned_data["person"], participations__case=case
        )
        referrals.record_consent(
            case,
            person,
            actor=request.user,
            answers=form.answers(),
            information_version=form.cleaned_data["information_version"],
        )
        return _done(request, case, _("Consent recorded."))
    if not form.fields["person"].choices:
        messages.error(request, _("Add the person to the case before recording their consent."))
        return redirect("cases:detail", case.pk)
    return _form_page(request, case, _("Record consent"), form)


@require_POST
@staff_view()
def withdraw_consent(request, case_id, person_id):
    case = _writable(request, case_id)
    person = get_object_or_404(Person, pk=person_id, participations__case=case)
    item = request.POST.get("item", "")
    if item not in ConsentItem.values:
        raise Http404
    try:
        referrals.withdraw_consent(case, person, actor=request.user, item=item)
    except services.CaseError as error:
        messages.error(request, str(error))
        return redirect("cases:detail", case.pk)
    return _done(request, case, _("Consent withdrawn. Referrals that relied on it were narrowed."))


@require_POST
@staff_view()
def add_note(request, case_id):
    access = _workable(request, case_id)
    case = access.case
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(
            case,
            actor=request.user,
            body=form.cleaned_data["body"],
            organisation_id=access.organisation_id,
            shared_with_owner=form.cleaned_data["shared_with_owner"],
        )
        return _done(request, case, _("Note added."))
    return _form_page(request, case, _("Add a note"), form)


@staff_view()
def add_task(request, case_id):
    access = _workable(request, case_id)
    case = access.case
    form = TaskForm(request.POST or None, organisation_id=access.organisation_id)
    if request.method == "POST" and form.is_valid():
        services.add_task(
            case, actor=request.user, organisation_id=access.organisation_id, **form.cleaned_data
        )
        return _done(request, case, _("Task added."))
    return _form_page(request, case, _("Add a task"), form)


@require_POST
@staff_view()
def task_done(request, case_id, task_id):
    access = _workable(request, case_id)
    case = access.case
    task = get_object_or_404(work_of(case.tasks.all(), access), pk=task_id)
    try:
        services.complete_task(task, actor=request.user)
    except services.CaseError as error:
        messages.error(request, str(error))
        return redirect("cases:detail", case.pk)
    return _done(request, case, _("Task done."))


@staff_view()
def add_attachment(request, case_id):
    case = _writable(request, case_id)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.add_attachment(case, actor=request.user, file=form.cleaned_data["file"])
        return _done(request, case, _("File added."))
    return _form_page(request, case, _("Add a file"), form, enctype=True)


@staff_view()
def attachment(request, case_id, attachment_id):
    access = access_case(request.user, case_id, audit=False)
    if not access.owner:
        raise Http404
    item = get_object_or_404(handover.visible_attachments(access.case), pk=attachment_id)
    record_event(
        "case.attachment_viewed",
        actor=request.user,
        obj=access.case,
        summary={"attachment": str(item.pk)},
    )
    response = HttpResponse(item.data, content_type=item.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{access.case.reference}-{str(item.pk)[:8]}.{item.extension}"'
    )
    return response
