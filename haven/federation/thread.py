"""A cross-border referral's thread and its service outcomes, carried to the other deployment.

A message written on either side of a cross-border referral's thread goes to the other side as
`referral_message`, written to the outbox in the transaction of the message (a post_save hook on
ReferralMessage, so the existing thread page and API work unchanged). It carries the author's
organisation, never the author's account. The receiver's services on the case it opened for the
referral go back to the sender as `referral_service` (codes only: HTCDS `spl_SupportType` and
Haven's service outcome), where they show, read-only, in the reader's language.

Each message is applied once: the copy of a thread message or a service takes an id derived from
the peer's address and the id on the side where it was written (`copy_id`), so a message
delivered again (a new envelope id, the same content) changes nothing.
"""

import uuid
from datetime import date

from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from haven.audit.services import record_event
from haven.cases import htcds
from haven.cases.access import ANSWERED_STATES
from haven.cases.models import ReferralMessage, ReferralState, ServiceOutcome, SupportService
from haven.cases.services import CaseError, _touch, record_changes
from haven.cases.thread import tell_the_other_side
from haven.federation.envelope import MALFORMED, Refusal
from haven.federation.inbox import handles
from haven.federation.models import Peer, PeerReferral
from haven.federation.outbox import send
from haven.federation.referrals import UNKNOWN_REFERRAL, _audit, _link, _thread

REVOKED_REFERRAL = Refusal(422, "referral_revoked")
UNKNOWN_SERVICE = Refusal(422, "unknown_service")
MAX_MESSAGE = 10_000  # characters of a thread message


def elsewhere(name, peer: Peer) -> str:
    """How an organisation of another deployment is named here: its name and country."""
    return f"{str(name or peer.name)[:180]} ({peer.country})"


def copy_id(peer: Peer, remote: uuid.UUID) -> uuid.UUID:
    """The id here of a record written on `peer` with id `remote`: always the same, never theirs."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{peer.base_url}#{remote}")


def _uuid(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise MALFORMED from None


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise MALFORMED from None


# Sending


def _send_message(sender, instance: ReferralMessage, created: bool, **kwargs) -> None:
    """A message written here on a cross-border referral's thread goes to the other side."""
    if not created or instance.organisation_id is None:  # arrived from abroad: nothing to send
        return
    link = PeerReferral.objects.select_related("peer", "referral").filter(
        referral_id=instance.referral_id
    )
    link = link.first()
    if link is None:
        return
    if link.referral.state == ReferralState.REVOKED:
        raise CaseError(_("This referral was revoked: the other country receives nothing more."))
    body = {
        "referral": str(link.thread),
        "message": str(instance.pk),
        "organisation": instance.organisation.name,
        "body": instance.body,
        "written_at": instance.created.isoformat(),
    }
    message = send(link.peer, "referral_message", body)
    record_event(
        "federation.referral_message_sent",
        obj=link.referral,
        organisation=instance.organisation,
        summary={
            "message_id": str(message.id),
            "peer": link.peer.base_url,
            "thread_message": str(instance.pk),
        },
    )


def _send_service(sender, instance: SupportService, created: bool, **kwargs) -> None:
    """A service the receiver records on a case it opened for a referral from abroad goes back."""
    if instance.provided_elsewhere:  # reported by another deployment: not ours to report
        return
    links = PeerReferral.objects.select_related("peer", "referral__to_organisation").filter(
        incoming=True,
        referral__case_id=instance.case_id,
        referral__state__in=ANSWERED_STATES,
        handed_over__isnull=True,
    )
    for link in links:
        body = {
            "referral": str(link.thread),
            "service": str(instance.pk),
            "type": instance.type,
            "outcome": instance.outcome,
            "planned_end": instance.planned_end.isoformat() if instance.planned_end else None,
            "actual_end": instance.actual_end.isoformat() if instance.actual_end else None,
            "organisation": link.referral.to_organisation.name,
        }
        message = send(link.peer, "referral_service", body)
        record_event(
            "federation.referral_service_sent",
            obj=link.referral,
            organisation=link.referral.to_organisation,
            summary={
                "message_id": str(message.id),
                "peer": link.peer.base_url,
                "service": str(instance.pk),
                "type": instance.type,
                "outcome": instance.outcome,
            },
        )


post_save.connect(_send_message, sender=ReferralMessage, dispatch_uid="federation_thread")
post_save.connect(_send_service, sender=SupportService, dispatch_uid="federation_service")


# Receiving


def _thread_link(peer: Peer, body: dict) -> PeerReferral:
    """The referral of that thread with this peer, whichever side of it we are."""
    link = (
        PeerReferral.objects.select_related("referral__case", "referral__to_organisation")
        .filter(peer=peer, thread=_thread(body))
        .order_by("incoming")
        .first()
    )
    if link is None:
        raise UNKNOWN_REFERRAL
    return link


@handles("referral_message")
def receive_message(peer: Peer, message, body: dict) -> None:
    """A message written on the other side appears in this side's thread, once."""
    link = _thread_link(peer, body)
    referral = link.referral
    if referral.state == ReferralState.REVOKED:
        raise REVOKED_REFERRAL  # refused, and nothing stored
    thread_message = copy_id(peer, _uuid(body.get("message")))
    text = body.get("body")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_MESSAGE:
        raise MALFORMED
    if ReferralMessage.objects.filter(pk=thread_message).exists():
        _audit(
            "referral.message_again", referral, peer, message, thread_message=str(thread_message)
        )
        return
    written = parse_datetime(str(body.get("written_at", "")))
    row = ReferralMessage.objects.create(
        id=thread_message,
        referral=referral,
        organisation=None,
        written_elsewhere=elsewhere(body.get("organisation"), peer),
        author=None,
        body=text.strip(),
        created=written if written and timezone.is_aware(written) else timezone.now(),
    )
    tell_the_other_side(row)
    _audit("referral.message_from_peer", referral, peer, message, thread_message=str(row.pk))


@handles("referral_service")
def receive_service(peer: Peer, message, body: dict) -> None:
    """The receiver's service and its outcome, on the sender's case: added, or brought up to date."""
    link = _link(peer, body, incoming=False)
    referral = link.referral
    if referral.state == ReferralState.REVOKED:
        raise REVOKED_REFERRAL
    if body.get("type") not in htcds.SupportType.values:
        raise MALFORMED
    if body.get("outcome") not in ServiceOutcome.values:
        raise MALFORMED
    service_id = copy_id(peer, _uuid(body.get("service")))
    values = {
        "type": body["type"],
        "outcome": body["outcome"],
        "planned_end": _date(body.get("planned_end")),
        "actual_end": _date(body.get("actual_end")),
        "provided_elsewhere": elsewhere(body.get("organisation") or link.organisation_name, peer),
    }
    case = referral.case
    service = SupportService.objects.filter(pk=service_id).first()
    if service is None:
        service = SupportService(id=service_id, case=case, organisation=None)
        changed = record_changes(
            case, service, actor=None, section="service", values=values, created=True
        )
    elif service.case_id != case.pk or not service.provided_elsewhere:
        raise UNKNOWN_SERVICE  # not a service this peer reported on this case
    else:
        changed = record_changes(case, service, actor=None, section="service", values=values)
    if changed:
        _touch(case)
    _audit(
        "referral.service_from_peer",
        referral,
        peer,
        message,
        service=str(service.pk),
        type=values["type"],
        outcome=values["outcome"],
    )
