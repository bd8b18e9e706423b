"""Screening questionnaires: versioned YAML files in content/screening/, checked and cached.

`get(questionnaire_id)` and `all_questionnaires()` are what the rest of Haven uses. The files
are read once per process (they ship with the code, so they cannot change under a running
server); a malformed file raises `QuestionnaireError` naming the file, the question and the
problem, and Django's system checks (`haven check`, start-up, tests) report it the same way.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import yaml
from django.conf import settings

from haven.lib.vocabulary import complete_language_codes, language_codes, localised

DIMENSIONS = (
    "deceptive_recruitment",
    "coercive_recruitment",
    "recruitment_vulnerability",
    "exploitation",
    "coercion_destination",
    "destination_vulnerability",
)
STRENGTHS = ("strong", "medium", "weak")
AUDIENCES = ("frontline", "public")
# adult: the ILO/EC rule for trafficking of adults; child: no means needed (Palermo art. 3(c));
# forced_labour: exploitation under coercion, for the public self-check built on the ILO 11.
RULES = ("adult", "child", "forced_labour")
OUTCOMES = ("strong", "possible", "none")

QUESTIONNAIRE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]*$")
QUESTIONNAIRE_KEYS = {
    "id",
    "version",
    "audience",
    "rule",
    "title",
    "description",
    "source",
    "next_steps",
    "questions",
}
QUESTION_KEYS = {"id", "indicator", "dimension", "strength", "ilo11", "text", "urgent"}
# A step of advice may depend on answers, so that it never contradicts one: shown only when one of
# `if_yes` was answered yes, and never when one of `unless_yes` was.
STEP_CONDITIONS = ("if_yes", "unless_yes")


def data_root() -> Path:
    return Path(settings.BASE_DIR) / "content" / "screening"


class QuestionnaireError(ValueError):
    """A data file is malformed; the message names the file, the question and the problem."""


class UnknownQuestionnaire(LookupError):
    pass


def _localised(value: dict, language: str) -> str:
    return localised(value, language)


@dataclass(frozen=True)
class Vocabulary:
    dimensions: MappingProxyType
    indicators: MappingProxyType
    ilo11: MappingProxyType

    def dimension_name(self, code: str, language: str) -> str:
        return _localised(self.dimensions.get(code, {}), language) or code

    def indicator_name(self, code: str, language: str) -> str:
        return _localised(self.indicators.get(code, {}), language) or code

    def ilo11_name(self, code: str, language: str) -> str:
        return _localised(self.ilo11.get(code, {}), language) or code


@dataclass(frozen=True)
class Question:
    id: str
    indicator: str
    dimension: str
    strength: str
    text: MappingProxyType
    ilo11: str | None = None
    urgent: bool = False  # "yes" means the person may be in danger now: show who to call first

    def text_in(self, language: str) -> str:
        return _localised(self.text, language)


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    audience: str
    rule: str
    title: MappingProxyType
    description: MappingProxyType
    source: MappingProxyType
    next_steps: MappingProxyType  # outcome -> tuple of {language: text, if_yes, unless_yes}
    questions: tuple[Question, ...]
    file_name: str

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(question.id for question in self.questions)

    def title_in(self, language: str) -> str:
        return _localised(self.title, language)

    def description_in(self, language: str) -> str:
        return _localised(self.description, language)

    def next_steps_in(self, outcome: str, language: str, yes: tuple | list = ()) -> list[str]:
        """The advice for an outcome, leaving out what would contradict an answer yes."""
        return [
            _localised(step, language)
            for step in self.next_steps.get(outcome, ())
            if not set(step.get("unless_yes", ())) & set(yes)
            and (not step.get("if_yes") or set(step["if_yes"]) & set(yes))
        ]


def _fail(file_name: str, problem: str, question: str | None = None):
    where = f"{file_name}, question {question}" if question else file_name
    raise QuestionnaireError(f"{where}: {problem}")


def _read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        _fail(path.name, "is not UTF-8")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or error.__class__.__name__
        where = f"line {mark.line + 1}: " if mark else ""
        _fail(path.name, f"is not valid YAML ({where}{problem})")


def _texts(value, file_name: str, name: str, question: str | None = None) -> MappingProxyType:
    """Text in every complete language (vi, en); other languages may have it, or read English."""
    complete = complete_language_codes()
    if not isinstance(value, dict) or any(
        not isinstance(value.get(language), str) or not value[language].strip()
        for language in complete
    ):
        _fail(file_name, f"'{name}' needs text in {' and '.join(complete)}", question)
    return MappingProxyType(
        {
            language: value[language].strip()
            for language in language_codes()
            if isinstance(value.get(language), str) and value[language].strip()
        }
    )


def load_vocabulary(path: Path) -> Vocabulary:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        _fail(path.name, "must be a mapping with dimensions, indicators and ilo11")
    sections = {}
    for section in ("dimensions", "indicators", "ilo11"):
        entries = data.get(section)
        if not isinstance(entries, dict) or not entries:
            _fail(path.name, f"'{section}' must map codes to names")
        sections[section] = MappingProxyType(
            {
                str(code): _texts(name, path.name, f"{section}.{code}")
                for code, name in entries.items()
            }
        )
    missing = [code for code in DIMENSIONS if code not in sections["dimensions"]]
    if missing:
        _fail(path.name, f"dimensions {', '.join(missing)} have no names")
    return Vocabulary(**sections)


def _parse_question(item, number: int, file_name: str, rule: str, vocabulary: Vocabulary):
    if not isinstance(item, dict):
        _fail(file_name, "must be a mapping", f"{number}")
    label = str(item.get("id") or number)
    unknown = sorted(set(item) - QUESTION_KEYS)
    if unknown:
        _fail(file_name, f"unknown field {unknown[0]!r}", label)
    question_id = item.get("id")
    if not isinstance(question_id, str) or not QUESTION_ID.match(question_id):
        _fail(file_name, "'id' must be lower-case letters, digits and underscores", label)
    indicator = item.get("indicator")
    if indicator not in vocabulary.indicators:
        _fail(file_name, f"indicator {indicator!r} is not in indicators.yaml", label)
    dimension = item.get("dimension")
    if dimension not in DIMENSIONS:
        _fail(
            file_name, f"dimension must be one of {', '.join(DIMENSIONS)}, not {dimension!r}", label
        )
    strength = item.get("strength")
    if strength not in STRENGTHS:
        _fail(file_name, f"strength must be strong, medium or weak, not {strength!r}", label)
    if rule == "child" and strength == "weak":
        _fail(file_name, "the children's lists have no weak indicators", label)
    ilo11 = item.get("ilo11")
    if ilo11 is not None and ilo11 not in vocabulary.ilo11:
        _fail(file_name, f"ilo11 {ilo11!r} is not one of the eleven in indicators.yaml", label)
    urgent = item.get("urgent", False)
    if not isinstance(urgent, bool):
        _fail(file_name, "'urgent' must be true or false", label)
    return Question(
        id=question_id,
        indicator=indicator,
        dimension=dimension,
        strength=strength,
        text=_texts(item.get("text"), file_name, "text", label),
        ilo11=ilo11,
        urgent=urgent,
    )


def _parse_step(step, file_name: str, name: str) -> MappingProxyType:
    text = _texts(step, file_name, name)
    conditions = {}
    for key in STEP_CONDITIONS:
        ids = step.get(key, [])
        if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
            _fail(file_name, f"'{name}': '{key}' must list question ids")
        if ids:
            conditions[key] = tuple(ids)
    return MappingProxyType({**text, **conditions})


def _check_step_conditions(file_name: str, steps: dict, questions: list) -> None:
    known = {question.id for question in questions}
    for outcome, items in steps.items():
        for position, step in enumerate(items, start=1):
            for key in STEP_CONDITIONS:
                unknown = [item for item in step.get(key, ()) if item not in known]
                if unknown:
                    _fail(
                        file_name,
                        f"'next_steps.{outcome} {position}': '{key}' names no question of this "
                        f"file: {', '.join(unknown)}",
                    )


def parse_questionnaire(path: Path, vocabulary: Vocabulary) -> Questionnaire:
    file_name = path.name
    data = _read_yaml(path)
    if not isinstance(data, dict):
        _fail(file_name, "must be a mapping of fields")
    unknown = sorted(set(data) - QUESTIONNAIRE_KEYS)
    if unknown:
        _fail(file_name, f"unknown field {unknown[0]!r}")
    questionnaire_id = data.get("id")
    if not isinstance(questionnaire_id, str) or not QUESTIONNAIRE_ID.match(questionnaire_id):
        _fail(file_name, "'id' must be lower-case words joined by hyphens")
    if questionnaire_id != path.stem:
        _fail(file_name, f"'id' must match the file name ({path.stem})")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        _fail(file_name, "'version' must be a whole number, 1 or more")
    if data.get("audience") not in AUDIENCES:
        _fail(file_name, f"'audience' must be one of {', '.join(AUDIENCES)}")
    rule = data.get("rule")
    if rule not in RULES:
        _fail(file_name, f"'rule' must be one of {', '.join(RULES)}")

    source = data.get("source")
    if not isinstance(source, dict):
        _fail(file_name, "'source' must say what the questions and strengths are based on")
    for name in ("basis", "strengths"):
        if not isinstance(source.get(name), str) or not source[name].strip():
            _fail(file_name, f"'source.{name}' is required: say which source was used")
    links = source.get("links")
    if not isinstance(links, list) or not links:
        _fail(file_name, "'source.links' must list at least one address")
    if any(not str(link).startswith(("https://", "http://")) for link in links):
        _fail(file_name, "'source.links' must be addresses starting with https:// or http://")

    next_steps = data.get("next_steps")
    if not isinstance(next_steps, dict):
        _fail(file_name, f"'next_steps' needs {', '.join(OUTCOMES)}")
    steps = {}
    for outcome in OUTCOMES:
        items = next_steps.get(outcome)
        if not isinstance(items, list) or not items:
            _fail(file_name, f"'next_steps.{outcome}' must list at least one step")
        steps[outcome] = tuple(
            _parse_step(step, file_name, f"next_steps.{outcome} {position}")
            for position, step in enumerate(items, start=1)
        )

    items = data.get("questions")
    if not isinstance(items, list) or not items:
        _fail(file_name, "'questions' must list at least one question")
    questions = []
    strengths = {}
    for number, item in enumerate(items, start=1):
        question = _parse_question(item, number, file_name, rule, vocabulary)
        if any(other.id == question.id for other in questions):
            _fail(file_name, "the same id is used twice", question.id)
        # Two questions may ask about one indicator, but it has one strength in a list.
        key = (question.dimension, question.indicator)
        if strengths.setdefault(key, question.strength) != question.strength:
            _fail(
                file_name,
                f"{question.indicator} in {question.dimension} is {strengths[key]} in an "
                f"earlier question, not {question.strength}",
                question.id,
            )
        questions.append(question)
    _check_step_conditions(file_name, steps, questions)

    return Questionnaire(
        id=questionnaire_id,
        version=version,
        audience=data["audience"],
        rule=rule,
        title=_texts(data.get("title"), file_name, "title"),
        description=_texts(data.get("description"), file_name, "description"),
        source=MappingProxyType(
            {
                "basis": source["basis"].strip(),
                "strengths": source["strengths"].strip(),
                "links": tuple(str(link) for link in links),
            }
        ),
        next_steps=MappingProxyType(steps),
        questions=tuple(questions),
        file_name=file_name,
    )


def load_all(root: Path | None = None) -> tuple[Vocabulary, dict[str, Questionnaire]]:
    """Read and check every file; the first problem stops the load."""
    root = root or data_root()
    vocabulary = load_vocabulary(root / "indicators.yaml")
    questionnaires = {}
    for path in sorted((root / "questionnaires").glob("*.yaml")):
        questionnaire = parse_questionnaire(path, vocabulary)
        questionnaires[questionnaire.id] = questionnaire
    if not questionnaires:
        raise QuestionnaireError(f"{root / 'questionnaires'}: no questionnaire files")
    return vocabulary, questionnaires


_loaded: tuple[Vocabulary, dict[str, Questionnaire]] | None = None


def _cached() -> tuple[Vocabulary, dict[str, Questionnaire]]:
    global _loaded
    if _loaded is None:
        _loaded = load_all()
    return _loaded


def reload() -> None:
    global _loaded
    _loaded = None


def vocabulary() -> Vocabulary:
    return _cached()[0]


def all_questionnaires(audience: str | None = None) -> list[Questionnaire]:
    """Frontline first, then public; each group in file-name order."""
    items = sorted(
        _cached()[1].values(), key=lambda item: (AUDIENCES.index(item.audience), item.id)
    )
    return [item for item in items if audience is None or item.audience == audience]


def get(questionnaire_id: str) -> Questionnaire:
    try:
        return _cached()[1][questionnaire_id]
    except KeyError:
        raise UnknownQuestionnaire(questionnaire_id) from None
