"""Consultations: who may see, create, move on and moderate them, and who may contribute."""

import difflib
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from haven.accounts.access import has_capability
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.notifications.models import Kind as NoticeKind
from haven.notifications.services import notify
from haven.participation.models import (
    Answer,
    Consultation,
    Contribution,
    Kind,
    Moderation,
    Phase,
)
from haven.participation.services import valid_id

MAX_COMMENT = 3000
MAX_SECTIONS = 100
NEXT_PHASE = {Phase.DRAFT: Phase.OPEN, Phase.OPEN: Phase.CLOSED, Phase.CLOSED: Phase.PUBLISHED}
KINDS = (Kind.COMMENT, Kind.AMENDMENT, Kind.SUPPORT)
DECISIONS = {"accept": Moderation.PUBLISHED, "publish": Moderation.PUBLISHED,
             "reject": Moderation.REJECTED}  # fmt: skip


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


def is_organiser(user, consultation: Consultation) -> bool:
    return is_manager(user) and user.organisation_id == consultation.organisation_id


def accepts_comments(consultation: Consultation) -> bool:
    today = timezone.localdate()
    return consultation.status == Phase.OPEN and consultation.opens <= today <= consultation.closes


def check_body(body: str, required: bool = True) -> str:
    body = (body or "").strip()
    if not body and required:
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


def check_section(consultation: Consultation, section) -> int | None:
    if section in (None, ""):
        return None
    count = len(consultation.numbered_sections)
    try:
        number = int(section)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= count:
        raise Refused("section", _("must be a section number from 1 to %s") % count)
    return number


def _proposal(consultation: Consultation, proposal_id) -> Contribution:
    found = None
    if valid_id(proposal_id):
        found = consultation.contributions.filter(
            pk=proposal_id, kind=Kind.AMENDMENT, moderation=Moderation.PUBLISHED
        ).first()
    if found is None:
        raise Refused("proposal", _("choose a published amendment of this consultation"))
    return found


def comment(consultation: Consultation, body: str, section=None) -> Contribution:
    """A comment from the public: nothing about the sender is kept; it waits for moderation."""
    check_open(consultation)
    if not consultation.public:
        raise Refused("consultation", _("This consultation takes comments from members only."))
    return Contribution.objects.create(
        consultation=consultation,
        kind=Kind.COMMENT,
        section=check_section(consultation, section),
        body=check_body(body),
    )


def contribute(user, consultation, kind: str, body: str, section=None, proposal=None):
    """A member's comment, amendment or support: shown at once with the organisation's name."""
    if user.organisation_id is None:
        raise PermissionDenied
    check_open(consultation)
    if kind not in KINDS:
        raise Refused("kind", _("must be one of: %s") % ", ".join(KINDS))
    target = None
    if kind == Kind.SUPPORT:
        target = _proposal(consultation, proposal)
        if target.author_id == user.pk or target.supports.filter(author=user).exists():
            raise Refused("proposal", _("you cannot support your own proposal, or one twice"))
        number = target.section
    else:
        number = check_section(consultation, section)
    if kind == Kind.AMENDMENT and number is None:
        raise Refused("section", _("an amendment replaces the text of one section: choose it"))
    with transaction.atomic():
        contribution = Contribution.objects.create(
            consultation=consultation,
            kind=kind,
            section=number,
            proposal=target,
            body=check_body(body, required=kind != Kind.SUPPORT),
            organisation=user.organisation,
            author=user,
            moderation=Moderation.PUBLISHED,
        )
        record_event("consultation.contributed", actor=user, obj=contribution,
                     summary={"kind": kind, "section": number})  # fmt: skip
    return contribution


def check_sections(sections) -> list[dict]:
    if not sections:
        raise Refused("sections", _("add at least one section"))
    if len(sections) > MAX_SECTIONS:
        raise Refused("sections", _("at most %s sections") % MAX_SECTIONS)
    cleaned = []
    for number, section in enumerate(sections, start=1):
        title, body = (section.get("title") or "").strip(), (section.get("body") or "").strip()
        if not title or len(title) > 200 or not body or len(body) > 20_000:
            raise Refused(
                "sections",
                _("section %s needs a title (at most 200 characters) and a text "
                  "(at most 20,000 characters)") % number,
            )  # fmt: skip
        cleaned.append({"title": title, "body": body})
    return cleaned


def check_languages(languages) -> list[str]:
    known = {code for code, _name in settings.LANGUAGES}
    unknown = [code for code in languages or [] if code not in known]
    if unknown:
        raise Refused("languages", _("unknown language: %s") % ", ".join(map(str, unknown)))
    return list(languages or [])


def create(user, **fields) -> Consultation:
    if not is_manager(user):
        raise PermissionDenied
    if fields["closes"] < fields["opens"]:
        raise Refused("closes", _("must be on or after the opening date"))
    for name, most in (("title", 200), ("summary", 2000)):
        fields[name] = (fields.get(name) or "").strip()
        if not fields[name] or len(fields[name]) > most:
            raise Refused(name, _("is required, at most %s characters") % most)
    if "sections" in fields:
        fields["sections"] = check_sections(fields["sections"])
    if "languages" in fields:
        fields["languages"] = check_languages(fields["languages"])
    with transaction.atomic():
        consultation = Consultation.objects.create(
            **fields, organisation=user.organisation, created_by=user
        )
        record_event("consultation.created", actor=user, obj=consultation)
    return consultation


def proposals(consultation: Consultation):
    return consultation.contributions.filter(
        kind=Kind.AMENDMENT, moderation=Moderation.PUBLISHED
    ).select_related("organisation")


def check_answered(consultation: Consultation) -> None:
    waiting = [f"#{p.pk} (section {p.section})" for p in proposals(consultation) if not p.answer]
    if waiting:
        raise Refused(
            "phase",
            _("answer every proposal before publishing the response; unanswered: %s")
            % ", ".join(waiting),
        )


def move_on(user, consultation: Consultation, phase: str, response: str = "") -> Consultation:
    """One phase forward (draft, open, closed, response published); the organiser only."""
    if not is_organiser(user, consultation):
        raise PermissionDenied
    if phase != consultation.status:
        if NEXT_PHASE.get(consultation.status) != phase:
            raise Refused("phase", _("cannot go from %(old)s to %(new)s")
                          % {"old": consultation.status, "new": phase})  # fmt: skip
        if phase == Phase.PUBLISHED:
            check_answered(consultation)
        consultation.status = phase
    if response:
        if consultation.status not in (Phase.CLOSED, Phase.PUBLISHED):
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
    if decision not in DECISIONS:
        raise Refused("decision", _("must be one of: %s") % "accept, reject")
    if decision == "reject" and not (reason or "").strip():
        raise Refused("reason", _("is required"))
    if contribution.moderation != Moderation.PENDING:
        raise Refused("decision", _("this contribution has already been moderated"))
    contribution.moderation = DECISIONS[decision]
    contribution.reason = (reason or "").strip()
    contribution.moderated_by = user
    with transaction.atomic():
        contribution.save(update_fields=["moderation", "reason", "moderated_by"])
        record_event(
            "consultation.moderated", actor=user, obj=contribution, summary={"decision": decision}
        )
    return contribution


def answer(user, contribution: Contribution, decision: str, reason: str) -> Contribution:
    """The organiser's answer to a proposal, once closed; its author is told."""
    consultation = contribution.consultation
    if not is_organiser(user, consultation):
        raise PermissionDenied
    if contribution.kind != Kind.AMENDMENT or contribution.moderation != Moderation.PUBLISHED:
        raise Refused("contribution", _("only proposed amendments are answered"))
    if consultation.status != Phase.CLOSED:
        raise Refused("decision", _("proposals are answered after closing, before publishing"))
    if decision not in Answer.values:
        raise Refused("decision", _("must be one of: %s") % ", ".join(Answer.values))
    if not (reason or "").strip():
        raise Refused("reason", _("is required"))
    contribution.answer, contribution.answer_reason = decision, reason.strip()
    contribution.answered_by = user
    with transaction.atomic():
        contribution.save(update_fields=["answer", "answer_reason", "answered_by"])
        record_event("consultation.answered", actor=user, obj=contribution,
                     summary={"decision": decision})  # fmt: skip
        if contribution.author_id and contribution.author_id != user.pk:
            link = reverse("participation_staff:consultation", args=[consultation.pk])
            notify(contribution.author, NoticeKind.PROPOSAL_ANSWERED, link, obj=contribution)
    return contribution


def diff_html(old: str, new: str) -> str:
    """The replacement against the section, word by word: <del> removed, <ins> added, escaped."""
    before, after = re.split(r"(\s+)", old or ""), re.split(r"(\s+)", new or "")
    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(''.join(before[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(''.join(after[b1:b2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above
