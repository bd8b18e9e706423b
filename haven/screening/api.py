"""Screening in the JSON API: questionnaires, scoring, and the job-offer check.

Public questionnaires (the self-check) and the job-offer check need no token, like the pages.
Frontline questionnaires need a token whose owner has `screening.use`, as their pages do: the
interview wording is a tool for trained staff, and UNODC warns that traffickers coach victims
against known indicators. Nothing sent here is stored.
"""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import AuthenticationError, ValidationError
from pydantic import Field

from haven.accounts.access import has_capability
from haven.accounts.api import TokenAuth
from haven.accounts.roles import Capability
from haven.lib import vocabulary
from haven.lib.vocabulary.schema import LanguageCode
from haven.screening import questionnaires
from haven.screening.joboffers import MAX_TEXT, check_job_offer
from haven.screening.scoring import AnswerError, evaluate
from haven.screening.summaries import UNANSWERED, explanation

router = Router(tags=["screening"], auth=None)
Bilingual = dict[str, str]


def _token_user(request):
    """The token's owner; None without a token; 401 for a token that is not valid."""
    if "Authorization" not in request.headers:
        return None
    user = TokenAuth()(request)
    if user is None:
        raise AuthenticationError
    return user


def _may_use_frontline(request) -> bool:
    user = _token_user(request)
    return user is not None and has_capability(user, Capability.SCREENING_USE)


def _questionnaire_for(request, questionnaire_id: str) -> questionnaires.Questionnaire:
    try:
        questionnaire = questionnaires.get(questionnaire_id)
    except questionnaires.UnknownQuestionnaire:
        raise Http404 from None
    if questionnaire.audience != "public":
        user = _token_user(request)
        if user is None:
            raise AuthenticationError
        if not has_capability(user, Capability.SCREENING_USE):
            raise PermissionDenied
    return questionnaire


class QuestionnaireSummaryOut(Schema):
    id: str
    version: int
    audience: str
    rule: str
    title: Bilingual
    description: Bilingual
    questions: int


class QuestionnaireListOut(Schema):
    questionnaires: list[QuestionnaireSummaryOut]


class QuestionOut(Schema):
    id: str
    indicator: str
    dimension: str
    strength: str
    ilo11: str | None
    text: Bilingual


class SourceOut(Schema):
    basis: str
    strengths: str
    links: list[str]


class QuestionnaireOut(Schema):
    id: str
    version: int
    audience: str
    rule: str
    title: Bilingual
    description: Bilingual
    source: SourceOut
    dimensions: dict[str, Bilingual]
    indicators: dict[str, Bilingual]
    questions: list[QuestionOut]


def _summary(questionnaire) -> dict:
    return {
        "id": questionnaire.id,
        "version": questionnaire.version,
        "audience": questionnaire.audience,
        "rule": questionnaire.rule,
        "title": dict(questionnaire.title),
        "description": dict(questionnaire.description),
        "questions": len(questionnaire.questions),
    }


@router.get(
    "/screening/questionnaires",
    response=QuestionnaireListOut,
    summary="Questionnaires: the public ones, and frontline ones for a token with screening.use",
)
def list_questionnaires(request):
    audience = None if _may_use_frontline(request) else "public"
    return {
        "questionnaires": [
            _summary(item) for item in questionnaires.all_questionnaires(audience=audience)
        ]
    }


@router.get(
    "/screening/questionnaires/{questionnaire_id}",
    response=QuestionnaireOut,
    summary="One questionnaire with its questions, indicators and sources",
)
def questionnaire_detail(request, questionnaire_id: str):
    questionnaire = _questionnaire_for(request, questionnaire_id)
    vocabulary = questionnaires.vocabulary()
    used = {question.indicator for question in questionnaire.questions}
    return {
        **_summary(questionnaire),
        "source": dict(questionnaire.source),
        "dimensions": {code: dict(name) for code, name in vocabulary.dimensions.items()},
        "indicators": {
            code: dict(name) for code, name in vocabulary.indicators.items() if code in used
        },
        "questions": [
            {
                "id": question.id,
                "indicator": question.indicator,
                "dimension": question.dimension,
                "strength": question.strength,
                "ilo11": question.ilo11,
                "text": dict(question.text),
            }
            for question in questionnaire.questions
        ],
    }


class EvaluateIn(Schema):
    answers: dict[str, str]
    lang: LanguageCode = vocabulary.default_language_code()


class DimensionOut(Schema):
    positive: bool
    indicators: list[str]


class EvaluateOut(Schema):
    questionnaire: str
    version: int
    # "unanswered": no question was answered yes or no, so there is no verdict.
    outcome: Literal["strong", "possible", "none", "unanswered"]
    # An answer yes to a question marked urgent (cannot leave, hurt, ...): show who to call first.
    urgent: bool
    dimensions: dict[str, DimensionOut]
    explanation: str
    next_steps: list[str]
    could_be: Literal["strong", "possible"] | None


ANSWER_MESSAGES = {
    "unknown_question": lambda: _("is not a question of this questionnaire"),
    "unknown_answer": lambda: _("must be yes, no or unknown"),
}


@router.post(
    "/screening/questionnaires/{questionnaire_id}/evaluate",
    response=EvaluateOut,
    summary="Score answers (question id: yes, no or unknown); nothing is stored",
)
def evaluate_answers(request, questionnaire_id: str, payload: EvaluateIn):
    questionnaire = _questionnaire_for(request, questionnaire_id)
    try:
        result = evaluate(questionnaire, payload.answers)
    except AnswerError as error:
        raise ValidationError(
            [
                {"loc": ("body", "payload", "answers", name), "msg": ANSWER_MESSAGES[code]()}
                for name, code in error.errors
            ]
        ) from None
    return _evaluation(result, questionnaire, payload.lang)


def _evaluation(result, questionnaire, language: str) -> dict:
    answer = {
        "questionnaire": result.questionnaire,
        "version": result.version,
        "dimensions": {
            name: {"positive": item.positive, "indicators": list(item.indicators)}
            for name, item in result.dimensions.items()
        },
    }
    if not result.answered:
        with translation.override(language):
            text = str(UNANSWERED)
        return answer | {
            "outcome": "unanswered",
            "urgent": False,
            "explanation": text,
            "next_steps": [],
            "could_be": None,
        }
    return answer | {
        "outcome": result.outcome,
        "urgent": result.urgent,
        "explanation": explanation(result, questionnaire, language),
        "next_steps": questionnaire.next_steps_in(result.outcome, language, result.yes_questions),
        "could_be": result.could_be,
    }


class JobOfferIn(Schema):
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    lang: LanguageCode


class FlagOut(Schema):
    code: str
    message: str
    evidence: list[str]


class JobOfferOut(Schema):
    risk: Literal["low", "medium", "high"]
    flags: list[FlagOut]
    # The rules (and the language of the messages) used: `lang`, or "en" where `lang` has no
    # rules of its own yet.
    rules_language: str


@router.post(
    "/screening/job-offer-check",
    response=JobOfferOut,
    summary="Red flags in a job advertisement, with the words that raised them; nothing is stored",
)
def job_offer_check(request, payload: JobOfferIn):
    if not payload.text.strip():
        raise ValidationError([{"loc": ("body", "payload", "text"), "msg": _("must not be empty")}])
    check = check_job_offer(payload.text, payload.lang)
    return {
        "risk": check.risk,
        "flags": [
            {"code": flag.code, "message": flag.message, "evidence": list(flag.evidence)}
            for flag in check.flags
        ],
        "rules_language": check.rules_language,
    }
