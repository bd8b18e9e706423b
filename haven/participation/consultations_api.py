"""Consultations in the JSON API: anyone reads open and closed ones and their published
contributions; consult.manage creates, moves on and moderates; staff send submissions."""

from datetime import date

from django.http import Http404
from ninja import Router, Schema, Status
from ninja.errors import ValidationError

from haven.accounts.api import TokenAuth
from haven.participation import consultations as rules
from haven.participation.api import READERS
from haven.participation.models import Contribution, Moderation

router = Router(tags=["consultations"])


def _user(request):
    return None if request.auth == "public" else request.auth


def _refused(error: rules.Refused):
    raise ValidationError([{"loc": ("body", "payload", error.field), "msg": error.message}])


def _consultation(c) -> dict:
    return {
        "id": c.pk,
        "title": c.title,
        "summary": c.summary,
        "document": c.document,
        "opens": c.opens,
        "closes": c.closes,
        "status": c.status,
        "accepts_comments": rules.accepts_comments(c),
        "organisation": c.organisation.name,
        "response": c.response,
    }


def _contribution(c) -> dict:
    return {
        "id": c.pk,
        "kind": c.kind,
        "body": c.body,
        "organisation": getattr(c.organisation, "name", None),
        "moderation": c.moderation,
        "reason": c.reason,
        "created": c.created,
    }


@router.get("/consultations", auth=READERS, summary="Consultations (drafts for managers only)")
def consultations(request):
    found = rules.consultations_visible_to(_user(request)).select_related("organisation")
    items = [_consultation(c) for c in found]
    return {"items": items, "count": len(items)}


class ConsultationIn(Schema):
    title: str
    summary: str
    document: str
    opens: date
    closes: date


@router.post(
    "/consultations",
    auth=TokenAuth(),
    response={201: dict},
    summary="Create a consultation (a draft)",
)
def create(request, payload: ConsultationIn):
    try:
        consultation = rules.create(request.auth, **payload.dict())
    except rules.Refused as error:
        _refused(error)
    return Status(201, _consultation(consultation))


@router.get("/consultations/{consultation_id}", auth=READERS, summary="One consultation")
def read(request, consultation_id: int):
    return _consultation(rules.access_consultation(_user(request), consultation_id))


class ChangeIn(Schema):
    status: str
    response: str = ""


@router.patch("/consultations/{consultation_id}", auth=TokenAuth(), summary="Open, close, sum up")
def change(request, consultation_id: int, payload: ChangeIn):
    consultation = rules.access_consultation(request.auth, consultation_id)
    try:
        rules.move_on(request.auth, consultation, payload.status, payload.response)
    except rules.Refused as error:
        _refused(error)
    return _consultation(consultation)


@router.get(
    "/consultations/{consultation_id}/contributions",
    auth=READERS,
    summary="Published contributions; `?status=pending` lists the queue for moderators",
)
def contributions(request, consultation_id: int, status: str = Moderation.PUBLISHED):
    user = _user(request)
    consultation = rules.access_consultation(user, consultation_id)
    if status != Moderation.PUBLISHED and not rules.is_manager(user):
        status = Moderation.PUBLISHED
    found = consultation.contributions.filter(moderation=status).select_related("organisation")
    items = [_contribution(c) for c in found]
    return {"items": items, "count": len(items)}


class BodyIn(Schema):
    body: str


@router.post(
    "/consultations/{consultation_id}/contributions",
    auth=TokenAuth(),
    response={202: dict},
    summary="Send your organisation's submission (published after moderation)",
)
def contribute(request, consultation_id: int, payload: BodyIn):
    consultation = rules.access_consultation(request.auth, consultation_id)
    try:
        contribution = rules.submit(request.auth, consultation, payload.body)
    except rules.Refused as error:
        _refused(error)
    return Status(202, _contribution(contribution))


class ModerationIn(Schema):
    decision: str
    reason: str = ""


@router.post("/contributions/{contribution_id}/moderate", auth=TokenAuth(), summary="Moderate")
def moderate(request, contribution_id: int, payload: ModerationIn):
    contribution = _contribution_for(request.auth, contribution_id)
    try:
        rules.moderate(request.auth, contribution, payload.decision, payload.reason)
    except rules.Refused as error:
        _refused(error)
    return _contribution(contribution)


def _contribution_for(user, contribution_id) -> Contribution:
    if not rules.valid_id(contribution_id):
        raise Http404
    visible = rules.consultations_visible_to(user)
    contribution = Contribution.objects.filter(pk=contribution_id, consultation__in=visible).first()
    if contribution is None or (
        contribution.moderation != Moderation.PUBLISHED and not rules.is_manager(user)
    ):
        raise Http404
    return contribution
