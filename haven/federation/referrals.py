"""Cross-border referrals: a case referred to an organisation of a peer deployment.

Sending needs what a domestic referral needs (`haven.cases.sharing`) and, from every person whose
consent is asked, the `cross_border` item. The Referral row, its PeerReferral link and the outbox
message of kind `referral` are written in one transaction. The receiver's answer comes back as
`referral_answer`; the sender's revoke goes as `referral_revoke` and purges the receiver's copy.
Answers and revokes are sent by a post_save hook on Referral, so the existing accept, decline,
complete and revoke (pages and API) work for cross-border referrals unchanged.
"""

import json
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Organisation
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases import htcds, sharing
from haven.cases import referrals as local
from haven.cases.access import CaseAccess
from haven.cases.models import LIVE_STATES, ConsentItem, Referral, ReferralState, Section, Source
from haven.cases.presenters import case_data, present_case
from haven.cases.services import CaseError, open_case, record_changes
from haven.federation.envelope import MALFORMED, Refusal
from haven.federation.inbox import handles
from haven.federation.models import Peer, PeerReferral
from haven.federation.outbox import send
from haven.notifications.models import Kind
from haven.notifications.services import notify

ANSWERS = (ReferralState.ACCEPTED, ReferralState.DECLINED, ReferralState.COMPLETED)
UNKNOWN_REFERRAL = Refusal(422, "unknown_referral")
UNKNOWN_ORGANISATION = Refusal(422, "unknown_organisation")


def peer_organisation(peer_name: str, code: str) -> tuple[Peer, dict]:
    """The active peer of that name and the organisation its signed document lists, or CaseError."""
    peer = Peer.objects.filter(name=peer_name).exclude(base_url=settings.HAVEN_PUBLIC_URL).first()
    if peer is None:
        raise CaseError(_("There is no partner deployment of that name."))
    if not peer.active:
        raise CaseError(_("That partner deployment is suspended: nothing is sent to it."))
    listed = {str(org.get("id")): org for org in peer.document.get("organisations", [])}
    if code not in listed:
        raise CaseError(_("That organisation does not take referrals from other countries."))
    return peer, listed[code]


def lacking_cross_border(case) -> list[str]:
    """Pseudonyms of the people whose consent to sharing abroad is not given."""
    people = local.consenting_people(case)
    answers = sharing.current_answers(case.consents.all())
    return sorted(
        pseudonym
        for person, pseudonym in people.items()
        if answers.get((person, ConsentItem.CROSS_BORDER)) is not True
    )


def package(case, sections) -> dict:
    """The shared sections as the API shows them to a receiver: HTCDS codes, nothing else."""
    data = case_data(present_case(CaseAccess(case=case, owner=False, sections=frozenset(sections))))
    for local_only in ("id", "case_worker", "referrals", "tasks"):
        data.pop(local_only, None)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@transaction.atomic
def refer_abroad(case, *, actor, peer: str, organisation: str, reason: str, sections, details=""):
    if Capability.CASE_REFER not in actor.capabilities:
        raise PermissionDenied
    if case.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not case.is_open:
        raise CaseError(_("Reopen the case before referring it."))
    if reason not in htcds.ReferralReason.values:
        raise CaseError(_("Choose a reason for the referral."))
    target, listed = peer_organisation(peer, organisation)
    chosen = set(sections) | {Section.SUMMARY}
    sections = [section for section in Section.values if section in chosen]
    allowed = local.shareable_sections(case)
    if not set(sections) <= allowed:
        raise CaseError(local.explain_missing(case, [s for s in sections if s not in allowed]))
    lacking = lacking_cross_border(case)
    if lacking:
        raise CaseError(
            _(
                "Sharing with another country needs the consent “%(item)s” (cross_border) from: %(people)s."
            )
            % {"item": ConsentItem.CROSS_BORDER.label, "people": ", ".join(lacking)}
        )
    live = PeerReferral.objects.filter(
        peer=target, incoming=False, organisation_code=organisation, referral__case=case
    )
    if live.filter(referral__state__in=LIVE_STATES).exists():
        raise CaseError(_("The case is already referred to that organisation."))
    referral = Referral(case=case, from_organisation=case.organisation, sent_by=actor)
    values = {"reason": reason, "details": details.strip(), "sections": sections}
    record_changes(case, referral, actor=actor, section="referral", values=values, created=True)
    PeerReferral.objects.create(
        referral=referral,
        peer=target,
        thread=referral.pk,
        organisation_code=organisation,
        organisation_name=str(listed.get("name", ""))[:200],
        told_state=ReferralState.PENDING,
    )
    body = {
        "referral": str(referral.pk),
        "organisation": organisation,
        "reason": reason,
        "details": referral.details,
        "sections": sections,
        "sent_at": referral.sent_at.isoformat(),
        "case": package(case, sections),
    }
    message = send(target, "referral", body)
    record_event(
        "referral.sent_abroad",
        actor=actor,
        obj=referral,
        summary={
            "case": str(case.pk),
            "peer": target.base_url,
            "to": organisation,
            "sections": sections,
            "message_id": str(message.id),
        },
    )
    return referral


def _tell_peer(sender, instance: Referral, created: bool, **kwargs) -> None:
    """A receiver's answer, or a sender's revoke, goes to the peer in the same transaction."""
    if created:
        return
    try:
        link = instance.peer_link
    except PeerReferral.DoesNotExist:
        return
    state = instance.state
    if state == link.told_state:
        return
    if link.incoming and state in ANSWERS:
        kind = "referral_answer"
        body = {"referral": str(link.thread), "state": state, "note": instance.response_note}
    elif not link.incoming and state == ReferralState.REVOKED:
        kind, body = "referral_revoke", {"referral": str(link.thread)}
    else:
        return
    link.told_state = state
    link.save(update_fields=["told_state"])
    message = send(link.peer, kind, body)
    record_event(
        f"federation.{kind}_sent",
        obj=instance,
        summary={"message_id": str(message.id), "peer": link.peer.base_url, "state": state},
    )


post_save.connect(_tell_peer, sender=Referral, dispatch_uid="federation_tell_peer")


def _thread(body: dict) -> uuid.UUID:
    try:
        return uuid.UUID(str(body.get("referral")))
    except ValueError:
        raise MALFORMED from None


def _audit(action: str, referral: Referral, peer: Peer, message, **summary) -> None:
    record_event(
        action,
        obj=referral,
        organisation=referral.to_organisation or referral.from_organisation,
        summary={"message_id": str(message.message_id), "peer": peer.base_url, **summary},
    )


@handles("referral")
def receive_referral(peer: Peer, message, body: dict) -> None:
    """An incoming referral: a case at the named organisation, the shared data kept encrypted."""
    thread = _thread(body)
    try:
        organisation = Organisation.objects.get(
            pk=body.get("organisation"), accepts_cross_border=True
        )
    except (Organisation.DoesNotExist, ValidationError, ValueError, TypeError):
        raise UNKNOWN_ORGANISATION from None
    sections = [s for s in body.get("sections", []) if s in Section.values]
    reason = body.get("reason") if body.get("reason") in htcds.ReferralReason.values else ""
    shared = body.get("case") if isinstance(body.get("case"), dict) else {}
    case = open_case(
        actor=None,
        organisation=organisation,
        source=Source.REFERRAL,
        country=peer.country,
        referring_organisation=peer.name[:200],
        incoming_referral_date=timezone.localdate(),
        incoming_referral_reason=reason,
    )
    referral = Referral.objects.create(
        case=case,
        to_organisation=organisation,
        reason=reason or htcds.ReferralReason.values[0],
        details=str(body.get("details", "")),
        sections=sections,
    )
    PeerReferral.objects.create(
        referral=referral,
        peer=peer,
        incoming=True,
        thread=thread,
        organisation_code=str(organisation.pk),
        organisation_name=peer.name[:200],
        shared=json.dumps(shared),
        told_state=ReferralState.PENDING,
    )
    link = reverse("cases:referrals") + "?direction=incoming"
    notify(
        organisation, Kind.REFERRAL_RECEIVED, link, obj=referral, capability=Capability.CASE_WRITE
    )
    _audit("referral.received_from_peer", referral, peer, message, sections=sections)


def _link(peer: Peer, body: dict, *, incoming: bool) -> PeerReferral:
    link = (
        PeerReferral.objects.select_related("referral__case")
        .filter(peer=peer, incoming=incoming, thread=_thread(body))
        .first()
    )
    if link is None:
        raise UNKNOWN_REFERRAL
    return link


@handles("referral_answer")
def receive_answer(peer: Peer, message, body: dict) -> None:
    """The receiver accepted, declined or completed: the sender's Referral follows."""
    link = _link(peer, body, incoming=False)
    referral, state = link.referral, body.get("state")
    if state not in ANSWERS:
        raise MALFORMED
    if referral.state == ReferralState.REVOKED:  # revoked meanwhile: the answer comes too late
        _audit("referral.answer_after_revoke", referral, peer, message, state=state)
        return
    now = timezone.now()
    values = {"state": state, "response_note": str(body.get("note", ""))}
    values["completed_at" if state == ReferralState.COMPLETED else "responded_at"] = now
    record_changes(referral.case, referral, actor=None, section="referral", values=values)
    kinds = {ReferralState.ACCEPTED: Kind.REFERRAL_ACCEPTED}
    kind = kinds.get(state, Kind.REFERRAL_DECLINED if state == ReferralState.DECLINED else None)
    senders = {referral.sent_by, referral.case.case_worker} - {None}
    if kind and senders:
        notify(senders, kind, reverse("cases:detail", args=[referral.case_id]), obj=referral)
    _audit(f"referral.{state}_by_peer", referral, peer, message)


@handles("referral_revoke")
def receive_revoke(peer: Peer, message, body: dict) -> None:
    """The sender revoked: the shared data is deleted, the receiver sees the referral withdrawn."""
    link = _link(peer, body, incoming=True)
    referral = link.referral
    if referral.state != ReferralState.REVOKED:
        values = {"state": ReferralState.REVOKED, "revoked_at": timezone.now()}
        record_changes(referral.case, referral, actor=None, section="referral", values=values)
    Referral.objects.filter(pk=referral.pk).update(details="")
    PeerReferral.objects.filter(pk=link.pk).update(shared="", told_state=ReferralState.REVOKED)
    link_url = reverse("cases:referrals") + "?direction=incoming"
    notify(referral.to_organisation, Kind.REFERRAL_REVOKED, link_url, obj=referral)
    _audit("referral.revoked_by_peer", referral, peer, message)
