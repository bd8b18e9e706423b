"""Consultations in the JSON API: anyone reads open and closed ones and their published
contributions; consult.manage creates, moves on and moderates; staff send submissions."""

from datetime import date

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError

from haven.accounts.api import TokenAuth
from haven.lib.ratelimit import hit
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
        "sections": c.numbered_sections,
        "languages": c.languages,
        "public": c.public,
        "opens": c.opens,
        "closes": c.closes,
        "phase": c.status,
        "accepts_comments": rules.accepts_comments(c),
        "organisation": c.organisation.name,
        "response": c.response,
    }


def _contribution(c) -> dict:
    return {
        "id": c.pk,
        "kind": c.kind,
        "section": c.section,
        "proposal": c.proposal_id,
        "body": c.body,
        "organisation": getattr(c.organisation, "name", None),
        "organisation_type": getattr(c.organisation, "org_type", None),
        "moderation": c.moderation,
        "reason": c.reason,
        "answer": c.answer or None,
        "answer_reason": c.answer_reason,
        "created": c.created,
    }


@router.get("/consultations", auth=READERS, summary="Consultations (drafts for managers only)")
def consultations(request):
    found = rules.consultations_visible_to(_user(request)).select_related("organisation")
    items = [_consultation(c) for c in found]
    return {"items": items, "count": len(items)}


class SectionIn(Schema):
    title: str
    body: str


class ConsultationIn(Schema):
    title: str
    summary: str
    sections: list[SectionIn]
    languages: list[str] = []
    opens: date
    closes: date
    public: bool = True


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
    phase: str
    response: str = ""


@router.patch(
    "/consultations/{consultation_id}",
    auth=TokenAuth(),
    summary="Open, close, publish the response",
)
def change(request, consultation_id: int, payload: ChangeIn):
    consultation = rules.access_consultation(request.auth, consultation_id)
    try:
        rules.move_on(request.auth, consultation, payload.phase, payload.response)
    except rules.Refused as error:
        _refused(error)
    return _consultation(consultation)


class Filters(Schema):
    section: int = Field(0, ge=0, le=rules.MAX_SECTIONS)
    kind: str = ""
    organisation_type: str = ""
    q: str = ""

    def apply(self, found):
        if self.section:
            found = found.filter(section=self.section)
        if self.kind:
            found = found.filter(kind=self.kind)
        if self.organisation_type:
            found = found.filter(organisation__org_type=self.organisation_type)
        if self.q.strip():
            found = found.filter(body__icontains=self.q.strip()[:100])
        return found


@router.get(
    "/consultations/{consultation_id}/contributions",
    auth=READERS,
    summary="Published contributions; `?status=pending` lists the queue for moderators",
)
def contributions(request, consultation_id: int, status: str = "", filters: Query[Filters] = None):
    user = _user(request)
    consultation = rules.access_consultation(user, consultation_id)
    if status != Moderation.PENDING or not rules.is_manager(user):
        status = Moderation.PUBLISHED
    found = consultation.contributions.filter(moderation=status).select_related("organisation")
    found = filters.apply(found)
    items = [_contribution(c) for c in found]
    return {"items": items, "count": len(items)}


class ContributionIn(Schema):
    kind: str = "comment"
    section: int | None = Field(None, ge=0, le=rules.MAX_SECTIONS)
    body: str = ""
    proposal: int | None = None


@router.post(
    "/consultations/{consultation_id}/contributions",
    auth=READERS,
    response={201: dict, 202: dict, 429: dict},
    summary="A member's comment, amendment or support (201); the public's comment (202, moderated)",
)
def contribute(request, consultation_id: int, payload: ContributionIn):
    user = _user(request)
    consultation = rules.access_consultation(user, consultation_id)
    try:
        if user is None:
            return _public_comment(request, consultation, payload)
        contribution = rules.contribute(user, consultation, **payload.dict())
    except rules.Refused as error:
        _refused(error)
    return Status(201, _contribution(contribution))


def _public_comment(request, consultation, payload):
    if payload.kind != "comment":
        raise rules.Refused("kind", _("without an account you can only comment"))
    verdict = hit(request, "consultation-comment", settings.HAVEN_REPORTS_PER_HOUR, 3600)
    if not verdict.allowed:
        return Status(
            429, {"detail": "Too many comments from here", "retry_after": verdict.retry_after}
        )
    contribution = rules.comment(consultation, payload.body, payload.section)
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


class AnswerIn(Schema):
    decision: str
    reason: str = ""


@router.post("/contributions/{contribution_id}/answer", auth=TokenAuth(), summary="Answer")
def answer(request, contribution_id: int, payload: AnswerIn):
    contribution = _contribution_for(request.auth, contribution_id)
    try:
        rules.answer(request.auth, contribution, payload.decision, payload.reason)
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
