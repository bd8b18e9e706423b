"""Who sees which case, and which parts of it: the one place that decides, for pages and API.

A case belongs to its owner organisation. An organisation it was referred to sees the sections
the referral shares once it accepted it (and after completing it); while the referral is
pending, only the request: reason, urgency, country, age band and the sections offered, no name
or contact. Nothing after a decline or a revoke. While its referral is accepted, the receiver
works its own part of the case (`access_to_work`): its notes, tasks and services. Anyone else gets 404, as for a case that does not exist; a member of the
owner organisation whose role lacks the capability gets 403. Analysts never see a case: they
read aggregates in statistics.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from haven.accounts.access import has_capability, require_capability
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.models import VISIBLE_STATES, Case, Referral, ReferralState, Section, Task

ALL_SECTIONS = frozenset(Section.values)
# A receiver sees what a referral shares once it has accepted it, and works the case meanwhile.
ANSWERED_STATES = (ReferralState.ACCEPTED, ReferralState.COMPLETED)


def referred_case_ids(organisation_id):
    return Referral.objects.filter(
        to_organisation=organisation_id, state__in=VISIBLE_STATES
    ).values("case_id")


def cases_in_scope(user):
    """Owned by the user's organisation, or referred to it; nothing for someone without one."""
    if not user.is_authenticated or user.organisation_id is None:
        return Case.objects.none()
    return Case.objects.filter(
        Q(organisation=user.organisation_id) | Q(pk__in=referred_case_ids(user.organisation_id))
    )


def cases_visible_to(user):
    if not has_capability(user, Capability.CASE_READ):
        return Case.objects.none()
    return cases_in_scope(user)


@dataclass
class CaseAccess:
    case: Case
    owner: bool
    sections: frozenset = ALL_SECTIONS
    referrals: list = field(default_factory=list)  # incoming referrals, for a receiver

    @property
    def pending(self) -> bool:
        """A receiver that has not accepted yet: it sees the request only."""
        return not self.owner and not any(r.state in ANSWERED_STATES for r in self.referrals)

    @property
    def working(self) -> bool:
        """The owner, or a receiver whose referral is accepted: it adds its own work."""
        return self.owner or any(r.state == ReferralState.ACCEPTED for r in self.referrals)

    @property
    def organisation_id(self):
        """The organisation the reader works for on this case."""
        if self.owner:
            return self.case.organisation_id
        return self.referrals[0].to_organisation_id if self.referrals else None

    def can(self, section: str) -> bool:
        return section in self.sections

    def require(self, section: str) -> None:
        """404 for a section the referral does not share: it does not exist for this reader."""
        if section not in self.sections:
            raise Http404


def refuse_if_handed_abroad(case: Case) -> None:
    """A case handed over to another deployment is read-only: the record of what was sent."""
    if case.handed_abroad:
        raise PermissionDenied(_("This case was handed over to another country: it is read-only."))


def access_case(user, case_id, *, write: bool = False, audit: bool = True) -> CaseAccess:
    """The case and what the user may see of it; every access is written to the audit log."""
    try:
        case = cases_in_scope(user).select_related("organisation", "case_worker").get(pk=case_id)
    except (Case.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    require_capability(user, Capability.CASE_READ)
    if case.organisation_id == user.organisation_id:
        access = CaseAccess(case=case, owner=True)
    else:
        referrals = list(
            case.referrals.filter(to_organisation=user.organisation_id, state__in=VISIBLE_STATES)
        )
        sections = frozenset(
            section
            for referral in referrals
            if referral.state in ANSWERED_STATES
            for section in referral.sections
        )
        access = CaseAccess(case=case, owner=False, sections=sections, referrals=referrals)
    if write:
        require_capability(user, Capability.CASE_WRITE)
        if not access.owner:
            raise PermissionDenied
        refuse_if_handed_abroad(case)
    if audit:
        record_event(
            "case.viewed",
            actor=user,
            obj=case,
            summary={} if access.owner else {"via": "referral"},
        )
    return access


def access_referral(user, referral_id) -> Referral:
    """A referral, for the organisation that sent it, the one it was sent to, or the case's
    owner (after a transfer, the new owner answers for what the former one sent)."""
    if not user.is_authenticated or user.organisation_id is None:
        raise Http404
    try:
        referral = (
            Referral.objects.select_related("case", "from_organisation", "to_organisation")
            .filter(
                Q(from_organisation=user.organisation_id)
                | Q(to_organisation=user.organisation_id)
                | Q(case__organisation=user.organisation_id)
            )
            .get(pk=referral_id)
        )
    except (Referral.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    require_capability(user, Capability.CASE_READ)
    return referral


def access_to_work(user, case_id, *, audit: bool = True) -> CaseAccess:
    """The case, for adding the reader's own notes, tasks and services to it.

    The owner organisation's staff, and the staff of an organisation whose referral of the case
    is accepted. Before accepting, after declining, completing or a revoke: 404, as for a case
    that does not exist. A role without `case.write`: 403.
    """
    access = access_case(user, case_id, audit=False)
    if not access.working:
        raise Http404
    require_capability(user, Capability.CASE_WRITE)
    refuse_if_handed_abroad(access.case)
    if audit:
        summary = {} if access.owner else {"via": "referral"}
        record_event("case.viewed", actor=user, obj=access.case, summary=summary)
    return access


def receivers(case) -> Q:
    return Q(organisation__in=case.referrals.values("to_organisation"))


def owner_side(case) -> Q:
    """The owner's rows: its own, the rows from before receivers worked cases (no organisation),
    a former owner's; not a receiving organisation's."""
    return Q(organisation__isnull=True) | Q(organisation=case.organisation_id) | ~receivers(case)


def work_of(rows, access: CaseAccess):
    """Of a case's notes, tasks or services, those of the reader's organisation."""
    if access.owner:
        return rows.filter(owner_side(access.case))
    return rows.filter(organisation=access.organisation_id)


def notes_for(notes, access: CaseAccess):
    """The owner reads its notes and what receivers chose to share; a receiver its own only."""
    if access.owner:
        return notes.filter(owner_side(access.case) | Q(shared_with_owner=True))
    return notes.filter(organisation=access.organisation_id)


def tasks_for(organisation_id):
    """Every task an organisation's staff work on: on its cases, and on cases it accepted."""
    working = Referral.objects.filter(
        to_organisation=organisation_id, state=ReferralState.ACCEPTED
    ).values("case_id")
    return Task.objects.filter(
        Q(case__organisation=organisation_id, organisation__isnull=True)
        | Q(case__organisation=organisation_id, organisation=organisation_id)
        | Q(case__in=working, organisation=organisation_id)
    )


def access_thread(user, referral_id, *, write: bool = False) -> Referral:
    """A referral's thread: for the sender (the case's owner) always; for the receiver once it
    has accepted (before, it has the request only). Anyone else: 404; a role without
    `case.read` (or `case.write`, to write): 403."""
    referral = access_referral(user, referral_id)
    sender = user.organisation_id in (referral.from_organisation_id, referral.case.organisation_id)
    if not sender and referral.state not in ANSWERED_STATES:
        raise Http404
    if write:
        require_capability(user, Capability.CASE_WRITE)
        refuse_if_handed_abroad(referral.case)
    return referral
