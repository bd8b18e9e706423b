"""Scoring a questionnaire: the ILO/EC combination rule, as pure functions.

A dimension is positive when the indicators answered "yes" in it include at least
  (a) two strong ones, or
  (b) one strong and one medium or weak, or
  (c) three medium, or
  (d) two medium and one weak
(ILO and European Commission, Operational indicators of trafficking in human beings, 2009). An
indicator counts once however many questions ask about it; "don't know" and "no" never count.

The outcome then combines the dimensions, by the questionnaire's rule:
  adult          means at recruitment (deceptive, coercive or abuse of vulnerability) AND
                 exploitation AND means at destination (coercion or abuse of vulnerability);
  child          exploitation AND any other dimension (a child needs no means);
  forced_labour  exploitation AND coercion at destination.
The rule met is a *strong indication*; short of it, any positive dimension or any strong
indicator answered "yes" is a *possible* case; otherwise there is *no indication from these
answers*. See docs/screening.md.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from haven.screening.questionnaires import DIMENSIONS, Questionnaire


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Outcome(StrEnum):
    STRONG = "strong"
    POSSIBLE = "possible"
    NONE = "none"


RANK = {Outcome.NONE: 0, Outcome.POSSIBLE: 1, Outcome.STRONG: 2}

# The elements of each rule: name -> the dimensions any one of which makes it present.
RECRUITMENT_MEANS = ("deceptive_recruitment", "coercive_recruitment", "recruitment_vulnerability")
DESTINATION_MEANS = ("coercion_destination", "destination_vulnerability")
ELEMENTS = {
    "adult": {
        "recruitment_means": RECRUITMENT_MEANS,
        "exploitation": ("exploitation",),
        "destination_means": DESTINATION_MEANS,
    },
    "child": {
        "exploitation": ("exploitation",),
        "act_or_control": RECRUITMENT_MEANS + DESTINATION_MEANS,
    },
    "forced_labour": {
        "exploitation": ("exploitation",),
        "coercion": ("coercion_destination",),
    },
}


class AnswerError(ValueError):
    """Answers that do not fit the questionnaire: a list of (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors))
        self.errors = errors


def check_answers(questionnaire: Questionnaire, answers: Mapping[str, str]) -> dict[str, Answer]:
    """Every question's answer; a question left out is "unknown". Unknown ids or values fail."""
    errors = []
    for question_id, value in answers.items():
        if questionnaire.question(question_id) is None:
            errors.append((question_id, "unknown_question"))
        elif value not in Answer.__members__.values():
            errors.append((question_id, "unknown_answer"))
    if errors:
        raise AnswerError(errors)
    return {
        question.id: Answer(answers.get(question.id, Answer.UNKNOWN))
        for question in questionnaire.questions
    }


def positive_branch(strong: int, medium: int, weak: int) -> str | None:
    """Which branch of the combination rule makes a dimension positive, or None."""
    if strong >= 2:
        return "two_strong"
    if strong >= 1 and medium + weak >= 1:
        return "strong_and_other"
    if medium >= 3:
        return "three_medium"
    if medium >= 2 and weak >= 1:
        return "two_medium_one_weak"
    return None


@dataclass(frozen=True)
class DimensionResult:
    positive: bool
    branch: str | None
    indicators: tuple[str, ...]  # answered yes, distinct, in question order
    strong: int = 0
    medium: int = 0
    weak: int = 0


@dataclass(frozen=True)
class Result:
    questionnaire: str
    version: int
    rule: str
    outcome: Outcome
    reason: str  # rule_met | dimension_positive | strong_indicator | nothing
    dimensions: dict[str, DimensionResult]
    answers: dict[str, Answer]
    missing: tuple[str, ...] = ()  # rule elements these answers do not show
    strong_indicators: tuple[str, ...] = ()  # strong indicators answered yes
    could_be: Outcome | None = None  # the outcome if every "unknown" were "yes", when higher
    urgent_questions: tuple[str, ...] = ()  # questions marked urgent and answered yes

    @property
    def answered(self) -> bool:
        """False when no question was answered yes or no: then there is no verdict at all."""
        return any(answer != Answer.UNKNOWN for answer in self.answers.values())

    @property
    def urgent(self) -> bool:
        return bool(self.urgent_questions)

    @property
    def positive_dimensions(self) -> list[str]:
        return [name for name in DIMENSIONS if self.dimensions[name].positive]

    @property
    def unknown_questions(self) -> list[str]:
        return [qid for qid, answer in self.answers.items() if answer == Answer.UNKNOWN]

    @property
    def yes_questions(self) -> list[str]:
        return [qid for qid, answer in self.answers.items() if answer == Answer.YES]

    @property
    def drivers(self) -> list[str]:
        """The indicators that drove the outcome (positive dimensions, or strong ones alone)."""
        if self.reason in ("rule_met", "dimension_positive"):
            found = []
            for name in self.positive_dimensions:
                found += [code for code in self.dimensions[name].indicators if code not in found]
            return found
        if self.reason == "strong_indicator":
            return list(self.strong_indicators)
        return []

    def to_dict(self) -> dict:
        """A JSON-ready record, enough to show the result again without re-scoring it."""
        return {
            "questionnaire": self.questionnaire,
            "version": self.version,
            "rule": self.rule,
            "outcome": str(self.outcome),
            "reason": self.reason,
            "answers": {qid: str(answer) for qid, answer in self.answers.items()},
            "dimensions": {
                name: {
                    "positive": item.positive,
                    "branch": item.branch,
                    "indicators": list(item.indicators),
                    "strong": item.strong,
                    "medium": item.medium,
                    "weak": item.weak,
                }
                for name, item in self.dimensions.items()
            },
            "missing": list(self.missing),
            "strong_indicators": list(self.strong_indicators),
            "could_be": str(self.could_be) if self.could_be else None,
            "urgent_questions": list(self.urgent_questions),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> "Result":
        return cls(
            questionnaire=data["questionnaire"],
            version=int(data["version"]),
            rule=data["rule"],
            outcome=Outcome(data["outcome"]),
            reason=data["reason"],
            answers={qid: Answer(value) for qid, value in data["answers"].items()},
            dimensions={
                name: DimensionResult(
                    positive=item["positive"],
                    branch=item["branch"],
                    indicators=tuple(item["indicators"]),
                    strong=item["strong"],
                    medium=item["medium"],
                    weak=item["weak"],
                )
                for name, item in data["dimensions"].items()
            },
            missing=tuple(data.get("missing", ())),
            strong_indicators=tuple(data.get("strong_indicators", ())),
            could_be=Outcome(data["could_be"]) if data.get("could_be") else None,
            urgent_questions=tuple(data.get("urgent_questions", ())),
        )


def score_dimensions(
    questionnaire: Questionnaire, answers: Mapping[str, Answer]
) -> dict[str, DimensionResult]:
    found: dict[str, dict[str, str]] = {name: {} for name in DIMENSIONS}
    for question in questionnaire.questions:
        if answers.get(question.id) == Answer.YES:
            found[question.dimension].setdefault(question.indicator, question.strength)
    results = {}
    for name in DIMENSIONS:
        strengths = list(found[name].values())
        counts = {level: strengths.count(level) for level in ("strong", "medium", "weak")}
        branch = positive_branch(**counts)
        results[name] = DimensionResult(
            positive=branch is not None,
            branch=branch,
            indicators=tuple(found[name]),
            **counts,
        )
    return results


def combine(rule: str, positive: set[str], strong_yes: bool) -> tuple[Outcome, str, tuple]:
    """(outcome, reason, missing elements) from the positive dimensions."""
    elements = ELEMENTS[rule]
    missing = tuple(
        name for name, dimensions in elements.items() if not positive.intersection(dimensions)
    )
    if not missing:
        return Outcome.STRONG, "rule_met", ()
    if positive:
        return Outcome.POSSIBLE, "dimension_positive", missing
    if strong_yes:
        return Outcome.POSSIBLE, "strong_indicator", missing
    return Outcome.NONE, "nothing", missing


def _score(questionnaire: Questionnaire, answers: dict[str, Answer]) -> Result:
    dimensions = score_dimensions(questionnaire, answers)
    strong = []
    for question in questionnaire.questions:
        if (
            answers[question.id] == Answer.YES
            and question.strength == "strong"
            and question.indicator not in strong
        ):
            strong.append(question.indicator)
    positive = {name for name, item in dimensions.items() if item.positive}
    outcome, reason, missing = combine(questionnaire.rule, positive, bool(strong))
    return Result(
        questionnaire=questionnaire.id,
        version=questionnaire.version,
        rule=questionnaire.rule,
        outcome=outcome,
        reason=reason,
        dimensions=dimensions,
        answers=answers,
        missing=missing,
        strong_indicators=tuple(strong),
        urgent_questions=tuple(
            question.id
            for question in questionnaire.questions
            if question.urgent and answers[question.id] == Answer.YES
        ),
    )


def evaluate(questionnaire: Questionnaire, answers: Mapping[str, str]) -> Result:
    """Score the answers (question id -> yes/no/unknown); raises AnswerError for bad ones."""
    checked = check_answers(questionnaire, answers)
    result = _score(questionnaire, checked)
    if Answer.UNKNOWN in checked.values():
        # "Don't know" is neither yes nor no: say what the open questions could change.
        best = {qid: Answer.YES if a == Answer.UNKNOWN else a for qid, a in checked.items()}
        ceiling = _score(questionnaire, best).outcome
        if RANK[ceiling] > RANK[result.outcome]:
            result = replace(result, could_be=ceiling)
    return result
