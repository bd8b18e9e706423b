"""Consultations: who may see, create, move on and moderate them, and who may contribute."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.access import has_capability
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.participation.models import Consultation, Contribution, Kind, Moderation, Phase
from haven.participation.services import valid_id

MAX_COMMENT = 3000
NEXT_PHASE = {Phase.DRAFT: Phase.OPEN, Phase.OPEN: Phase.CLOSED}


class Refused(Exception):
    """A contribution or change refused, with the field and the reason in plain words."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def is_manager(user) -> bool:
    return user is not None and has_capability(user, Capability.CONSULT_MANAGE)


def consultations_visible_to(user):
    """Drafts for the managers only; open and closed ones for everyone."""
    if is_manager(user):
        return Consultation.objects.all()
    return Consultation.objects.exclude(status=Phase.DRAFT)


def access_consultation(user, consultation_id) -> Consultation:
    if not valid_id(consultation_id):
        raise Http404
    try:
        return consultations_visible_to(user).get(pk=consultation_id)
    except (Consultation.DoesNotExist, ValueError):
        raise Http404 from None


def accepts_comments(consultation: Consultation) -> bool:
    today = timezone.localdate()
    return consultation.status == Phase.OPEN and consultation.opens <= today <= consultation.closes


def check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Refused("body", _("Write your comment before sending it."))
    if len(body) > MAX_COMMENT:
        raise Refused(
            "body",
            _("A comment can have at most %(max)s characters; yours has %(count)s.")
            % {"max": MAX_COMMENT, "count": len(body)},
        )
    return body


def check_open(consultation: Consultation) -> None:
    if not accepts_comments(consultation):
        raise Refused(
            "consultation",
            _("This consultation is closed: it no longer takes comments. You can read what "
              "people said and, once published, what changed."),
        )  # fmt: skip


def comment(consultation: Consultation, body: str) -> Contribution:
    """A comment from the public: nothing about the sender is kept; it waits for moderation."""
    check_open(consultation)
    return Contribution.objects.create(
        consultation=consultation, kind=Kind.COMMENT, body=check_body(body)
    )


def submit(user, consultation: Consultation, body: str) -> Contribution:
    """A signed-in organisation's submission, shown with its name once moderated."""
    if user.organisation_id is None:
        raise PermissionDenied
    check_open(consultation)
    with transaction.atomic():
        contribution = Contribution.objects.create(
            consultation=consultation,
            kind=Kind.SUBMISSION,
            body=check_body(body),
            organisation=user.organisation,
            author=user,
        )
        record_event("consultation.submission", actor=user, obj=contribution)
    return contribution


def create(user, **fields) -> Consultation:
    if not is_manager(user):
        raise PermissionDenied
    if fields["closes"] < fields["opens"]:
        raise Refused("closes", _("must be on or after the opening date"))
    with transaction.atomic():
        consultation = Consultation.objects.create(
            **fields, organisation=user.organisation, created_by=user
        )
        record_event("consultation.created", actor=user, obj=consultation)
    return consultation


def move_on(user, consultation: Consultation, status: str, response: str = "") -> Consultation:
    """Draft to open, open to closed; the closing summary once closed."""
    if not is_manager(user):
        raise PermissionDenied
    if status != consultation.status:
        if NEXT_PHASE.get(consultation.status) != status:
            raise Refused("status", _("cannot go from %(old)s to %(new)s")
                          % {"old": consultation.status, "new": status})  # fmt: skip
        consultation.status = status
    if response:
        if consultation.status != Phase.CLOSED:
            raise Refused("response", _("the summary is published once the consultation closes"))
        consultation.response = response.strip()
    with transaction.atomic():
        consultation.save(update_fields=["status", "response"])
        record_event(
            "consultation.changed",
            actor=user,
            obj=consultation,
            summary={"status": consultation.status, "response": bool(consultation.response)},
        )
    return consultation


def moderate(user, contribution: Contribution, decision: str, reason: str) -> Contribution:
    if not is_manager(user):
        raise PermissionDenied
    if decision not in ("publish", "reject"):
        raise Refused("decision", _("must be one of: %s") % "publish, reject")
    if decision == "reject" and not (reason or "").strip():
        raise Refused("reason", _("is required"))
    if contribution.moderation != Moderation.PENDING:
        raise Refused("decision", _("this contribution has already been moderated"))
    contribution.moderation = Moderation.PUBLISHED if decision == "publish" else Moderation.REJECTED
    contribution.reason = (reason or "").strip()
    contribution.moderated_by = user
    with transaction.atomic():
        contribution.save(update_fields=["moderation", "reason", "moderated_by"])
        record_event(
            "consultation.moderated", actor=user, obj=contribution, summary={"decision": decision}
        )
    return contribution
