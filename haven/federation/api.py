"""Cross-border referrals in the JSON API: send one abroad, read what a peer shared, hand over."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from haven.accounts.access import require_capability
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.access import ANSWERED_STATES, access_case, access_referral
from haven.cases.presenters import referral_data
from haven.cases.services import CaseError
from haven.federation.handover import hand_over_abroad, what_moves
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


class HandoverIn(Schema):
    confirm: bool = False


def _handover_referral(user, referral_id):
    """A referral the user's organisation sent abroad, from a case it owns; else 404 (403 for a
    role without `case.refer`)."""
    referral = access_referral(user, referral_id)
    if referral.case.organisation_id != user.organisation_id:
        raise Http404
    if not PeerReferral.objects.filter(referral=referral, incoming=False).exists():
        raise Http404  # not sent abroad: there is no hand-over to another country to make
    require_capability(user, Capability.CASE_REFER)
    return referral


@router.get(
    "/referrals/{referral_id}/hand-over",
    summary="Before handing the case over abroad: where it goes, what moves, what is missing",
)
def handover_preview(request, referral_id: str):
    referral = _handover_referral(request.auth, referral_id)
    if not PeerReferral.objects.filter(referral=referral, incoming=False).exists():
        invalid(
            [("referral", _("Only a case referred to another country can be handed over to it."))]
        )
    record_event("case.viewed", actor=request.auth, obj=referral.case, summary={})
    return json.loads(json.dumps(what_moves(referral), cls=DjangoJSONEncoder))


@router.post(
    "/referrals/{referral_id}/hand-over",
    response={200: dict},
    summary="Hand the case over for good to the organisation abroad that accepted the referral",
)
def handover(request, referral_id: str, payload: HandoverIn):
    referral = _handover_referral(request.auth, referral_id)
    if not payload.confirm:
        invalid(
            [("confirm", _("Confirm the hand-over: the case moves to the other country for good."))]
        )
    try:
        hand_over_abroad(referral, actor=request.auth)
    except CaseError as error:
        invalid([("body", str(error))])
    referral.refresh_from_db()
    return referral_data(referral)
