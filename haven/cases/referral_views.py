"""Referrals between organisations: send one, see them in and out, answer, revoke, transfer."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from haven.accounts.access import staff_view
from haven.accounts.roles import Capability
from haven.cases import handover, referrals
from haven.cases.access import access_case, access_referral, access_thread
from haven.cases.forms import MessageForm, ReferralForm, ResponseForm
from haven.cases.models import VISIBLE_STATES, Referral, Section
from haven.cases.services import CaseError
from haven.lib.pagination import CappedPaginator


@staff_view(Capability.CASE_REFER)
def refer(request, case_id):
    access = access_case(request.user, case_id, write=True, audit=request.method == "GET")
    case = access.case
    form = ReferralForm(request.POST or None, case=case)
    allowed = referrals.shareable_sections(case)
    if request.method == "POST" and form.is_valid():
        try:
            referral = referrals.refer(case, actor=request.user, **form.cleaned_data)
        except CaseError as error:
            form.add_error("sections", str(error))
        else:
            messages.success(
                request,
                _("Referred to %(organisation)s.") % {"organisation": referral.to_organisation},
            )
            return redirect("cases:detail", case.pk)
    context = {
        "form": form,
        "case": case,
        "allowed": [label for value, label in Section.choices if value in allowed],
    }
    return render(request, "cases/refer.html", context)


@staff_view(Capability.CASE_READ)
def referral_list(request):
    organisation = request.user.organisation_id
    direction = request.GET.get("direction", "incoming")
    if direction == "outgoing":
        rows = Referral.objects.filter(from_organisation=organisation)
    else:
        direction = "incoming"
        rows = Referral.objects.filter(to_organisation=organisation)
    state = request.GET.get("state", "")
    if state in dict(Referral._meta.get_field("state").choices):
        rows = rows.filter(state=state)
    rows = rows.select_related("case", "from_organisation", "to_organisation").defer(
        "details", "response_note"
    )
    page = CappedPaginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/referrals.html",
        {
            "page": page,
            "direction": direction,
            "state": state,
            "states": Referral._meta.get_field("state").choices,
            "visible_states": VISIBLE_STATES,
        },
    )


# Lazy: the message is translated when shown, in the language of that request.
ACTIONS = {
    "accept": (referrals.accept, gettext_lazy("Referral accepted.")),
    "decline": (referrals.decline, gettext_lazy("Referral declined.")),
    "complete": (referrals.complete, gettext_lazy("Referral completed.")),
}


@require_POST
@staff_view(Capability.CASE_READ)
def respond(request, referral_id, action):
    referral = access_referral(request.user, referral_id)
    form = ResponseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    function, done = ACTIONS[action]
    try:
        function(referral, actor=request.user, note=note)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    if referral.state in VISIBLE_STATES:
        return redirect("cases:detail", referral.case_id)
    return redirect("cases:referrals")


@require_POST
@staff_view(Capability.CASE_REFER)
def revoke(request, referral_id):
    referral = access_referral(request.user, referral_id)
    try:
        referrals.revoke(referral, actor=request.user)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Referral revoked: the other organisation no longer sees the case.")
        )
    return redirect("cases:detail", referral.case_id)


def _handed_message(case, handed: dict) -> str:
    kinds = {"notes": _("internal notes"), "attachments": _("files"), "history": _("history")}
    given = [str(label) for kind, label in kinds.items() if handed[kind]]
    message = _("%(reference)s now belongs to %(organisation)s.") % {
        "reference": case.reference,
        "organisation": case.organisation,
    }
    if not given:
        return message + " " + _("Your internal notes, files and history were not handed over.")
    return message + " " + _("Handed over with it: %(kinds)s.") % {"kinds": ", ".join(given)}


@require_POST
@staff_view(Capability.CASE_REFER)
def transfer(request, referral_id):
    referral = access_referral(request.user, referral_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the transfer."))
        return redirect("cases:detail", referral.case_id)
    # Nothing of the sender's own records goes unless its box is ticked.
    handed = {kind: request.POST.get(kind) == "yes" for kind in handover.KINDS}
    try:
        case = referrals.transfer_ownership(referral, actor=request.user, **handed)
    except CaseError as error:
        messages.error(request, str(error))
        return redirect("cases:detail", referral.case_id)
    messages.success(request, _handed_message(case, handed))
    return redirect("cases:list")


@require_POST
@staff_view(Capability.CASE_READ)
def message(request, referral_id):
    """Write in the referral's thread; both organisations read it on the case page."""
    referral = access_thread(request.user, referral_id, write=True)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the message first."))
    else:
        try:
            referrals.post_message(referral, actor=request.user, body=form.cleaned_data["body"])
        except CaseError as error:  # e.g. a referral abroad that was revoked
            messages.error(request, str(error))
        else:
            messages.success(request, _("Message sent."))
    return redirect("cases:detail", referral.case_id)
