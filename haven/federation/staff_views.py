"""Staff pages: refer a case to an organisation of a partner deployment abroad; hand it over."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from haven.accounts.access import staff_view
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.access import access_case, access_referral
from haven.cases.services import CaseError
from haven.federation.forms import CrossBorderForm, HandoverForm
from haven.federation.handover import hand_over_abroad, outgoing_link, what_moves
from haven.federation.referrals import refer_abroad


@staff_view(Capability.CASE_REFER)
def refer(request, case_id):
    access = access_case(request.user, case_id, write=True, audit=request.method == "GET")
    form = CrossBorderForm(request.POST or None, case=access.case)
    if request.method == "POST" and form.is_valid():
        try:
            refer_abroad(access.case, actor=request.user, **form.refer_arguments())
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Sent to the partner deployment in the other country."))
            return redirect("cases:detail", access.case.pk)
    return render(request, "federation/refer.html", {"form": form, "case": access.case})


@staff_view(Capability.CASE_REFER)
def hand_over(request, referral_id):
    """The confirmation step, then the hand-over: names the deployment, the organisation and what
    moves; refusals (missing consent items) are shown before anything is sent."""
    referral = access_referral(request.user, referral_id)
    if referral.case.organisation_id != request.user.organisation_id:
        raise Http404
    if outgoing_link(referral) is None:
        raise Http404
    form = HandoverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            hand_over_abroad(referral, actor=request.user)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The case was handed over. It stays here, read-only."))
            return redirect("cases:detail", referral.case_id)
    if request.method == "GET":
        record_event("case.viewed", actor=request.user, obj=referral.case, summary={})
    context = {"form": form, "referral": referral, "case": referral.case, **what_moves(referral)}
    return render(request, "federation/handover.html", context)
