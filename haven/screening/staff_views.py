"""Frontline screening without a case (a hotline call, a first contact): scored, never stored."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_safe

from haven.accounts.access import staff_view
from haven.accounts.roles import Capability
from haven.screening import questionnaires
from haven.screening.forms import QuestionnaireForm
from haven.screening.scoring import evaluate
from haven.screening.summaries import describe


def _get_questionnaire(questionnaire_id: str) -> questionnaires.Questionnaire:
    try:
        return questionnaires.get(questionnaire_id)
    except questionnaires.UnknownQuestionnaire:
        raise Http404 from None


@staff_view(Capability.SCREENING_USE)
@require_safe
def index(request):
    context = {"questionnaires": questionnaires.all_questionnaires(), "language": get_language()}
    return render(request, "screening/staff_index.html", context)


@staff_view(Capability.SCREENING_USE)
@require_http_methods(["GET", "POST"])
def screen(request, questionnaire_id):
    questionnaire = _get_questionnaire(questionnaire_id)
    language = get_language()
    form = QuestionnaireForm(request.POST or None, questionnaire=questionnaire, language=language)
    summary = None
    if request.method == "POST" and form.is_valid():
        summary = describe(evaluate(questionnaire, form.answers()), questionnaire, language)
    context = {
        "questionnaire": questionnaire,
        "title": questionnaire.title_in(language),
        "description": questionnaire.description_in(language),
        "form": form,
        "summary": summary,
    }
    response = render(
        request, "screening/staff_screen.html", context, status=422 if form.errors else 200
    )
    response["Cache-Control"] = "no-store"
    return response
