"""Who sees which case, and which parts of it: the one place that decides, for pages and API.

A case belongs to its owner organisation. An organisation it was referred to sees the sections
the referral shares while the referral is pending, accepted or completed; nothing after a
decline or a revoke. Anyone else gets 404, as for a case that does not exist; a member of the
owner organisation whose role lacks the capability gets 403. Analysts never see a case: they
read aggregates in statistics.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404

from haven.accounts.access import has_capability, require_capability
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.models import VISIBLE_STATES, Case, Referral, Section

ALL_SECTIONS = frozenset(Section.values)


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

    def can(self, section: str) -> bool:
        return section in self.sections

    def require(self, section: str) -> None:
        """404 for a section the referral does not share: it does not exist for this reader."""
        if section not in self.sections:
            raise Http404


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
        sections = frozenset(section for referral in referrals for section in referral.sections)
        access = CaseAccess(case=case, owner=False, sections=sections, referrals=referrals)
    if write:
        require_capability(user, Capability.CASE_WRITE)
        if not access.owner:
            raise PermissionDenied
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
