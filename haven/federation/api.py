"""Cross-border referrals in the JSON API: send one abroad, read what a peer shared."""

import json

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from haven.accounts.access import require_capability
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.access import ANSWERED_STATES, access_case, access_referral
from haven.cases.presenters import referral_data
from haven.cases.services import CaseError
from haven.federation.models import PeerReferral
from haven.federation.referrals import refer_abroad
from haven.lib.schemas import invalid

router = Router(tags=["federation"])


class CrossBorderIn(Schema):
    peer: str
    organisation: str
    reason: str
    sections: list[str] = []
    details: str = ""


@router.post(
    "/cases/{case_id}/referrals/cross-border",
    response={201: dict},
    summary="Refer the case to an organisation of a partner deployment in another country",
)
def cross_border_create(request, case_id: str, payload: CrossBorderIn):
    require_capability(request.auth, Capability.CASE_REFER)
    access = access_case(request.auth, case_id, write=True, audit=False)
    try:
        referral = refer_abroad(access.case, actor=request.auth, **payload.dict())
    except CaseError as error:
        invalid([("body", str(error))])
    return Status(201, referral_data(referral))


@router.get("/referrals/{referral_id}/shared", summary="What a partner deployment shared")
def cross_border_shared(request, referral_id: str):
    """The receiver reads the shared sections once it has accepted; nothing after a revoke."""
    referral = access_referral(request.auth, referral_id)
    link = PeerReferral.objects.filter(referral=referral, incoming=True).first()
    if link is None or referral.to_organisation_id != request.auth.organisation_id:
        invalid([("referral", _("This referral did not come from another country."))])
    if referral.state not in ANSWERED_STATES or not link.shared:
        invalid([("referral", _("Accept the referral to see what was shared."))])
    record_event("case.viewed", actor=request.auth, obj=referral.case, summary={"shared": True})
    return json.loads(link.shared)
