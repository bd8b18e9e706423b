"""Consultations for members: the list and a create form (consult.manage), one consultation with
its numbered sections where members comment, propose amendments and support proposals, and where
the organiser moves it on and answers each proposal. Ordinary signed-in forms with CSRF."""

import re
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from haven.accounts.access import staff_view
from haven.accounts.roles import Capability
from haven.participation import consultations as rules
from haven.participation.consultation_views import sections
from haven.participation.models import Answer, Contribution, Kind, Moderation, Phase

HEADING = re.compile(r"^##\s+(.+)$", re.MULTILINE)


def parse_sections(text: str) -> list[dict]:
    """`## Title` lines start the sections; the lines below each are its Markdown text."""
    parts = HEADING.split(text or "")
    pairs = zip(parts[1::2], parts[2::2], strict=True)
    return [{"title": title.strip(), "body": body.strip()} for title, body in pairs]


@require_safe
@staff_view()
def consultations(request):
    context = {
        "consultations": rules.consultations_visible_to(request.user).select_related(
            "organisation"
        ),
        "manages": rules.is_manager(request.user),
        "languages": settings.LANGUAGES,
    }
    return render(request, "participation/staff_consultations.html", context)


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise rules.Refused(field, _("Enter a date as YYYY-MM-DD.")) from None


@require_POST
@staff_view(Capability.CONSULT_MANAGE)
def create(request):
    post = request.POST
    try:
        consultation = rules.create(
            request.user,
            title=post.get("title", "").strip()[:200] or _("Untitled consultation"),
            summary=post.get("summary", "").strip()[:2000],
            sections=parse_sections(post.get("sections", "")),
            languages=post.getlist("languages"),
            opens=_date(post.get("opens", ""), "opens"),
            closes=_date(post.get("closes", ""), "closes"),
            public=post.get("public") == "on",
        )
    except rules.Refused as error:
        messages.error(request, f"{error.field}: {error.message}")
        return redirect("participation_staff:consultations")
    return redirect("participation_staff:consultation", consultation.pk)


@require_safe
@staff_view()
def consultation(request, consultation_id: int):
    found = rules.access_consultation(request.user, consultation_id)
    organiser = rules.is_organiser(request.user, found)
    context = {
        "consultation": found,
        "sections": sections(found),
        "accepts": rules.accepts_comments(found),
        "organiser": organiser,
        "next_phase": rules.NEXT_PHASE.get(found.status),
        "phases": dict(Phase.choices),
        "answers": Answer.choices,
        "proposals": rules.proposals(found).annotate(support_count=Count("supports")),
        "supported": set(
            found.contributions.filter(author=request.user, kind=Kind.SUPPORT).values_list(
                "proposal_id", flat=True
            )
        ),
    }
    return render(request, "participation/staff_consultation.html", context)


def _back(request, consultation, error: rules.Refused | None = None, done: str = ""):
    if error is not None:
        messages.error(request, f"{error.field}: {error.message}")
    elif done:
        messages.success(request, done)
    return redirect("participation_staff:consultation", consultation.pk)


@require_POST
@staff_view()
def contribute(request, consultation_id: int):
    found = rules.access_consultation(request.user, consultation_id)
    post = request.POST
    try:
        rules.contribute(
            request.user,
            found,
            kind=post.get("kind", ""),
            body=post.get("body", ""),
            section=post.get("section") or None,
            proposal=post.get("proposal") or None,
        )
    except rules.Refused as error:
        return _back(request, found, error)
    return _back(request, found, done=_("Thank you: your contribution is published."))


@require_POST
@staff_view(Capability.CONSULT_MANAGE)
def change_phase(request, consultation_id: int):
    found = rules.access_consultation(request.user, consultation_id)
    phase, response = request.POST.get("phase", ""), request.POST.get("response", "")
    try:
        rules.move_on(request.user, found, phase, response)
    except rules.Refused as error:
        return _back(request, found, error)
    return _back(request, found, done=_("Done: %s.") % found.get_status_display())


@require_POST
@staff_view(Capability.CONSULT_MANAGE)
def answer(request, contribution_id: int):
    visible = rules.consultations_visible_to(request.user)
    found = None
    if rules.valid_id(contribution_id):
        found = Contribution.objects.filter(
            pk=contribution_id, consultation__in=visible, moderation=Moderation.PUBLISHED
        ).first()
    if found is None:
        raise Http404
    decision, reason = request.POST.get("decision", ""), request.POST.get("reason", "")
    try:
        rules.answer(request.user, found, decision, reason)
    except rules.Refused as error:
        return _back(request, found.consultation, error)
    return _back(request, found.consultation, done=_("Answer recorded."))
