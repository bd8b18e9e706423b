"""Public consultation pages: the list, one consultation with its published comments and the
closing summary, and the comment form for anyone without an account (no cookie, no address kept,
rate-limited as the report form is, published after moderation)."""

import io

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from haven.hub.markdown import render as markdown
from haven.lib.public_forms import form_token, public_form
from haven.lib.ratelimit import hit
from haven.lib.spreadsheets import SafeWriter
from haven.participation import consultations as rules
from haven.participation.models import Moderation, Phase


@require_safe
def consultations(request):
    found = rules.consultations_visible_to(None).select_related("organisation")
    context = {
        "open": [c for c in found if c.status == Phase.OPEN],
        "closed": [c for c in found if c.status in (Phase.CLOSED, Phase.PUBLISHED)],
    }
    return render(request, "participation/consultations.html", context)


def sections(consultation) -> list[dict]:
    """Numbered sections in HTML, each with its published contributions, amendments as diffs."""
    found = list(
        consultation.contributions.filter(moderation=Moderation.PUBLISHED)
        .exclude(kind="support")
        .select_related("organisation")
        .annotate(support_count=Count("supports"))
    )
    result = []
    for section in consultation.numbered_sections:
        items = [c for c in found if c.section == section["number"]]
        for item in items:
            if item.kind == "amendment":
                item.diff = rules.diff_html(section["body"], item.body)
        html = mark_safe(markdown(section["body"], get_language()))  # noqa: S308 - no raw HTML
        result.append({**section, "html": html, "contributions": items})
    return result


def _page(request, consultation, status=200, error="", sent=False, body=""):
    context = {
        "consultation": consultation,
        "accepts": rules.accepts_comments(consultation) and consultation.public,
        "sections": sections(consultation),
        "contributions": consultation.contributions.filter(
            moderation=Moderation.PUBLISHED, section__isnull=True
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
        rules.comment(found, body, request.POST.get("section") or None)
    except rules.Refused as error:
        return _page(request, found, status=400, error=error.message, body=body)
    return _page(request, found, status=202, sent=True)


def _published(consultation_id):
    found = rules.access_consultation(None, consultation_id)
    if found.status != Phase.PUBLISHED:
        raise Http404
    return found


@require_safe
def response(request, consultation_id: int):
    """What we heard and what we did: every proposal with its answer; prints well to PDF."""
    found = _published(consultation_id)
    heard = found.contributions.filter(moderation=Moderation.PUBLISHED)
    context = {
        "consultation": found,
        "proposals": rules.proposals(found).annotate(support_count=Count("supports")),
        "comments": heard.filter(kind="comment").count(),
        "organisations": heard.exclude(organisation=None).values("organisation").distinct().count(),
    }
    return render(request, "participation/consultation_response.html", context)


@require_safe
def response_csv(request, consultation_id: int):
    found = _published(consultation_id)
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(["proposal", "section", "organisation", "text", "supports", "answer", "reason"])
    for item in rules.proposals(found).annotate(support_count=Count("supports")):
        writer.writerow([item.pk, item.section, item.organisation.name, item.body,
                         item.support_count, item.answer, item.answer_reason])  # fmt: skip
    reply = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    reply["Content-Disposition"] = f'attachment; filename="consultation-{found.pk}-response.csv"'
    return reply
