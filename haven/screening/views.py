"""Public pages: the self-check and the job-offer check. Nothing is stored, no cookie is set.

Answers travel only in form posts (never in an address, so never in the browser's history),
and every answer page says `Cache-Control: no-store`.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from haven.hub.selectors import default_nationality, emergency_lines, lines_for
from haven.lib import vocabulary
from haven.lib.public_forms import form_token, public_form
from haven.reports.forms import ReportForm
from haven.reports.models import Exploitation
from haven.screening import questionnaires
from haven.screening.forms import JobOfferForm, SelfCheckForm
from haven.screening.joboffers import check_job_offer, has_rules
from haven.screening.scoring import Outcome, evaluate
from haven.screening.summaries import describe

SELF_CHECK = "self-check"


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _page(request, template, context, status=200):
    response = render(request, template, {**context, "form_token": form_token()}, status=status)
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store"
    return response


def _self_check_form(request):
    return SelfCheckForm(
        request.POST or None,
        questionnaire=questionnaires.get(SELF_CHECK),
        language=_language(),
    )


def _form_context(form) -> dict:
    return {
        "form": form,
        "title": form.questionnaire.title_in(form.language),
        "description": form.questionnaire.description_in(form.language),
    }


@public_form
@require_http_methods(["GET", "POST"])
def self_check(request):
    form = _self_check_form(request)
    if request.method == "POST" and form.is_valid():
        language = _language()
        result = evaluate(form.questionnaire, form.answers())
        chosen = form.cleaned_data["country"]
        country = chosen or settings.HAVEN_COUNTRY
        context = {
            "form": form,
            "summary": describe(result, form.questionnaire, language),
            "country": country,
            "country_name": vocabulary.country_name(country, language),
            "other_country": not chosen,
            "lines": lines_for(country, default_nationality(language)).lines,
            "urgent_lines": (
                emergency_lines(country, default_nationality(language)) if result.urgent else None
            ),
        }
        return _page(request, "screening/self_check_result.html", context)
    status = 422 if form.errors else 200
    return _page(request, "screening/self_check.html", _form_context(form), status=status)


def report_description(summary: dict) -> str:
    """The start of an anonymous report, in the reporter's words as far as we can guess them."""
    lines = [_("I took the self-check on Haven.")]
    if summary["yes_questions"]:
        lines.append(_("I answered yes to these questions:"))
        lines += [f"- {text}" for text in summary["yes_questions"]]
    lines += ["", _("What else I want to tell you:"), ""]
    return "\n".join(lines)


@public_form
@require_POST
def self_check_report(request):
    """The report form, filled from the self-check answers; the reporter edits it and decides."""
    form = _self_check_form(request)
    if not form.is_valid():
        return _page(request, "screening/self_check.html", _form_context(form), status=422)
    result = evaluate(form.questionnaire, form.answers())
    summary = describe(result, form.questionnaire, _language())
    initial = {
        "description": report_description(summary),
        "country": form.cleaned_data["country"] or settings.HAVEN_COUNTRY,
        "children_involved": "unknown",
        "exploitation_types": [Exploitation.FORCED_LABOUR]
        if result.outcome != Outcome.NONE
        else [],
    }
    return _page(request, "reports/new.html", {"form": ReportForm(initial=initial)})


@public_form
@require_http_methods(["GET", "POST"])
def job_check(request):
    form = JobOfferForm(request.POST or None)
    # A language without its own rules reads English ones: the page says so.
    context = {"form": form, "check": None, "rules_fallback": not has_rules(_language())}
    if request.method == "POST" and form.is_valid():
        # People paste offers in any language, whichever language they read Haven in.
        context["check"] = check_job_offer(
            form.cleaned_data["text"], _language(), rule_languages=vocabulary.language_codes()
        )
    status = 422 if form.errors else 200
    return _page(request, "screening/job_check.html", context, status=status)
