"""A scored result in words, in one language: for pages, the API and (later) case records."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from haven.screening import questionnaires
from haven.screening.questionnaires import DIMENSIONS, Questionnaire
from haven.screening.scoring import Outcome, Result

OUTCOME_LABELS = {
    "frontline": {
        Outcome.STRONG: gettext_lazy("Strong indication of trafficking"),
        Outcome.POSSIBLE: gettext_lazy("Possible trafficking: find out more"),
        Outcome.NONE: gettext_lazy("No indication from these answers"),
    },
    "public": {
        Outcome.STRONG: gettext_lazy("Strong signs of forced labour"),
        Outcome.POSSIBLE: gettext_lazy("Some warning signs"),
        Outcome.NONE: gettext_lazy("No warning signs in these answers"),
    },
}
ELEMENT_LABELS = {
    "recruitment_means": gettext_lazy(
        "recruitment by deception, coercion or abuse of vulnerability"
    ),
    "exploitation": gettext_lazy("exploitative conditions of work"),
    "destination_means": gettext_lazy("coercion or abuse of vulnerability at destination"),
    "act_or_control": gettext_lazy("how the child was recruited, moved or controlled"),
    "coercion": gettext_lazy("coercion at destination"),
}
UNANSWERED = gettext_lazy(
    "No question was answered yes or no, so there is no result. Answer the questions you can."
)
STRENGTH_LABELS = {
    "strong": gettext_lazy("strong"),
    "medium": gettext_lazy("medium"),
    "weak": gettext_lazy("weak"),
}


def outcome_label(outcome: Outcome, audience: str) -> str:
    return str(OUTCOME_LABELS[audience][outcome])


def _strength(questionnaire: Questionnaire, dimension: str, indicator: str) -> str:
    for question in questionnaire.questions:
        if question.dimension == dimension and question.indicator == indicator:
            return question.strength
    return "medium"


def _indicator(questionnaire, vocabulary, dimension, code, language) -> dict:
    strength = _strength(questionnaire, dimension, code)
    return {
        "code": code,
        "name": vocabulary.indicator_name(code, language),
        "strength": strength,
        "strength_label": str(STRENGTH_LABELS[strength]),
    }


def _drivers(result: Result, questionnaire: Questionnaire, vocabulary, language) -> list[dict]:
    drivers, seen = [], set()
    if result.reason in ("rule_met", "dimension_positive"):
        for name in result.positive_dimensions:
            for code in result.dimensions[name].indicators:
                if code not in seen:
                    seen.add(code)
                    drivers.append(_indicator(questionnaire, vocabulary, name, code, language))
    elif result.reason == "strong_indicator":
        for code in result.strong_indicators:
            dimension = next(
                q.dimension
                for q in questionnaire.questions
                if q.indicator == code and q.strength == "strong"
            )
            drivers.append(_indicator(questionnaire, vocabulary, dimension, code, language))
    return drivers


def explanation(result: Result, questionnaire: Questionnaire, language: str) -> str:
    """One paragraph for staff: what is positive, what is missing, what drove the outcome."""
    vocabulary = questionnaires.vocabulary()
    with translation.override(language):
        dimensions = ", ".join(
            vocabulary.dimension_name(name, language) for name in result.positive_dimensions
        )
        missing = ", ".join(str(ELEMENT_LABELS[name]) for name in result.missing)
        if result.reason == "rule_met":
            parts = [_("The combination rule is met: %(dimensions)s.") % {"dimensions": dimensions}]
        elif result.reason == "dimension_positive":
            parts = [
                _("Positive: %(dimensions)s. These answers do not show %(missing)s.")
                % {"dimensions": dimensions, "missing": missing}
            ]
        elif result.reason == "strong_indicator":
            parts = [_("No dimension is positive, but a strong indicator was answered yes.")]
        else:
            parts = [_("No dimension is positive and no strong indicator was answered yes.")]
        drivers = _drivers(result, questionnaire, vocabulary, language)
        if drivers:
            listed = "; ".join(f"{item['name']} ({item['strength_label']})" for item in drivers)
            parts.append(_("Indicators: %(indicators)s.") % {"indicators": listed})
        unknown = len(result.unknown_questions)
        if unknown:
            parts.append(
                ngettext(
                    "%(count)d question was answered “don't know” or not asked.",
                    "%(count)d questions were answered “don't know” or not asked.",
                    unknown,
                )
                % {"count": unknown}
            )
        if result.could_be:
            parts.append(
                _("If those answers were yes, the outcome would be: %(outcome)s.")
                % {"outcome": outcome_label(result.could_be, questionnaire.audience)}
            )
        return " ".join(parts)


def describe(result: Result, questionnaire: Questionnaire, language: str) -> dict:
    """Everything a page needs to show a result, in one language."""
    vocabulary = questionnaires.vocabulary()
    with translation.override(language):
        dimensions = [
            {
                "code": name,
                "name": vocabulary.dimension_name(name, language),
                "positive": result.dimensions[name].positive,
                "indicators": [
                    _indicator(questionnaire, vocabulary, name, code, language)
                    for code in result.dimensions[name].indicators
                ],
            }
            for name in DIMENSIONS
        ]
        return {
            "questionnaire": questionnaire,
            "title": questionnaire.title_in(language),
            "version": result.version,
            "outcome": str(result.outcome),
            "label": outcome_label(result.outcome, questionnaire.audience),
            "explanation": explanation(result, questionnaire, language),
            "next_steps": questionnaire.next_steps_in(
                result.outcome, language, result.yes_questions
            ),
            "urgent": result.urgent,
            "dimensions": dimensions,
            "drivers": _drivers(result, questionnaire, vocabulary, language),
            "missing": [str(ELEMENT_LABELS[name]) for name in result.missing],
            # A result saved under an older version may name a question that no longer exists.
            "yes_questions": [
                questionnaire.question(qid).text_in(language)
                for qid in result.yes_questions
                if questionnaire.question(qid)
            ],
            "unknown_count": len(result.unknown_questions),
            "could_be": outcome_label(result.could_be, questionnaire.audience)
            if result.could_be
            else None,
        }
