"""Screening a person inside a case: a frontline questionnaire, scored and kept with its version."""

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from haven.accounts.access import require_capability, staff_view
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases import services
from haven.cases.access import access_case
from haven.cases.models import Section
from haven.screening import questionnaires
from haven.screening.forms import QuestionnaireForm
from haven.screening.scoring import Result, evaluate
from haven.screening.summaries import describe


def _questionnaire(questionnaire_id):
    try:
        questionnaire = questionnaires.get(questionnaire_id)
    except questionnaires.UnknownQuestionnaire:
        raise Http404 from None
    if questionnaire.audience != "frontline":
        raise Http404
    return questionnaire


def _frontline_questionnaires(language):
    return [
        (item.id, item.title_in(language))
        for item in questionnaires.all_questionnaires(audience="frontline")
    ]


# The capability is checked after the case: outsiders get 404 whatever their role (STYLE.md).
@staff_view()
def screen(request, case_id):
    case = access_case(request.user, case_id, write=True, audit=request.method == "GET").case
    require_capability(request.user, Capability.SCREENING_USE)
    language = get_language()
    participants = list(case.participants.exclude(role="perpetrator").select_related("person"))
    chosen = request.GET.get("questionnaire") or request.POST.get("questionnaire")
    if not chosen:
        return render(
            request,
            "cases/screen.html",
            {
                "case": case,
                "questionnaires": _frontline_questionnaires(language),
                "participants": participants,
                "language": language,
            },
        )
    questionnaire = _questionnaire(chosen)
    participant_id = request.GET.get("participant") or request.POST.get("participant")
    participant = next((p for p in participants if str(p.pk) == participant_id), None)
    form = QuestionnaireForm(request.POST or None, questionnaire=questionnaire, language=language)
    if request.method == "POST" and form.is_valid():
        result = evaluate(questionnaire, form.answers())
        services.save_screening(case, actor=request.user, result=result, participant=participant)
        messages.success(request, _("The screening was saved in the case."))
        return redirect("cases:detail", case.pk)
    return render(
        request,
        "cases/screen.html",
        {
            "case": case,
            "questionnaire": questionnaire,
            "title": questionnaire.title_in(language),
            "participant": participant,
            "form": form,
        },
        status=422 if form.errors else 200,
    )


@staff_view()
def screening(request, case_id, screening_id):
    access = access_case(request.user, case_id, audit=False)
    require_capability(request.user, Capability.SCREENING_USE)
    access.require(Section.EXPLOITATION)
    item = get_object_or_404(
        access.case.screenings.select_related("participant__person", "screened_by"),
        pk=screening_id,
    )
    record_event(
        "case.screening_viewed",
        actor=request.user,
        obj=access.case,
        summary={"screening": str(item.pk)},
    )
    language = get_language()
    result = Result.from_dict(json.loads(item.record))
    try:
        questionnaire = questionnaires.get(item.questionnaire)
    except questionnaires.UnknownQuestionnaire:
        raise Http404 from None
    return render(
        request,
        "cases/screening.html",
        {
            "case": access.case,
            "item": item,
            "summary": describe(result, questionnaire, language),
            "title": questionnaire.title_in(language),
        },
    )
