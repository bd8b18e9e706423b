"""The count of incoming referrals awaiting an answer, for the staff navigation."""

from django import template

from haven.accounts.roles import Capability
from haven.cases.models import Referral, ReferralState

register = template.Library()


def awaiting_answer(user) -> int:
    """Referrals sent to the user's organisation that nobody there has accepted or declined."""
    if not user.is_authenticated or user.organisation_id is None:
        return 0
    if Capability.CASE_READ not in user.capabilities:
        return 0
    return Referral.objects.filter(
        to_organisation=user.organisation_id, state=ReferralState.PENDING
    ).count()


@register.simple_tag(takes_context=True)
def referrals_awaiting(context) -> int:
    request = context.get("request")
    if request is None:
        return 0
    # Once per request, however many times the page asks.
    if not hasattr(request, "_referrals_awaiting"):
        request._referrals_awaiting = awaiting_answer(request.user)
    return request._referrals_awaiting
