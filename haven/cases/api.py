"""Cases through the JSON API: the same scope, roles, rules and audit as the pages.

Input is validated by the same forms the pages use, so a rule holds in both places; an error
names the field (`person.birthdate`, `details.exploitation_types`) and the rule it broke.
Codes are HTCDS system names. Sections a referral does not share are simply absent.
"""

from datetime import date
from uuid import UUID

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, Router, Status
from ninja.errors import ValidationError

from haven.accounts.access import require_capability
from haven.accounts.models import Organisation
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases import handover, referrals, selectors, services
from haven.cases.access import (
    ANSWERED_STATES,
    access_case,
    access_referral,
    access_thread,
    access_to_work,
    notes_for,
)
from haven.cases.forms import (
    CaseForm,
    ConsentVersionForm,
    EventForm,
    MessageForm,
    NewCaseForm,
    NoteForm,
    ParticipantForm,
    PersonForm,
    ReferralForm,
    ResponseForm,
    ServiceForm,
    case_workers,
)
from haven.cases.models import (
    ConsentItem,
    Participant,
    Person,
    Referral,
    Section,
)
from haven.cases.presenters import (
    case_data,
    case_item,
    event_data,
    person_data,
    present_case,
    present_person,
    referral_data,
    referral_request,
    referral_request_data,
    service_data,
)
from haven.cases.schemas import (
    CaseChangeIn,
    CaseIn,
    ConsentIn,
    EventIn,
    MessageIn,
    NoteIn,
    PersonAddIn,
    PersonUpdateIn,
    ReferralIn,
    ResponseIn,
    ServiceIn,
)
from haven.cases.services import CaseError
from haven.lib.schemas import form_data, invalid, validated_form

router = Router(tags=["cases"])


def _service(call):
    try:
        return call()
    except CaseError as error:
        invalid([("body", str(error))])


def _case_json(access) -> dict:
    return case_data(present_case(access))


@router.get("/cases", summary="Cases of your organisation, or referred to it (no personal data)")
def case_list(
    request,
    scope: str = "organisation",
    status: str = "open",
    kind: str = "",
    country: str = "",
    risk: str = "",
    opened_from: date | None = None,
    opened_to: date | None = None,
    q: str = "",
    limit: int = 50,
    offset: int = 0,
):
    require_capability(request.auth, Capability.CASE_READ)
    params = {"scope": scope, "status": status, "kind": kind, "country": country, "risk": risk}
    params.update(opened_from=opened_from.isoformat() if opened_from else "")
    params.update(opened_to=opened_to.isoformat() if opened_to else "", q=q)
    if errors := selectors.filter_errors(params):
        raise ValidationError(errors)
    cases = selectors.ordered_for_list(selectors.filter_cases(params, request.auth))
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    return {
        "items": [case_item(case) for case in cases[offset : offset + limit]],
        "limit": limit,
        "offset": offset,
    }


@router.post("/cases", response={201: dict}, summary="Open a case")
def case_create(request, payload: CaseIn):
    require_capability(request.auth, Capability.CASE_WRITE)
    user = request.auth
    values = {"source": "walk_in", "risk": "medium", "opened": timezone.localdate()}
    values.update(form_data(payload))
    if values.get("case_worker"):
        worker = case_workers(user.organisation_id).filter(username=values["case_worker"]).first()
        values["case_worker"] = worker.pk if worker else values["case_worker"]
    form = validated_form(NewCaseForm, values, organisation_id=user.organisation_id)
    case = services.open_case(actor=user, **form.cleaned_data)
    return Status(201, _case_json(access_case(user, case.pk, audit=False)))


@router.get("/cases/{case_id}", summary="One case, as far as you may see it (audited)")
def case_detail(request, case_id: str):
    access = access_case(request.auth, case_id)
    if access.pending:  # the request only: no name, no contact
        return referral_request_data(referral_request(access))
    return _case_json(access)


@router.patch("/cases/{case_id}", summary="Change a case's own fields")
def case_update(request, case_id: str, payload: CaseChangeIn):
    access = access_case(request.auth, case_id, write=True, audit=False)
    case = access.case
    sent = form_data(payload)
    if sent.get("case_worker"):
        worker = case_workers(case.organisation_id).filter(username=sent["case_worker"]).first()
        sent["case_worker"] = worker.pk if worker else sent["case_worker"]
    form = validated_form(CaseForm, sent, instance=case, organisation_id=case.organisation_id)
    values = {key: form.cleaned_data[key] for key in sent if key in form.cleaned_data}
    _service(lambda: services.update_case(case, actor=request.auth, values=values))
    return _case_json(access)


@router.get("/cases/{case_id}/people", summary="People in a case")
def people_list(request, case_id: str):
    access = access_case(request.auth, case_id)
    if access.pending:
        raise Http404
    return _case_json(access)["people"]


@router.post("/cases/{case_id}/people", response={201: dict}, summary="Add a person")
def people_add(request, case_id: str, payload: PersonAddIn):
    access = access_case(request.auth, case_id, write=True, audit=False)
    errors = []
    person = validated_form(PersonForm, payload.person, prefix="person.", errors=errors)
    details = {"role": payload.role, **(form_data(payload.details) if payload.details else {})}
    details = validated_form(ParticipantForm, details, prefix="details.", errors=errors)
    if errors:
        invalid(errors)
    participant = services.add_participant(
        access.case,
        actor=request.auth,
        role=details.cleaned_data["role"],
        person=person.values(),
        details=details.values(),
    )
    return Status(201, person_data(present_person(participant, access, {})))


@router.patch("/cases/{case_id}/people/{participant_id}", summary="Change a person in a case")
def people_update(request, case_id: str, participant_id: UUID, payload: PersonUpdateIn):
    access = access_case(request.auth, case_id, write=True, audit=False)
    participant = get_object_or_404(
        Participant.objects.select_related("person"), case=access.case, pk=participant_id
    )
    errors = []
    person = validated_form(
        PersonForm, payload.person, prefix="person.", instance=participant.person, errors=errors
    )
    details = {**(form_data(payload.details) if payload.details else {}), "role": participant.role}
    details = validated_form(
        ParticipantForm, details, prefix="details.", instance=participant, errors=errors
    )
    if errors:
        invalid(errors)
    services.update_participant(
        participant, actor=request.auth, person=person.values(), details=details.values()
    )
    participant.refresh_from_db()
    return person_data(present_person(participant, access, {}))


@router.get("/cases/{case_id}/events", summary="Trafficking events")
def events_list(request, case_id: str):
    access = access_case(request.auth, case_id)
    access.require(Section.EXPLOITATION)
    return [event_data(event) for event in access.case.events.all()]


@router.post("/cases/{case_id}/events", response={201: dict}, summary="Add a trafficking event")
def events_add(request, case_id: str, payload: EventIn):
    access = access_case(request.auth, case_id, write=True, audit=False)
    form = validated_form(EventForm, payload, case=access.case)
    return Status(
        201,
        event_data(services.add_event(access.case, actor=request.auth, values=form.cleaned_data)),
    )


@router.get("/cases/{case_id}/services", summary="Support plan and services")
def services_list(request, case_id: str):
    access = access_case(request.auth, case_id)
    access.require(Section.SUPPORT)
    return [service_data(s) for s in access.case.services.select_related("provider")]


@router.post("/cases/{case_id}/services", response={201: dict}, summary="Add support")
def services_add(request, case_id: str, payload: ServiceIn):
    access = access_to_work(request.auth, case_id, audit=False)
    sent = form_data(payload)
    if sent.get("provider"):
        provider = Organisation.objects.filter(name=sent["provider"]).first()
        sent["provider"] = provider.pk if provider else sent["provider"]
    form = validated_form(ServiceForm, sent, case=access.case)
    return Status(
        201,
        service_data(
            services.add_service(
                access.case,
                actor=request.auth,
                values=form.cleaned_data,
                organisation_id=access.organisation_id,
            )
        ),
    )


@router.get("/cases/{case_id}/consent", summary="Consent records, withdrawn ones included")
def consent_list(request, case_id: str):
    access = access_case(request.auth, case_id)
    if not access.owner:
        raise Http404
    return [
        {
            "person_id": str(row.person_id),
            "item": row.item,
            "given": row.given,
            "information_version": row.information_version,
            "recorded_at": row.recorded_at,
            "recorded_by": row.recorded_by.username if row.recorded_by else None,
            "withdrawn_at": row.withdrawn_at,
        }
        for row in access.case.consents.select_related("recorded_by")
    ]


def _consent_errors(payload, person) -> list[tuple[str, str]]:
    answers = form_data(payload.answers) if payload.answers else {}
    errors = [] if answers else [("answers", _("give at least one item: {item: true|false}"))]
    errors += [
        (f"answers.{item}", _("unknown item; one of: %s") % ", ".join(ConsentItem.values))
        for item in answers
        if item not in ConsentItem.values
    ]
    if person is None:
        errors.append(("person_id", _("not a person in this case")))
    return errors


@router.post("/cases/{case_id}/consent", response={201: dict}, summary="Record consent answers")
def consent_add(request, case_id: str, payload: ConsentIn):
    access = access_case(request.auth, case_id, write=True, audit=False)
    person = Person.objects.filter(
        pk=payload.person_id if _is_uuid(payload.person_id) else None,
        participations__case=access.case,
    ).first()
    errors = []
    version = {"information_version": payload.information_version or ""}
    form = validated_form(ConsentVersionForm, version, errors=errors)
    errors += _consent_errors(payload, person)
    if errors:
        invalid(errors)
    rows = referrals.record_consent(
        access.case,
        person,
        actor=request.auth,
        answers=form_data(payload.answers),
        information_version=form.cleaned_data["information_version"],
    )
    shareable = sorted(referrals.shareable_sections(access.case))
    return Status(201, {"recorded": len(rows), "shareable": shareable})


def _is_uuid(value) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


def _note_data(note) -> dict:
    return {
        "id": str(note.pk),
        "author": note.author.username if note.author else None,
        "organisation": note.organisation.name if note.organisation else None,
        "shared_with_owner": note.shared_with_owner,
        "body": note.body,
        "created": note.created,
    }


@router.get(
    "/cases/{case_id}/notes",
    summary="Notes: the owner's and those shared with it; a receiver's own",
)
def notes_list(request, case_id: str):
    access = access_case(request.auth, case_id)
    if not access.owner and not any(r.state in ANSWERED_STATES for r in access.referrals):
        raise Http404
    notes = notes_for(handover.visible_notes(access.case), access)
    return [_note_data(note) for note in notes.select_related("author", "organisation")]


@router.post(
    "/cases/{case_id}/notes",
    response={201: dict},
    summary="Add a note (the owner, or a receiver after accepting)",
)
def notes_add(request, case_id: str, payload: NoteIn):
    access = access_to_work(request.auth, case_id, audit=False)
    form = validated_form(NoteForm, payload)
    note = services.add_note(
        access.case,
        actor=request.auth,
        body=form.cleaned_data["body"],
        organisation_id=access.organisation_id,
        shared_with_owner=form.cleaned_data["shared_with_owner"],
    )
    return Status(201, _note_data(note))


@router.post("/cases/{case_id}/referrals", response={201: dict}, summary="Refer the case")
def referral_create(request, case_id: str, payload: ReferralIn):
    require_capability(request.auth, Capability.CASE_REFER)
    access = access_case(request.auth, case_id, write=True, audit=False)
    sent = form_data(payload)
    if not _is_uuid(sent.get("to_organisation")):
        sent.pop("to_organisation", None)  # the form then says it is required
    form = validated_form(ReferralForm, sent, case=access.case)
    referral = _service(
        lambda: referrals.refer(access.case, actor=request.auth, **form.cleaned_data)
    )
    return Status(201, referral_data(referral))


@router.get("/referrals", summary="Referrals your organisation sent or received")
def referral_list(request, direction: str = "incoming", state: str = ""):
    require_capability(request.auth, Capability.CASE_READ)
    if direction not in ("incoming", "outgoing"):
        raise ValidationError(
            [{"loc": ("query", "direction"), "msg": _("must be incoming or outgoing")}]
        )
    side = "to_organisation" if direction == "incoming" else "from_organisation"
    rows = Referral.objects.filter(**{side: request.auth.organisation_id})
    if state:
        rows = rows.filter(state=state)
    rows = rows.select_related("from_organisation", "to_organisation")[:200]
    out = []
    for referral in rows:
        item = referral_data(referral)
        if direction == "incoming" and referral.state not in ANSWERED_STATES:
            # Pending: the sender's free text may name the person; declined or revoked:
            # nothing of the case remains visible.
            item["details"] = ""
        out.append(item)
    return out


def _transition(request, referral_id, function, payload):
    referral = access_referral(request.auth, referral_id)
    note = validated_form(ResponseForm, payload).cleaned_data["note"]
    kwargs = {} if function is referrals.revoke else {"note": note}
    _service(lambda: function(referral, actor=request.auth, **kwargs))
    return referral_data(referral)


@router.post("/referrals/{referral_id}/accept", summary="Accept a referral sent to you")
def referral_accept(request, referral_id: str, payload: Body[ResponseIn] = None):
    return _transition(request, referral_id, referrals.accept, payload)


@router.post("/referrals/{referral_id}/decline", summary="Decline a referral (say why in note)")
def referral_decline(request, referral_id: str, payload: Body[ResponseIn] = None):
    return _transition(request, referral_id, referrals.decline, payload)


@router.post("/referrals/{referral_id}/complete", summary="Mark an accepted referral completed")
def referral_complete(request, referral_id: str, payload: Body[ResponseIn] = None):
    return _transition(request, referral_id, referrals.complete, payload)


@router.post("/referrals/{referral_id}/revoke", summary="Revoke a referral you sent")
def referral_revoke(request, referral_id: str, payload: Body[ResponseIn] = None):
    return _transition(request, referral_id, referrals.revoke, payload)


def _message_data(message) -> dict:
    return {
        "id": str(message.pk),
        "organisation": message.organisation_name,
        "author": message.author.username if message.author else None,
        "body": message.body,
        "created": message.created,
    }


@router.get("/referrals/{referral_id}/messages", summary="The referral's thread (both sides)")
def referral_messages(request, referral_id: str):
    referral = access_thread(request.auth, referral_id)
    record_event("referral.thread_viewed", actor=request.auth, obj=referral)
    rows = referral.messages.select_related("author", "organisation")
    return [_message_data(row) for row in rows]


@router.post(
    "/referrals/{referral_id}/messages", response={201: dict}, summary="Write in the thread"
)
def referral_message_add(request, referral_id: str, payload: MessageIn):
    referral = access_thread(request.auth, referral_id, write=True)
    form = validated_form(MessageForm, payload)
    message = _service(
        lambda: referrals.post_message(referral, actor=request.auth, body=form.cleaned_data["body"])
    )
    return Status(201, _message_data(message))
