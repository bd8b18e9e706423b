"""Cases through the JSON API: the same scope, roles, rules and audit as the pages.

Input is validated by the same forms the pages use, so a rule holds in both places; an error
names the field (`person.birthdate`, `details.exploitation_types`) and the rule it broke.
Codes are HTCDS system names. Sections a referral does not share are simply absent.
"""

from datetime import date
from typing import Any
from uuid import UUID

from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, Router, Status
from ninja.errors import ValidationError

from haven.accounts.access import require_capability
from haven.accounts.models import Organisation
from haven.accounts.roles import Capability
from haven.cases import htcds, referrals, selectors, services
from haven.cases.access import access_case, access_referral
from haven.cases.forms import (
    CaseForm,
    EventForm,
    NewCaseForm,
    ParticipantForm,
    PersonForm,
    ServiceForm,
    case_workers,
)
from haven.cases.models import (
    VISIBLE_STATES,
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
    service_data,
)
from haven.cases.services import CaseError

router = Router(tags=["cases"])


def _invalid(errors: list[tuple[str, str]]):
    raise ValidationError(
        [{"loc": ("body", "payload", field), "msg": msg} for field, msg in errors]
    )


def _validated(
    form_class, payload: dict, *, prefix: str = "", instance=None, errors=None, **kwargs
) -> Any:
    """Run a page's form on JSON: fields not sent keep their current values (PATCH).

    Errors are raised as 422, or added to `errors` when the caller checks several parts.
    """
    collect = errors
    if not isinstance(payload, dict):
        _invalid([(prefix or "body", _("must be a JSON object"))])
    data = {}
    if instance is not None:
        data = {
            key: value
            for key, value in model_to_dict(instance).items()
            if value is not None and key in form_class.base_fields
        }
        if "birthdate" in data and not data["birthdate"]:
            data.pop("birthdate")
    unknown = sorted(set(payload) - set(form_class.base_fields) - {"role"})
    errors = [(f"{prefix}{name}", _("unknown field")) for name in unknown]
    data.update({key: value for key, value in payload.items() if value is not None})
    form = form_class(data=data, **kwargs)
    if not form.is_valid():
        errors += [
            (f"{prefix}{name}" if name != "__all__" else prefix.rstrip(".") or "body", str(msg))
            for name, messages in form.errors.items()
            for msg in messages
        ]
    if collect is not None:
        collect += errors
    elif errors:
        _invalid(errors)
    return form


def _service(call):
    try:
        return call()
    except CaseError as error:
        _invalid([("body", str(error))])


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
def case_create(request, payload: dict = Body(...)):
    require_capability(request.auth, Capability.CASE_WRITE)
    user = request.auth
    values = {
        "source": "walk_in",
        "risk": "medium",
        "opened": timezone.localdate().isoformat(),
        **payload,
    }
    if values.get("case_worker"):
        worker = case_workers(user.organisation_id).filter(username=values["case_worker"]).first()
        values["case_worker"] = worker.pk if worker else values["case_worker"]
    form = _validated(NewCaseForm, values, organisation_id=user.organisation_id)
    case = services.open_case(actor=user, **form.cleaned_data)
    return Status(201, _case_json(access_case(user, case.pk, audit=False)))


@router.get("/cases/{case_id}", summary="One case, as far as you may see it (audited)")
def case_detail(request, case_id: str):
    return _case_json(access_case(request.auth, case_id))


@router.patch("/cases/{case_id}", summary="Change a case's own fields")
def case_update(request, case_id: str, payload: dict = Body(...)):
    access = access_case(request.auth, case_id, write=True, audit=False)
    case = access.case
    form = _validated(CaseForm, payload, instance=case, organisation_id=case.organisation_id)
    _service(
        lambda: services.update_case(
            case,
            actor=request.auth,
            values={k: form.cleaned_data[k] for k in payload if k in form.cleaned_data},
        )
    )
    return _case_json(access)


@router.get("/cases/{case_id}/people", summary="People in a case")
def people_list(request, case_id: str):
    return _case_json(access_case(request.auth, case_id))["people"]


@router.post("/cases/{case_id}/people", response={201: dict}, summary="Add a person")
def people_add(request, case_id: str, payload: dict = Body(...)):
    access = access_case(request.auth, case_id, write=True, audit=False)
    errors = []
    person = _validated(PersonForm, payload.get("person") or {}, prefix="person.", errors=errors)
    details = _validated(
        ParticipantForm,
        {"role": payload.get("role"), **(payload.get("details") or {})},
        prefix="details.",
        errors=errors,
    )
    if errors:
        _invalid(errors)
    participant = services.add_participant(
        access.case,
        actor=request.auth,
        role=details.cleaned_data["role"],
        person=person.values(),
        details=details.values(),
    )
    return Status(201, person_data(present_person(participant, access, {})))


@router.patch("/cases/{case_id}/people/{participant_id}", summary="Change a person in a case")
def people_update(request, case_id: str, participant_id: UUID, payload: dict = Body(...)):
    access = access_case(request.auth, case_id, write=True, audit=False)
    participant = get_object_or_404(
        Participant.objects.select_related("person"), case=access.case, pk=participant_id
    )
    errors = []
    person = _validated(
        PersonForm,
        payload.get("person") or {},
        prefix="person.",
        instance=participant.person,
        errors=errors,
    )
    details = _validated(
        ParticipantForm,
        {**(payload.get("details") or {}), "role": participant.role},
        prefix="details.",
        instance=participant,
        errors=errors,
    )
    if errors:
        _invalid(errors)
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
def events_add(request, case_id: str, payload: dict = Body(...)):
    access = access_case(request.auth, case_id, write=True, audit=False)
    form = _validated(EventForm, payload, case=access.case)
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
def services_add(request, case_id: str, payload: dict = Body(...)):
    access = access_case(request.auth, case_id, write=True, audit=False)
    if payload.get("provider"):
        provider = Organisation.objects.filter(name=payload["provider"]).first()
        payload = {**payload, "provider": provider.pk if provider else payload["provider"]}
    form = _validated(ServiceForm, payload, case=access.case)
    return Status(
        201,
        service_data(
            services.add_service(access.case, actor=request.auth, values=form.cleaned_data)
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


@router.post("/cases/{case_id}/consent", response={201: dict}, summary="Record consent answers")
def consent_add(request, case_id: str, payload: dict = Body(...)):
    access = access_case(request.auth, case_id, write=True, audit=False)
    answers = payload.get("answers")
    errors = []
    if not isinstance(answers, dict) or not answers:
        errors.append(("answers", _("give at least one item: {item: true|false}")))
    else:
        errors += [
            (f"answers.{item}", _("unknown item; one of: %s") % ", ".join(ConsentItem.values))
            for item in answers
            if item not in ConsentItem.values
        ]
        errors += [
            (f"answers.{item}", _("must be true or false"))
            for item, given in answers.items()
            if not isinstance(given, bool)
        ]
    person = Person.objects.filter(
        pk=payload.get("person_id") if _is_uuid(payload.get("person_id")) else None,
        participations__case=access.case,
    ).first()
    if person is None:
        errors.append(("person_id", _("not a person in this case")))
    if errors:
        _invalid(errors)
    rows = referrals.record_consent(
        access.case,
        person,
        actor=request.auth,
        answers=answers,
        information_version=str(payload.get("information_version", ""))[:40],
    )
    return Status(
        201, {"recorded": len(rows), "shareable": sorted(referrals.shareable_sections(access.case))}
    )


def _is_uuid(value) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


@router.get("/cases/{case_id}/notes", summary="Notes (the owner organisation only)")
def notes_list(request, case_id: str):
    access = access_case(request.auth, case_id)
    if not access.owner:
        raise Http404
    return [
        {
            "id": str(note.pk),
            "author": note.author.username if note.author else None,
            "body": note.body,
            "created": note.created,
        }
        for note in access.case.notes.select_related("author")
    ]


@router.post("/cases/{case_id}/notes", response={201: dict}, summary="Add a note")
def notes_add(request, case_id: str, payload: dict = Body(...)):
    access = access_case(request.auth, case_id, write=True, audit=False)
    body = payload.get("body")
    if not isinstance(body, str) or not body.strip() or len(body) > 20_000:
        _invalid([("body", _("a text of 1 to 20,000 characters"))])
    note = services.add_note(access.case, actor=request.auth, body=body)
    return Status(201, {"id": str(note.pk), "body": note.body, "created": note.created})


@router.post("/cases/{case_id}/referrals", response={201: dict}, summary="Refer the case")
def referral_create(request, case_id: str, payload: dict = Body(...)):
    require_capability(request.auth, Capability.CASE_REFER)
    access = access_case(request.auth, case_id, write=True, audit=False)
    errors = []
    to = payload.get("to_organisation")
    organisation = Organisation.objects.filter(pk=to).first() if _is_uuid(to) else None
    if organisation is None:
        errors.append(("to_organisation", _("unknown organisation id")))
    if payload.get("reason") not in htcds.ReferralReason.values:
        errors.append(("reason", _("must be one of: %s") % ", ".join(htcds.ReferralReason.values)))
    sections = payload.get("sections")
    if not isinstance(sections, list) or not sections or not set(sections) <= set(Section.values):
        errors.append(("sections", _("a list of: %s") % ", ".join(Section.values)))
    if errors:
        _invalid(errors)
    referral = _service(
        lambda: referrals.refer(
            access.case,
            actor=request.auth,
            to_organisation=organisation,
            reason=payload["reason"],
            sections=sections,
            details=str(payload.get("details", "")),
        )
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
        if direction == "incoming" and referral.state not in VISIBLE_STATES:
            item["details"] = ""  # declined or revoked: nothing of the case remains visible
        out.append(item)
    return out


def _transition(request, referral_id, function, payload):
    referral = access_referral(request.auth, referral_id)
    note = payload.get("note", "") if isinstance(payload, dict) else ""
    kwargs = {} if function is referrals.revoke else {"note": str(note)}
    _service(lambda: function(referral, actor=request.auth, **kwargs))
    return referral_data(referral)


@router.post("/referrals/{referral_id}/accept", summary="Accept a referral sent to you")
def referral_accept(request, referral_id: str, payload: dict = Body(None)):
    return _transition(request, referral_id, referrals.accept, payload or {})


@router.post("/referrals/{referral_id}/decline", summary="Decline a referral (say why in note)")
def referral_decline(request, referral_id: str, payload: dict = Body(None)):
    return _transition(request, referral_id, referrals.decline, payload or {})


@router.post("/referrals/{referral_id}/complete", summary="Mark an accepted referral completed")
def referral_complete(request, referral_id: str, payload: dict = Body(None)):
    return _transition(request, referral_id, referrals.complete, payload or {})


@router.post("/referrals/{referral_id}/revoke", summary="Revoke a referral you sent")
def referral_revoke(request, referral_id: str, payload: dict = Body(None)):
    return _transition(request, referral_id, referrals.revoke, payload or {})
