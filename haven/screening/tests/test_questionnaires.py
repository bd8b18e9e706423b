"""The questionnaire files: what ships loads and is complete; a malformed file is refused by name."""

import re
import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from haven.screening import questionnaires
from haven.screening.apps import check_data_files
from haven.screening.questionnaires import QuestionnaireError, load_all

ROOT = Path(settings.BASE_DIR) / "content" / "screening"


class TestTheShippedFiles:
    def test_they_load(self):
        vocabulary, loaded = load_all()
        assert {"adult-labour", "adult-sexual", "child", "self-check"} <= set(loaded)
        assert "coercion_destination" in vocabulary.dimensions

    def test_frontline_and_public_as_the_issue_asks(self):
        loaded = load_all()[1]
        assert [loaded[name].audience for name in ("adult-labour", "adult-sexual", "child")] == [
            "frontline"
        ] * 3
        assert loaded["self-check"].audience == "public"
        assert loaded["child"].rule == "child"

    def test_the_self_check_is_short_and_covers_the_eleven_ilo_indicators(self):
        vocabulary, loaded = load_all()
        self_check = loaded["self-check"]
        assert 10 <= len(self_check.questions) <= 14
        assert {q.ilo11 for q in self_check.questions} == set(vocabulary.ilo11)

    @pytest.mark.parametrize("name", ["adult-labour", "adult-sexual", "child", "self-check"])
    def test_each_names_its_source_and_covers_every_dimension(self, name):
        questionnaire = load_all()[1][name]
        assert "WCMS_105023" in questionnaire.source["basis"] + questionnaire.source["strengths"]
        assert questionnaire.source["links"]
        dimensions = {q.dimension for q in questionnaire.questions}
        if questionnaire.audience == "frontline":
            assert dimensions == set(questionnaires.DIMENSIONS)

    @pytest.mark.parametrize("name", ["adult-labour", "adult-sexual", "child", "self-check"])
    def test_every_question_is_in_plain_vietnamese_with_diacritics(self, name):
        from haven.lib.text import has_diacritics

        for question in load_all()[1][name].questions:
            assert has_diacritics(question.text["vi"]), question.id
            assert question.text["vi"].endswith("?") and question.text["en"].endswith("?")

    def test_the_rules_can_be_met_by_every_questionnaire(self):
        from haven.screening.scoring import Outcome, evaluate

        for questionnaire in load_all()[1].values():
            everything = {q.id: "yes" for q in questionnaire.questions}
            assert evaluate(questionnaire, everything).outcome == Outcome.STRONG, questionnaire.id

    def test_the_self_check_marks_the_dangers_urgent(self):
        self_check = load_all()[1]["self-check"]
        urgent = {question.id for question in self_check.questions if question.urgent}
        assert urgent == {"cannot_leave", "hurt", "threatened", "passport_kept"}

    def test_advice_about_the_passport_is_not_given_to_someone_whose_passport_is_held(self):
        self_check = load_all()[1]["self-check"]
        for outcome in questionnaires.OUTCOMES:
            for step in self_check.next_steps[outcome]:
                if "passport" in step["en"] and "passport_kept" not in step.get("if_yes", ()):
                    assert "passport_kept" in step.get("unless_yes", ()), step["en"]

    def test_get_finds_one_and_refuses_others(self):
        assert questionnaires.get("child").version >= 1
        with pytest.raises(questionnaires.UnknownQuestionnaire):
            questionnaires.get("nope")

    def test_the_system_check_passes(self):
        assert check_data_files() == []


@pytest.fixture
def copy(tmp_path):
    """A copy of content/screening to break."""
    target = tmp_path / "screening"
    shutil.copytree(ROOT, target)
    return target


def edit(path: Path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def question(data, question_id):
    return next(q for q in data["questions"] if q["id"] == question_id)


BREAKAGES = [
    (
        lambda d: question(d, "long_hours").update(strength="very strong"),
        "adult-labour.yaml, question long_hours: strength must be strong, medium or weak, not 'very strong'",
    ),
    (
        lambda d: question(d, "passport_kept").update(indicator="passport_gone"),
        "adult-labour.yaml, question passport_kept: indicator 'passport_gone' is not in indicators.yaml",
    ),
    (
        lambda d: question(d, "cut_off").update(dimension="destination"),
        "adult-labour.yaml, question cut_off: dimension must be one of",
    ),
    (
        lambda d: question(d, "low_pay")["text"].pop("vi"),
        "adult-labour.yaml, question low_pay: 'text' needs text in vi and en",
    ),
    (
        lambda d: question(d, "low_pay").update(strenght="strong"),
        "adult-labour.yaml, question low_pay: unknown field 'strenght'",
    ),
    (
        lambda d: question(d, "low_pay").update(id="long_hours"),
        "adult-labour.yaml, question long_hours: the same id is used twice",
    ),
    (
        lambda d: question(d, "cut_off").update(strength="medium"),
        "adult-labour.yaml, question cut_off: isolation_confinement_surveillance in coercion_destination is strong in an earlier question, not medium",
    ),
    (
        lambda d: question(d, "low_pay").update(id="Low Pay"),
        "adult-labour.yaml, question Low Pay: 'id' must be lower-case letters",
    ),
    (lambda d: d.update(id="adult-work"), "adult-labour.yaml: 'id' must match the file name"),
    (lambda d: d.update(version=0), "adult-labour.yaml: 'version' must be a whole number"),
    (lambda d: d.update(audience="everyone"), "adult-labour.yaml: 'audience' must be one of"),
    (lambda d: d.update(rule="any"), "adult-labour.yaml: 'rule' must be one of"),
    (lambda d: d["source"].pop("strengths"), "adult-labour.yaml: 'source.strengths' is required"),
    (lambda d: d["next_steps"].pop("none"), "adult-labour.yaml: 'next_steps.none' must list"),
    (lambda d: d.update(questions=[]), "adult-labour.yaml: 'questions' must list at least one"),
    (
        lambda d: question(d, "cannot_leave").update(urgent="yes"),
        "adult-labour.yaml, question cannot_leave: 'urgent' must be true or false",
    ),
    (
        lambda d: d["next_steps"]["possible"][0].update(unless_yes=["nope"]),
        "adult-labour.yaml: 'next_steps.possible 1': 'unless_yes' names no question of this file: nope",
    ),
    (
        lambda d: d["next_steps"]["possible"][0].update(if_yes="long_hours"),
        "adult-labour.yaml: 'next_steps.possible 1': 'if_yes' must list question ids",
    ),
]


class TestAMalformedFile:
    @pytest.mark.parametrize(("change", "message"), BREAKAGES)
    def test_it_is_refused_naming_file_question_and_problem(self, copy, change, message):
        edit(copy / "questionnaires" / "adult-labour.yaml", change)
        with pytest.raises(QuestionnaireError) as caught:
            load_all(copy)
        assert str(caught.value).startswith(message)

    def test_children_have_no_weak_indicators(self, copy):
        edit(
            copy / "questionnaires" / "child.yaml",
            lambda d: question(d, "no_school").update(strength="weak"),
        )
        with pytest.raises(
            QuestionnaireError, match=re.escape("child.yaml, question no_school: the children")
        ):
            load_all(copy)

    def test_broken_yaml_names_the_line(self, copy):
        path = copy / "questionnaires" / "self-check.yaml"
        path.write_text(
            path.read_text(encoding="utf-8") + "\n  - id: [unclosed\n", encoding="utf-8"
        )
        with pytest.raises(QuestionnaireError, match=r"self-check.yaml: is not valid YAML \(line"):
            load_all(copy)

    def test_a_vocabulary_without_a_name_is_refused(self, copy):
        edit(copy / "indicators.yaml", lambda d: d["indicators"].update(debt_bondage={"en": "x"}))
        with pytest.raises(
            QuestionnaireError, match=re.escape("indicators.yaml: 'indicators.debt_bondage'")
        ):
            load_all(copy)

    def test_the_system_check_reports_it(self, copy, monkeypatch):
        edit(
            copy / "questionnaires" / "child.yaml",
            lambda d: question(d, "hurt").update(strength="huge"),
        )
        monkeypatch.setattr(questionnaires, "data_root", lambda: copy)
        from haven.screening import joboffers

        monkeypatch.setattr(joboffers, "data_root", lambda: copy)
        errors = check_data_files()
        assert [error.id for error in errors] == ["screening.E001"]
        assert errors[0].msg.startswith("child.yaml, question hurt: strength must be")


def test_the_guide_the_job_check_links_to_exists():
    articles = Path(settings.BASE_DIR) / "content" / "articles"
    assert (articles / "fake-job-offers.vi.md").exists()
    assert (articles / "fake-job-offers.en.md").exists()
    assert (articles / "forced-labour-indicators.vi.md").exists()
