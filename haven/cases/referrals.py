"""Consent, referrals between organisations, and transfer of ownership. Each change audited.

A referral shares the sections the sender chose, and only those the recorded consent allows
(`haven.cases.sharing`). It goes pending → accepted or declined; accepted → completed; the case's
owner may revoke it while it is pending or accepted. Withdrawing consent narrows the live referrals
that relied on it, or revokes them when nothing is left to share.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Organisation, User
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases import sharing
from haven.cases.models import (
    LIVE_STATES,
    Case,
    Consent,
    ConsentItem,
    Handover,
    Participant,
    ParticipantRole,
    Person,
    Referral,
    ReferralState,
    Section,
)
from haven.cases.services import CaseError, _touch, record_changes
from haven.notifications.models import Kind
from haven.notifications.services import notify


def consenting_people(case: Case) -> dict:
    """{person id: pseudonym} of everyone in the case whose consent is asked (not perpetrators)."""
    return dict(
        Participant.objects.filter(case=case)
        .exclude(role=ParticipantRole.PERPETRATOR)
        .values_list("person_id", "person__pseudonym")
    )


def shareable_sections(case: Case) -> set[str]:
    return sharing.shareable(consenting_people(case), case.consents.all())


def explain_missing(case: Case, sections) -> str:
    """The consent a set of sections lacks, in words a case worker can act on."""
    people = consenting_people(case)
    if not people:
        return _("Add the person to the case and record their consent before referring it.")
    parts = []
    for missing in sharing.missing_consent(people, case.consents.all(), sections):
        parts.append(
            _("%(section)s needs from %(person)s: %(items)s")
            % {
                "section": Section(missing.section).label,
                "person": missing.person,
                "items": "; ".join(str(ConsentItem(item).label) for item in missing.items),
            }
        )
    return _("The recorded consent does not allow this. %(details)s") % {
        "details": " ".join(f"{part}." for part in parts)
    }


@transaction.atomic
def record_consent(
    case: Case, person: Person, *, actor: User, answers: dict, information_version: str = ""
) -> list[Consent]:
    """One row per item answered; earlier answers stay in the record."""
    if not case.participants.filter(person=person).exists():
        raise CaseError(_("That person is not in this case."))
    unknown = set(answers) - set(ConsentItem.values)
    if unknown:
        raise CaseError(_("Unknown consent items: %s") % ", ".join(sorted(unknown)))
    if not answers:
        raise CaseError(_("Answer at least one consent item."))
    now = timezone.now()
    rows = Consent.objects.bulk_create(
        [
            Consent(
                case=case,
                person=person,
                item=item,
                given=bool(given),
                information_version=information_version,
                recorded_by=actor,
                recorded_at=now,
            )
            for item, given in answers.items()
        ]
    )
    record_event(
        "case.consent_recorded",
        actor=actor,
        obj=case,
        summary={item: bool(given) for item, given in sorted(answers.items())},
    )
    _narrow_live_referrals(case, actor=actor)
    return rows


@transaction.atomic
def withdraw_consent(case: Case, person: Person, *, actor: User, item: str) -> int:
    """Withdraw the current answer on an item; live referrals lose what it allowed."""
    now = timezone.now()
    count = case.consents.filter(person=person, item=item, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=actor
    )
    if not count:
        raise CaseError(_("There is no current consent on that item to withdraw."))
    record_event("case.consent_withdrawn", actor=actor, obj=case, summary={"item": item})
    _narrow_live_referrals(case, actor=actor)
    return count


def may_go_abroad(case: Case) -> bool:
    """Everyone whose consent is asked agreed to sharing with another country."""
    people = consenting_people(case)
    answers = sharing.current_answers(case.consents.all())
    return bool(people) and all(
        answers.get((person, ConsentItem.CROSS_BORDER)) is True for person in people
    )


def _narrow_live_referrals(case: Case, *, actor: User) -> None:
    allowed = shareable_sections(case)
    abroad = None
    # A referral received from abroad (no local sender) is the sender's to narrow, not ours.
    live = case.referrals.filter(state__in=LIVE_STATES, from_organisation__isnull=False)
    for referral in live.select_for_update():
        keep = [section for section in referral.sections if section in allowed]
        if referral.to_organisation_id is None:  # sent abroad: it needs `cross_border` too
            abroad = may_go_abroad(case) if abroad is None else abroad
            keep = keep if abroad else []
        if keep == referral.sections:
            continue
        if keep:
            record_changes(
                case, referral, actor=actor, section="referral", values={"sections": keep}
            )
            record_event("referral.narrowed", actor=actor, obj=referral, summary={"sections": keep})
        else:
            _set_state(referral, ReferralState.REVOKED, actor=actor, revoked_at=timezone.now())


def _set_state(referral: Referral, state: str, *, actor: User, **fields) -> None:
    old = referral.state
    record_changes(
        referral.case,
        referral,
        actor=actor,
        section="referral",
        values={"state": state, **fields},
    )
    record_event(
        f"referral.{state}",
        actor=actor,
        obj=referral,
        summary={"case": str(referral.case_id), "from": old},
    )


@transaction.atomic
def refer(
    case: Case,
    *,
    actor: User,
    to_organisation: Organisation,
    reason: str,
    sections: list[str],
    details: str = "",
) -> Referral:
    if Capability.CASE_REFER not in actor.capabilities:
        raise PermissionDenied
    if case.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not case.is_open:
        raise CaseError(_("Reopen the case before referring it."))
    if to_organisation.pk == case.organisation_id:
        raise CaseError(_("Choose another organisation to refer the case to."))
    # The summary goes with everything: it needs no consent that the other sections do not.
    chosen = set(sections) | {Section.SUMMARY}
    sections = [section for section in Section.values if section in chosen]
    allowed = shareable_sections(case)
    if not set(sections) <= allowed:
        raise CaseError(explain_missing(case, [s for s in sections if s not in allowed]))
    if case.referrals.filter(to_organisation=to_organisation, state__in=LIVE_STATES).exists():
        raise CaseError(_("The case is already referred to that organisation."))
    referral = Referral(
        case=case,
        from_organisation=case.organisation,
        to_organisation=to_organisation,
        sent_by=actor,
    )
    record_changes(
        case,
        referral,
        actor=actor,
        section="referral",
        values={"reason": reason, "details": details.strip(), "sections": sections},
        created=True,
    )
    record_event(
        "referral.sent",
        actor=actor,
        obj=referral,
        summary={"case": str(case.pk), "to": str(to_organisation.pk), "sections": sections},
    )
    _tell(to_organisation, Kind.REFERRAL_RECEIVED, referral, incoming=True)
    return referral


def _tell(users_or_org, kind: str, referral: Referral, *, incoming: bool, actor=None) -> None:
    """Notify of a referral: its list for the receiver, the case for the sender."""
    if incoming:
        link = reverse("cases:referrals") + "?direction=incoming"
    else:
        link = reverse("cases:detail", args=[referral.case_id])
    notify(users_or_org, kind, link, obj=referral, capability=Capability.CASE_WRITE, exclude=actor)


def _tell_sender(referral: Referral, kind: str, actor: User) -> None:
    senders = {referral.sent_by, referral.case.case_worker} - {None}
    _tell(senders, kind, referral, incoming=False, actor=actor)


def _as_receiver(referral: Referral, actor: User) -> None:
    if referral.to_organisation_id != actor.organisation_id:
        raise PermissionDenied
    if Capability.CASE_WRITE not in actor.capabilities:
        raise PermissionDenied


def _expect(referral: Referral, *states) -> None:
    if referral.state not in states:
        raise CaseError(
            _("This referral is %(state)s; that cannot be done now.")
            % {"state": referral.get_state_display().lower()}
        )


@transaction.atomic
def accept(referral: Referral, *, actor: User, note: str = "") -> None:
    _as_receiver(referral, actor)
    _expect(referral, ReferralState.PENDING)
    _set_state(
        referral,
        ReferralState.ACCEPTED,
        actor=actor,
        responded_at=timezone.now(),
        receiving_case_worker=actor,
        response_note=note.strip(),
    )
    _tell_sender(referral, Kind.REFERRAL_ACCEPTED, actor)


@transaction.atomic
def decline(referral: Referral, *, actor: User, note: str = "") -> None:
    _as_receiver(referral, actor)
    _expect(referral, ReferralState.PENDING)
    if not note.strip():
        raise CaseError(_("Say why the referral is declined, so the sender can find other help."))
    _set_state(
        referral,
        ReferralState.DECLINED,
        actor=actor,
        responded_at=timezone.now(),
        response_note=note.strip(),
    )
    _tell_sender(referral, Kind.REFERRAL_DECLINED, actor)


@transaction.atomic
def complete(referral: Referral, *, actor: User, note: str = "") -> None:
    _as_receiver(referral, actor)
    _expect(referral, ReferralState.ACCEPTED)
    values = {"completed_at": timezone.now()}
    if note.strip():
        values["response_note"] = note.strip()
    _set_state(referral, ReferralState.COMPLETED, actor=actor, **values)


@transaction.atomic
def revoke(referral: Referral, *, actor: User) -> None:
    # The owner decides what its case shares: after a transfer, the referrals the former owner
    # sent are the new owner's to revoke, and no longer the former owner's.
    if referral.case.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if Capability.CASE_REFER not in actor.capabilities:
        raise PermissionDenied
    if referral.case.handed_abroad:
        raise CaseError(
            _(
                "The case was handed over to another country for good: a hand-over cannot be "
                "revoked. Ask the organisation that now owns it."
            )
        )
    _expect(referral, *LIVE_STATES)
    _set_state(referral, ReferralState.REVOKED, actor=actor, revoked_at=timezone.now())
    if referral.to_organisation_id:  # abroad, the peer is told (haven.federation.referrals)
        _tell(referral.to_organisation, Kind.REFERRAL_REVOKED, referral, incoming=True)


@transaction.atomic
def post_message(referral: Referral, *, actor: User, body: str):
    """A message in the referral's thread, read by both organisations; the caller checked the
    writer may (`haven.cases.access.access_thread`)."""
    from haven.cases.thread import ReferralMessage, tell_the_other_side

    if not body.strip():
        raise CaseError(_("Write the message first."))
    message = ReferralMessage.objects.create(
        referral=referral, organisation_id=actor.organisation_id, author=actor, body=body.strip()
    )
    record_event(
        "referral.message_sent",
        actor=actor,
        obj=referral,
        summary={"case": str(referral.case_id)},
    )
    tell_the_other_side(message)
    return message


@transaction.atomic
def transfer_ownership(
    referral: Referral,
    *,
    actor: User,
    notes: bool = False,
    attachments: bool = False,
    history: bool = False,
) -> Case:
    """Hand the case to the organisation that accepted the referral.

    Explicit and separate from referring: it needs an accepted referral that shares identity
    and contact (so the consent allows the person's data to move), and it ends the sender's
    access to the case. The sender's internal notes, files and history go only if ticked
    (`haven.cases.handover`).
    """
    case = referral.case
    if case.organisation_id != actor.organisation_id or referral.from_organisation_id != (
        actor.organisation_id
    ):
        raise PermissionDenied
    if Capability.CASE_REFER not in actor.capabilities:
        raise PermissionDenied
    _expect(referral, ReferralState.ACCEPTED)
    if not {Section.IDENTITY, Section.CONTACT} <= set(referral.sections):
        raise CaseError(
            _("Ownership moves only with a referral that shares identity and contact details.")
        )
    old_owner = case.organisation
    record_changes(
        case,
        case,
        actor=actor,
        section="case",
        values={
            "organisation": referral.to_organisation,
            "case_worker": referral.receiving_case_worker,
        },
    )
    Person.objects.filter(participations__case=case).update(organisation=referral.to_organisation)
    # The old organisation's staff can no longer see the case: their tasks wait for a new owner.
    case.tasks.exclude(assigned_to__organisation=referral.to_organisation).update(assigned_to=None)
    case.tasks.filter(organisation=old_owner).update(organisation=referral.to_organisation)
    _set_state(referral, ReferralState.COMPLETED, actor=actor, completed_at=timezone.now())
    _touch(case)  # statistics find changed cases by their update time
    handed = {"notes": notes, "attachments": attachments, "history": history}
    Handover.objects.create(
        case=case, from_organisation=old_owner, to_organisation=referral.to_organisation,
        by=actor, **handed,
    )  # fmt: skip
    summary = {"from": str(old_owner.pk), "to": str(referral.to_organisation_id), **handed}
    record_event("case.transferred", actor=actor, obj=case, organisation=old_owner, summary=summary)
    record_event(
        "case.received",
        actor=actor,
        obj=case,
        organisation=referral.to_organisation,
        summary=summary,
    )
    return case
