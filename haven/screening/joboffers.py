"""The job-offer check: red flags in a pasted advertisement, from one rules file per language.

Text and patterns are both folded (`haven.lib.text.fold`: no diacritics, đ → d), so a rule
written "lương cao" also finds "luong cao". Folding keeps the text's length, and runs of white
space are collapsed with a map back to the original, so every flag quotes the words it found
exactly as the person wrote them. Nothing is stored.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from haven.lib import vocabulary
from haven.lib.text import fold, normalize
from haven.screening.questionnaires import QuestionnaireError, data_root

LEVELS = ("low", "medium", "high")
FLAG_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_EVIDENCE = 3
MAX_TEXT = 10_000


@dataclass(frozen=True)
class Rule:
    code: str
    weight: int
    message: str
    patterns: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class RuleSet:
    language: str
    version: int
    high: int
    medium: int
    advice: dict[str, tuple[str, ...]]
    rules: tuple[Rule, ...]

    def rule(self, code: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.code == code), None)


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    evidence: tuple[str, ...]
    weight: int


@dataclass(frozen=True)
class JobCheck:
    risk: str
    score: int
    flags: tuple[Flag, ...]
    advice: tuple[str, ...]
    # The language of the messages and advice: the one asked for, or English when that
    # language has no rules file of its own (km, lo, my, ms, fil today).
    rules_language: str = vocabulary.FALLBACK_LANGUAGE


def _fail(file_name: str, problem: str, flag: str | None = None):
    where = f"{file_name}, flag {flag}" if flag else file_name
    raise QuestionnaireError(f"{where}: {problem}")


def compile_pattern(source: str, whole_words: bool = True) -> re.Pattern:
    """A rule's pattern, folded like the text it runs on, matching whole words only.

    Thai (and Khmer, Lao, Burmese) puts no space between words, so "whole words" cannot be
    told without a dictionary: a file with `whole_words: false` matches its patterns anywhere
    in a run of that script, and only keeps them from starting or ending inside a Latin word
    or a number ("line" does not match inside "online", "5,000" not inside "15,000").
    """
    if whole_words:
        return re.compile(rf"(?<!\w)(?:{fold(source)})(?!\w)", re.IGNORECASE)
    return re.compile(rf"(?<![a-z0-9])(?:{fold(source)})(?![a-z0-9])", re.IGNORECASE)


def parse_rules(path: Path) -> RuleSet:
    name = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        _fail(name, f"is not valid UTF-8 YAML ({error.__class__.__name__})")
    if not isinstance(data, dict):
        _fail(name, "must be a mapping of fields")
    language = data.get("language")
    codes = vocabulary.language_codes()
    if language not in codes or language != path.stem:
        _fail(
            name, f"'language' must be {' or '.join(codes)} and match the file name ({path.stem})"
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        _fail(name, "'version' must be a whole number, 1 or more")
    if not isinstance(data.get("source"), str) or not data["source"].strip():
        _fail(name, "'source' must say where the red flags come from")
    risk = data.get("risk")
    if not (
        isinstance(risk, dict)
        and all(isinstance(risk.get(level), int) for level in ("high", "medium"))
        and risk["high"] > risk["medium"] >= 1
    ):
        _fail(name, "'risk' needs whole numbers high > medium >= 1")
    advice = data.get("advice")
    if not isinstance(advice, dict) or any(
        not isinstance(advice.get(level), list)
        or not advice[level]
        or any(not isinstance(item, str) or not item.strip() for item in advice[level])
        for level in LEVELS
    ):
        _fail(name, f"'advice' needs a list of sentences for each of {', '.join(LEVELS)}")
    whole_words = data.get("whole_words", True)
    if not isinstance(whole_words, bool):
        _fail(name, "'whole_words' must be true or false")
    items = data.get("flags")
    if not isinstance(items, list) or not items:
        _fail(name, "'flags' must list at least one flag")
    rules = []
    for number, item in enumerate(items, start=1):
        code = item.get("code") if isinstance(item, dict) else None
        label = str(code or number)
        if not isinstance(code, str) or not FLAG_CODE.match(code):
            _fail(name, "'code' must be lower-case letters, digits and underscores", label)
        if any(rule.code == code for rule in rules):
            _fail(name, "the same code is used twice", label)
        weight = item.get("weight")
        if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 5:
            _fail(name, "'weight' must be a whole number from 1 to 5", label)
        message = item.get("message")
        if not isinstance(message, str) or not message.strip():
            _fail(name, "'message' is required", label)
        sources = item.get("patterns")
        if not isinstance(sources, list) or not sources:
            _fail(name, "'patterns' must list at least one pattern", label)
        patterns = []
        for source in sources:
            if not isinstance(source, str) or not source.strip():
                _fail(name, "every pattern must be text", label)
            try:
                patterns.append(compile_pattern(source, whole_words))
            except re.error as error:
                _fail(name, f"pattern {source!r} is not a valid expression ({error})", label)
        rules.append(Rule(code, weight, message.strip(), tuple(patterns)))
    return RuleSet(
        language=language,
        version=version,
        high=risk["high"],
        medium=risk["medium"],
        advice={level: tuple(item.strip() for item in advice[level]) for level in LEVELS},
        rules=tuple(rules),
    )


def load_rule_sets(root: Path | None = None) -> dict[str, RuleSet]:
    """A rules file for each complete language (vi, en); other languages may have one."""
    folder = (root or data_root()) / "job-offers"
    complete = vocabulary.complete_language_codes()
    present = [
        language
        for language in vocabulary.language_codes()
        if language in complete or (folder / f"{language}.yaml").exists()
    ]
    sets = {language: parse_rules(folder / f"{language}.yaml") for language in present}
    codes = {language: {rule.code for rule in sets[language].rules} for language in present}
    for language in present:
        # Every language's file flags the same things, so one offer gets one verdict.
        for other in present:
            extra = sorted(codes[language] - codes[other])
            if extra:
                _fail(f"{language}.yaml", f"has no message in {other}.yaml", extra[0])
    return sets


_loaded: dict[str, RuleSet] | None = None


def rule_sets() -> dict[str, RuleSet]:
    global _loaded
    if _loaded is None:
        _loaded = load_rule_sets()
    return _loaded


def reload() -> None:
    global _loaded
    _loaded = None


def _collapsed(text: str) -> tuple[str, list[int]]:
    """The folded text with each run of white space as one space, and where each character was."""
    folded = fold(text)
    characters, origin = [], []
    for index, character in enumerate(folded):
        if character.isspace():
            if characters and characters[-1] == " ":
                continue
            character = " "
        characters.append(character)
        origin.append(index)
    return "".join(characters), origin


def _quote(original: str, origin: list[int], start: int, end: int) -> str:
    return original[origin[start] : origin[end - 1] + 1]


def check_job_offer(
    text: str, language: str, *, rule_languages: tuple[str, ...] | None = None
) -> JobCheck:
    """Flags and a risk level; messages and advice in `language`.

    By default only `language`'s rules run (the API's contract). The page passes every
    language, since people paste offers in any of them, whatever language they read Haven in. A
    language without its own rules file reads the English one.
    """
    sets = rule_sets()
    if language not in sets:
        language = vocabulary.FALLBACK_LANGUAGE
    original = normalize(text[:MAX_TEXT])
    searchable, origin = _collapsed(original)
    spans: dict[str, list[tuple[int, int]]] = {}
    weights: dict[str, int] = {}
    for rule_language in [code for code in rule_languages or (language,) if code in sets]:
        for rule in sets[rule_language].rules:
            for pattern in rule.patterns:
                for match in pattern.finditer(searchable):
                    start, end = match.span()
                    taken = spans.setdefault(rule.code, [])
                    # Two patterns of one flag often find the same words: quote them once.
                    if end > start and all(end <= a or start >= b for a, b in taken):
                        taken.append((start, end))
                        weights[rule.code] = max(weights.get(rule.code, 0), rule.weight)
    found = {
        code: [_quote(original, origin, a, b) for a, b in sorted(taken)]
        for code, taken in spans.items()
        if taken
    }
    reader = sets[language]
    flags = tuple(
        Flag(
            code=rule.code,
            message=rule.message,
            evidence=tuple(found[rule.code][:MAX_EVIDENCE]),
            weight=weights[rule.code],
        )
        for rule in reader.rules
        if rule.code in found
    )
    score = sum(flag.weight for flag in flags)
    if score >= reader.high:
        risk = "high"
    elif score >= reader.medium:
        risk = "medium"
    else:
        risk = "low"
    return JobCheck(
        risk=risk, score=score, flags=flags, advice=reader.advice[risk], rules_language=language
    )


def has_rules(language: str) -> bool:
    """Whether `language` has its own rules file; the others are checked with English rules."""
    return language in rule_sets()
