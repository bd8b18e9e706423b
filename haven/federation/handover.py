"""Hand-over of a case to another deployment for good: the person moves country (as in SORMAS).

A separate action from referring, confirmed by the sender, on a cross-border referral the
receiver has accepted. It needs consent for every section (the whole case moves) and the
`cross_border` item; refusals name what is missing. In one transaction on the sender: the
`case_handover` message (the whole case in HTCDS codes, with the consent answers), the record of
what was sent, when and by which message (on the PeerReferral), the case closed as referred and
read-only (`Case.handed_abroad`), the referral completed. The receiver fills the case it opened for
the referral (its own reference, its own organisation) with what came, and confirms with
`case_handover_confirm`, naming its reference; the sender shows the confirmation. A hand-over
cannot be revoked.
"""

import json
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases import htcds
from haven.cases import referrals as local
from haven.cases.access import CaseAccess
from haven.cases.models import (
    ConsentItem,
    Participant,
    ParticipantRole,
    Person,
    ReferralState,
    Section,
    ServiceOutcome,
    SupportService,
    TraffickingEvent,
)
from haven.cases.presenters import case_data, present_case
from haven.cases.services import (
    CaseError,
    _touch,
    add_participant,
    record_changes,
    tell_case_worker,
)
from haven.federation.envelope import MALFORMED, Refusal
from haven.federation.inbox import handles
from haven.federation.models import Peer, PeerReferral
from haven.federation.outbox import send
from haven.federation.referrals import _audit, _link, lacking_cross_border
from haven.federation.thread import REVOKED_REFERRAL, elsewhere

NOT_ACCEPTED = Refusal(422, "referral_not_accepted")
UNKNOWN_HANDOVER = Refusal(422, "unknown_handover")
# What stays with the sender: its internal notes, files, history, tasks and referrals.
STAYS = ("id", "case_worker", "referrals", "tasks", "source", "closure_reason", "organisation")


def outgoing_link(referral) -> PeerReferral | None:
    try:
        link = referral.peer_link
    except PeerReferral.DoesNotExist:
        return None
    return None if link.incoming else link


def refusals(referral) -> list[str]:
    """Why this referral's case cannot be handed over now, in words the sender can act on."""
    link = outgoing_link(referral)
    case = referral.case
    if link is None:
        return [_("Only a case referred to another country can be handed over to it.")]
    if case.handed_abroad or link.handed_over:
        return [_("The case was already handed over.")]
    reasons = []
    if referral.state != ReferralState.ACCEPTED:
        reasons.append(_("The other organisation must accept the referral first."))
    if not case.is_open:
        reasons.append(_("Reopen the case before handing it over."))
    if not link.peer.active:
        reasons.append(_("That partner deployment is suspended: nothing is sent to it."))
    missing = [s for s in Section.values if s not in local.shareable_sections(case)]
    if missing:
        reasons.append(local.explain_missing(case, missing))
    lacking = lacking_cross_border(case)
    if lacking:
        reasons.append(
            _(
                "Sharing with another country needs the consent “%(item)s” (cross_border) from: %(people)s."
            )
            % {"item": ConsentItem.CROSS_BORDER.label, "people": ", ".join(lacking)}
        )
    return reasons


def whole_case(case) -> dict:
    """Every section of the case in HTCDS codes, with each person's consent answers."""
    data = case_data(present_case(CaseAccess(case=case, owner=True)))
    for stays in STAYS:
        data.pop(stays, None)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def what_moves(referral) -> dict:
    """For the confirmation step: where the case goes and what goes with it."""
    link = outgoing_link(referral)
    case = referral.case
    return {
        "peer": {"name": link.peer.name, "country": link.peer.country, "url": link.peer.base_url},
        "organisation": {"id": link.organisation_code, "name": link.organisation_name},
        "sections": list(Section.values),
        "section_labels": [str(label) for label in Section.labels],
        "people": list(case.participants.values_list("person__pseudonym", flat=True)),
        "events": case.events.count(),
        "services": case.services.count(),
        "stays": ["notes", "attachments", "history", "tasks"],
        "refusals": refusals(referral),
    }


@transaction.atomic
def hand_over_abroad(referral, *, actor) -> PeerReferral:
    case = referral.case
    if Capability.CASE_REFER not in actor.capabilities:
        raise PermissionDenied
    if case.organisation_id != actor.organisation_id:
        raise PermissionDenied
    reasons = refusals(referral)
    if reasons:
        raise CaseError(" ".join(reasons))
    link = outgoing_link(referral)
    now = timezone.now()
    body = {
        "referral": str(link.thread),
        "handover": str(uuid.uuid4()),
        "sections": list(Section.values),
        "sent_at": now.isoformat(),
        "case": whole_case(case),
    }
    message = send(link.peer, "case_handover", body)
    link.handed_over, link.handover_message = now, message.id
    link.handover_sections = body["sections"]
    link.save(update_fields=["handed_over", "handover_message", "handover_sections"])
    values = {"state": ReferralState.COMPLETED, "completed_at": now}
    record_changes(case, referral, actor=actor, section="referral", values=values)
    values = {
        "status": htcds.CaseStatus.CLOSED_REFERRED,
        "closed": timezone.localdate(),
        "handed_abroad": now,
    }
    record_changes(case, case, actor=actor, section="case", values=values)
    record_event(
        "case.handed_over_abroad",
        actor=actor,
        obj=case,
        summary={
            "referral": str(referral.pk),
            "peer": link.peer.base_url,
            "to": link.organisation_code,
            "sections": body["sections"],
            "message_id": str(message.id),
        },
    )
    return link


# Receiving


def _fit(model, values: dict, names) -> dict:
    """The values another deployment sent, as this model's fields take them; the rest dropped."""
    fitted = {}
    for name in names:
        if name not in values or values[name] in (None, ""):
            continue
        field = model._meta.get_field(name)
        try:
            value = field.to_python(values[name])
            if field.choices and not field.many_to_many and not isinstance(value, list):
                field.validate(value, None)
        except (ValidationError, TypeError, ValueError):
            continue
        fitted[name] = value.code if hasattr(value, "code") else value
    return fitted


PERSON_NAMES = [f.name for f in Person._meta.concrete_fields if f.name not in ("id", "pseudonym")]
PERSON_NAMES = [name for name in PERSON_NAMES if name not in ("organisation", "created")]
PARTICIPANT_NAMES = [
    f.name
    for f in Participant._meta.concrete_fields
    if f.name not in ("id", "case", "person", "role", "created")
]
EVENT_NAMES = ("type", "date", "country", "state", "city", "street", "postal_code", "description")
SERVICE_NAMES = ("type", "objectives", "action_plan", "planned_end", "actual_end", "outcome")


def _fill(case, shared: dict, peer: Peer, sender_name: str) -> None:
    """The received case's people, consent, events and services, as this deployment's rows."""
    if isinstance(shared.get("summary"), str):
        record_changes(
            case, case, actor=None, section="case", values={"summary": shared["summary"]}
        )
    for entry in shared.get("people") or []:
        if not isinstance(entry, dict):
            continue
        role = entry.get("role") if entry.get("role") in ParticipantRole.values else "victim"
        facts = {**(entry.get("identity") or {}), **(entry.get("contact") or {})}
        participant = add_participant(
            case,
            actor=None,
            role=role,
            person=_fit(Person, facts, PERSON_NAMES),
            details=_fit(Participant, entry.get("details") or {}, PARTICIPANT_NAMES),
        )
        answers = {
            item: bool(given)
            for item, given in (entry.get("consent") or {}).items()
            if item in ConsentItem.values and given is not None
        }
        if answers:
            local.record_consent(
                case,
                participant.person,
                actor=None,
                answers=answers,
                information_version=f"{peer.country}:{sender_name}"[:40],
            )
    for entry in shared.get("events") or []:
        values = _fit(TraffickingEvent, entry if isinstance(entry, dict) else {}, EVENT_NAMES)
        if values.get("type") in htcds.EventType.values:
            record_changes(case, TraffickingEvent(case=case), actor=None, section="event",
                           values=values, created=True)  # fmt: skip
    for entry in shared.get("services") or []:
        entry = entry if isinstance(entry, dict) else {}
        values = _fit(SupportService, entry, SERVICE_NAMES)
        if values.get("type") in htcds.SupportType.values:
            values.setdefault("outcome", ServiceOutcome.PLANNED)
            values["provided_elsewhere"] = elsewhere(entry.get("provider") or sender_name, peer)
            record_changes(case, SupportService(case=case), actor=None, section="service",
                           values=values, created=True)  # fmt: skip
    _touch(case)


@handles("case_handover")
def receive_handover(peer: Peer, message, body: dict) -> None:
    """The whole case arrives: the case opened for the referral becomes a full case, confirmed."""
    link = _link(peer, body, incoming=True)
    referral = link.referral
    if referral.state == ReferralState.REVOKED:
        raise REVOKED_REFERRAL
    if link.handed_over:  # delivered again: applied once, confirmed once
        _audit("case.handover_again", referral, peer, message)
        return
    if referral.state not in (ReferralState.ACCEPTED, ReferralState.COMPLETED):
        raise NOT_ACCEPTED
    shared = body.get("case")
    if not isinstance(shared, dict):
        raise MALFORMED
    case = referral.case
    sender_name = str(shared.get("organisation") or peer.name)
    _fill(case, shared, peer, sender_name)
    now = timezone.now()
    link.handed_over, link.handover_message = now, message.message_id
    link.handover_sections = [s for s in body.get("sections") or [] if s in Section.values]
    link.shared, link.told_state = json.dumps(shared), ReferralState.COMPLETED
    link.save(update_fields=["handed_over", "handover_message", "handover_sections", "shared",
                             "told_state"])  # fmt: skip
    referral.peer_link = link  # the answer hook sees it told: no `referral_answer` goes back
    values = {"state": ReferralState.COMPLETED, "completed_at": referral.completed_at or now}
    values["sections"] = link.handover_sections
    record_changes(case, referral, actor=None, section="referral", values=values)
    if not case.case_worker_id and referral.receiving_case_worker_id:
        worker = referral.receiving_case_worker
        record_changes(case, case, actor=None, section="case", values={"case_worker": worker})
        tell_case_worker(case, None)
    answer = {
        "referral": str(link.thread),
        "handover": str(body.get("handover", "")),
        "reference": case.reference,
        "received_at": now.isoformat(),
    }
    confirmation = send(peer, "case_handover_confirm", answer)
    _audit(
        "case.received_from_peer",
        referral,
        peer,
        message,
        case=str(case.pk),
        confirmation_id=str(confirmation.id),
    )


@handles("case_handover_confirm")
def receive_confirmation(peer: Peer, message, body: dict) -> None:
    """The receiving deployment has the case: the sender records when, and its reference."""
    link = _link(peer, body, incoming=False)
    if not link.handed_over:
        raise UNKNOWN_HANDOVER
    reference = body.get("reference")
    if not isinstance(reference, str) or not reference or len(reference) > 12:
        raise MALFORMED
    if link.handover_confirmed:
        _audit("case.handover_confirmed_again", link.referral, peer, message)
        return
    link.handover_confirmed, link.remote_reference = timezone.now(), reference
    link.save(update_fields=["handover_confirmed", "remote_reference"])
    _audit("case.handover_confirmed_by_peer", link.referral, peer, message, reference=reference)
