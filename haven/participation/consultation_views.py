"""Public consultation pages: the list, one consultation with its published comments and the
closing summary, and the comment form for anyone without an account (no cookie, no address kept,
rate-limited as the report form is, published after moderation)."""

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from haven.lib.public_forms import form_token, public_form
from haven.lib.ratelimit import hit
from haven.participation import consultations as rules
from haven.participation.models import Moderation, Phase


@require_safe
def consultations(request):
    found = rules.consultations_visible_to(None).select_related("organisation")
    context = {
        "open": [c for c in found if c.status == Phase.OPEN],
        "closed": [c for c in found if c.status == Phase.CLOSED],
    }
    return render(request, "participation/consultations.html", context)


def _page(request, consultation, status=200, error="", sent=False, body=""):
    context = {
        "consultation": consultation,
        "accepts": rules.accepts_comments(consultation),
        "contributions": consultation.contributions.filter(
            moderation=Moderation.PUBLISHED
        ).select_related("organisation"),
        "error": error,
        "sent": sent,
        "body": body,
        "max_comment": rules.MAX_COMMENT,
        "form_token": form_token(),
    }
    response = render(request, "participation/consultation.html", context, status=status)
    add_never_cache_headers(response)
    return response


@public_form
@require_http_methods(["GET", "POST"])
def consultation(request, consultation_id: int):
    found = rules.access_consultation(None, consultation_id)
    if request.method == "GET":
        return _page(request, found)
    verdict = hit(request, "consultation-comment", settings.HAVEN_REPORTS_PER_HOUR, 3600)
    if not verdict.allowed:
        minutes = max(1, (verdict.retry_after + 59) // 60)
        message = _("Too many comments from here. Please try again in %s minutes.") % minutes
        response = _page(request, found, status=429, error=message)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    body = request.POST.get("body", "")
    try:
        rules.comment(found, body)
    except rules.Refused as error:
        return _page(request, found, status=400, error=error.message, body=body)
    return _page(request, found, status=201, sent=True)
