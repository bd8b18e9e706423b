"""The combination rule, worked by hand: every branch of a dimension and of each outcome rule."""

from dataclasses import replace
from types import MappingProxyType

import pytest

from haven.screening.questionnaires import OUTCOMES, Question, Questionnaire
from haven.screening.scoring import (
    Answer,
    AnswerError,
    Outcome,
    Result,
    evaluate,
    positive_branch,
)

TEXT = MappingProxyType({"vi": "Câu hỏi", "en": "Question"})


def make(rule: str, *questions: tuple[str, str, str, str]) -> Questionnaire:
    """questions: (id, dimension, strength, indicator)."""
    return Questionnaire(
        id="test",
        version=3,
        audience="frontline",
        rule=rule,
        title=TEXT,
        description=TEXT,
        source=MappingProxyType({"basis": "b", "strengths": "s", "links": ("https://x",)}),
        next_steps=MappingProxyType({outcome: (TEXT,) for outcome in OUTCOMES}),
        questions=tuple(
            Question(id=qid, indicator=indicator, dimension=dimension, strength=strength, text=TEXT)
            for qid, dimension, strength, indicator in questions
        ),
        file_name="test.yaml",
    )


# One dimension, every kind of indicator it could hold.
EXPLOITATION = make(
    "adult",
    ("s1", "exploitation", "strong", "excessive_hours"),
    ("s2", "exploitation", "strong", "other_strong"),
    ("s1_again", "exploitation", "strong", "excessive_hours"),
    ("m1", "exploitation", "medium", "low_or_no_salary"),
    ("m2", "exploitation", "medium", "hazardous_work"),
    ("m3", "exploitation", "medium", "bad_living_conditions"),
    ("w1", "exploitation", "weak", "no_access_education"),
    ("w2", "exploitation", "weak", "other_weak"),
)


def exploitation(*yes: str, unknown: tuple[str, ...] = ()):
    answers = {qid: "yes" for qid in yes} | {qid: "unknown" for qid in unknown}
    return evaluate(EXPLOITATION, answers).dimensions["exploitation"]


class TestADimension:
    @pytest.mark.parametrize(
        ("yes", "branch"),
        [
            (("s1", "s2"), "two_strong"),  # (a) 2 strong
            (("s1", "m1"), "strong_and_other"),  # (b) 1 strong + 1 medium
            (("s1", "w1"), "strong_and_other"),  # (b) 1 strong + 1 weak
            (("m1", "m2", "m3"), "three_medium"),  # (c) 3 medium
            (("m1", "m2", "w1"), "two_medium_one_weak"),  # (d) 2 medium + 1 weak
            (("s1", "s2", "m1", "w1"), "two_strong"),  # the first branch that applies is named
        ],
    )
    def test_it_is_positive_by_each_branch_of_the_rule(self, yes, branch):
        result = exploitation(*yes)
        assert result.positive and result.branch == branch

    @pytest.mark.parametrize(
        "yes",
        [
            (),
            ("s1",),  # one strong alone
            ("m1", "m2"),  # two medium
            ("m1", "w1", "w2"),  # one medium, two weak
            ("w1", "w2"),  # weak ones never suffice
        ],
    )
    def test_it_is_not_positive_short_of_the_rule(self, yes):
        assert not exploitation(*yes).positive

    def test_an_indicator_asked_twice_counts_once(self):
        result = exploitation("s1", "s1_again")
        assert not result.positive
        assert result.strong == 1 and result.indicators == ("excessive_hours",)

    def test_dont_know_is_neither_yes_nor_no(self):
        result = exploitation("s1", unknown=("s2", "m1", "m2", "m3"))
        assert not result.positive and result.indicators == ("excessive_hours",)

    def test_no_counts_for_nothing(self):
        answers = {"s1": "yes", "s2": "no", "m1": "no"}
        assert not evaluate(EXPLOITATION, answers).dimensions["exploitation"].positive

    def test_the_branch_function_by_hand(self):
        assert positive_branch(2, 0, 0) == "two_strong"
        assert positive_branch(1, 0, 1) == "strong_and_other"
        assert positive_branch(0, 3, 0) == "three_medium"
        assert positive_branch(0, 2, 1) == "two_medium_one_weak"
        assert positive_branch(1, 0, 0) is None
        assert positive_branch(0, 2, 0) is None
        assert positive_branch(0, 1, 2) is None
        assert positive_branch(0, 0, 5) is None


def two_strong(prefix: str, dimension: str):
    return [
        (f"{prefix}_a", dimension, "strong", f"{prefix}_indicator_a"),
        (f"{prefix}_b", dimension, "strong", f"{prefix}_indicator_b"),
    ]


DIMENSION_PREFIXES = {
    "dec": "deceptive_recruitment",
    "coe": "coercive_recruitment",
    "vul": "recruitment_vulnerability",
    "exp": "exploitation",
    "des": "coercion_destination",
    "dvu": "destination_vulnerability",
}
ALL = [q for prefix, name in DIMENSION_PREFIXES.items() for q in two_strong(prefix, name)]


def positive(rule: str, *prefixes: str, extra: dict | None = None) -> Result:
    """Evaluate with the named dimensions made positive (both strong indicators yes)."""
    questionnaire = make(rule, *ALL)
    answers = {f"{p}_{x}": "yes" for p in prefixes for x in "ab"}
    return evaluate(questionnaire, answers | (extra or {}))


class TestTheAdultRule:
    @pytest.mark.parametrize("means", ["dec", "coe", "vul"])
    @pytest.mark.parametrize("control", ["des", "dvu"])
    def test_means_at_recruitment_exploitation_and_means_at_destination_are_strong(
        self, means, control
    ):
        result = positive("adult", means, "exp", control)
        assert result.outcome == Outcome.STRONG and result.reason == "rule_met"
        assert result.missing == ()

    def test_without_recruitment_means_it_is_possible(self):
        result = positive("adult", "exp", "des")
        assert result.outcome == Outcome.POSSIBLE and result.reason == "dimension_positive"
        assert result.missing == ("recruitment_means",)

    def test_without_exploitation_it_is_possible(self):
        result = positive("adult", "dec", "des")
        assert result.outcome == Outcome.POSSIBLE and result.missing == ("exploitation",)

    def test_without_means_at_destination_it_is_possible(self):
        result = positive("adult", "dec", "exp")
        assert result.outcome == Outcome.POSSIBLE and result.missing == ("destination_means",)

    def test_one_strong_indicator_alone_is_possible(self):
        result = positive("adult", extra={"des_a": "yes"})
        assert result.outcome == Outcome.POSSIBLE and result.reason == "strong_indicator"
        assert result.positive_dimensions == [] and result.drivers == ["des_indicator_a"]

    def test_nothing_is_no_indication(self):
        result = positive("adult", extra={"exp_a": "no"})
        assert result.outcome == Outcome.NONE and result.reason == "nothing"
        assert result.drivers == []

    def test_the_drivers_are_the_indicators_of_the_positive_dimensions(self):
        result = positive("adult", "coe", "exp", "dvu")
        assert result.drivers == [
            "coe_indicator_a",
            "coe_indicator_b",
            "exp_indicator_a",
            "exp_indicator_b",
            "dvu_indicator_a",
            "dvu_indicator_b",
        ]


class TestTheChildRule:
    @pytest.mark.parametrize("other", ["dec", "coe", "vul", "des", "dvu"])
    def test_exploitation_and_any_other_dimension_are_strong(self, other):
        assert positive("child", "exp", other).outcome == Outcome.STRONG

    def test_no_means_are_needed(self):
        # Deceptive recruitment alone beside exploitation would not do for an adult.
        assert positive("adult", "dec", "exp").outcome == Outcome.POSSIBLE
        assert positive("child", "dec", "exp").outcome == Outcome.STRONG

    def test_exploitation_alone_is_possible(self):
        result = positive("child", "exp")
        assert result.outcome == Outcome.POSSIBLE and result.missing == ("act_or_control",)

    def test_other_dimensions_without_exploitation_are_possible(self):
        result = positive("child", "coe", "des")
        assert result.outcome == Outcome.POSSIBLE and result.missing == ("exploitation",)


class TestTheForcedLabourRule:
    def test_exploitation_and_coercion_at_destination_are_strong(self):
        assert positive("forced_labour", "exp", "des").outcome == Outcome.STRONG

    def test_recruitment_is_not_needed_but_vulnerability_does_not_replace_coercion(self):
        result = positive("forced_labour", "dec", "exp", "dvu")
        assert result.outcome == Outcome.POSSIBLE and result.missing == ("coercion",)

    def test_coercion_alone_is_possible(self):
        result = positive("forced_labour", "des")
        assert result.outcome == Outcome.POSSIBLE and result.missing == ("exploitation",)


class TestUnknownAnswers:
    def test_a_question_left_out_is_unknown(self):
        result = positive("adult", "dec")
        assert len(result.unknown_questions) == len(ALL) - 2

    def test_it_says_what_the_unknown_answers_could_change(self):
        questionnaire = make("adult", *ALL)
        answers = {q[0]: "no" for q in ALL} | {"dec_a": "yes", "dec_b": "yes"}
        answers |= {"exp_a": "unknown", "exp_b": "unknown", "des_a": "unknown", "des_b": "unknown"}
        result = evaluate(questionnaire, answers)
        assert result.outcome == Outcome.POSSIBLE and result.could_be == Outcome.STRONG

    def test_no_higher_outcome_is_claimed_when_none_is_possible(self):
        questionnaire = make("adult", *ALL)
        answers = {q[0]: "no" for q in ALL} | {"exp_a": "unknown"}
        result = evaluate(questionnaire, answers)
        assert result.outcome == Outcome.NONE and result.could_be == Outcome.POSSIBLE
        answers["exp_a"] = "no"
        assert evaluate(questionnaire, answers).could_be is None


class TestNoAnswer:
    def test_nothing_answered_yes_or_no_is_unanswered(self):
        assert evaluate(EXPLOITATION, {}).answered is False
        assert evaluate(EXPLOITATION, {"s1": "unknown"}).answered is False
        assert evaluate(EXPLOITATION, {"s1": "no"}).answered is True

    def test_an_urgent_question_answered_yes_makes_the_result_urgent(self):
        questionnaire = make("adult", ("s1", "exploitation", "strong", "excessive_hours"))
        urgent = replace(
            questionnaire, questions=(replace(questionnaire.questions[0], urgent=True),)
        )
        assert evaluate(urgent, {"s1": "yes"}).urgent is True
        assert evaluate(urgent, {"s1": "unknown"}).urgent is False
        assert evaluate(questionnaire, {"s1": "yes"}).urgent is False
        round_trip = Result.from_dict(evaluate(urgent, {"s1": "yes"}).to_dict())
        assert round_trip.urgent is True


class TestAnswers:
    def test_unknown_question_ids_and_answers_are_refused(self):
        questionnaire = make("adult", *ALL)
        with pytest.raises(AnswerError) as caught:
            evaluate(questionnaire, {"nope": "yes", "dec_a": "maybe", "dec_b": "yes"})
        assert caught.value.errors == [("nope", "unknown_question"), ("dec_a", "unknown_answer")]

    def test_every_question_gets_an_answer(self):
        result = positive("adult", "dec")
        assert set(result.answers) == {q[0] for q in ALL}
        assert result.answers["dec_a"] == Answer.YES


class TestSerialisation:
    def test_a_result_round_trips_with_its_questionnaire_and_version(self):
        result = positive("adult", "dec", "exp", extra={"des_a": "unknown"})
        data = result.to_dict()
        assert data["questionnaire"] == "test" and data["version"] == 3
        assert data["outcome"] == "possible" and data["could_be"] == "strong"
        assert Result.from_dict(data) == result

    def test_it_is_plain_json(self):
        import json

        data = positive("adult", "dec", "exp", "des").to_dict()
        assert json.loads(json.dumps(data)) == data
