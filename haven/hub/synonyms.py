"""The query layer of search: synonyms, help-line words and the names (aliases) of articles.

A parsed query is a list of **term groups**, `list[tuple[str, ...]]`: a plain word is a 1-tuple;
a word or phrase that has synonyms becomes a group of its alternatives, the words as typed first.
An alternative of several words is one string with its analysed terms separated by spaces (a
phrase: "mua ban nguoi"). A document matches a group when it has any of the alternatives, and
is scored by its best one (see haven.hub.search.score_document).

The synonyms are data: `content/search/synonyms.<language>.yaml` (docs/search.md says how to add
some). Each file lists groups of words or phrases of the same meaning, the words for a help-line
(with a country's name they find that country's help page first) and, optionally, more names of
countries. The phrases are analysed like the text (folded, stemmed or segmented), so a group
written with diacritics also serves a query typed without them.

Aliases are the names and acronyms of an article (ACTIP, Palermo, "Công ước ACTIP"), from the
`aliases:` key of its front matter: a query that is exactly one of them puts the article first.
"""

from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml
from django.conf import settings

from haven.hub.models import Article, SearchDocument
from haven.lib import vocabulary
from haven.lib.analysis import tokens
from haven.lib.vocabulary import ASEAN

MAX_PHRASE_WORDS = 6


def synonyms_directory() -> Path:
    return Path(settings.BASE_DIR) / "content" / "search"


class SynonymError(ValueError):
    """A synonyms file that cannot be used; the message names the file and the problem."""


class Synonym(NamedTuple):
    """Why a result matched: `matched` (from a synonym group) stood for `typed`."""

    typed: str
    matched: str


@dataclass
class Thesaurus:
    """One language's synonyms, analysed: each phrase (a tuple of terms) to its group."""

    groups: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)  # "mua ban nguoi" -> "mua bán người"
    helpline: set[str] = field(default_factory=set)
    countries: dict[tuple[str, ...], str] = field(default_factory=dict)
    longest: int = 1


def _phrase(text: str, language: str, path: Path) -> tuple[tuple[str, ...], str]:
    if not isinstance(text, str | int) or not str(text).strip():
        raise SynonymError(f"{path.name}: every entry must be a word or phrase, not {text!r}")
    found = tokens(str(text), language)
    if not found or len(found) > MAX_PHRASE_WORDS:
        raise SynonymError(
            f"{path.name}: {text!r} must have between 1 and {MAX_PHRASE_WORDS} words"
        )
    return tuple(token.term for token in found), " ".join(token.surface for token in found)


def _add_group(thesaurus: Thesaurus, entries, language: str, path: Path) -> list[str]:
    if not isinstance(entries, list) or len(entries) < 2:
        raise SynonymError(f"{path.name}: a synonym group must list at least two words or phrases")
    phrases = []
    for entry in entries:
        terms, written = _phrase(entry, language, path)
        joined = " ".join(terms)
        thesaurus.written.setdefault(joined, written)
        if joined not in phrases:
            phrases.append(joined)
    for joined in phrases:
        key = tuple(joined.split())
        # A phrase in two groups (a word with two senses) meets the words of both.
        merged = thesaurus.groups.get(key, (joined,))
        merged += tuple(other for other in phrases if other not in merged)
        thesaurus.groups[key] = merged
        thesaurus.longest = max(thesaurus.longest, len(key))
    return phrases


def parse_synonyms(path: Path, language: str) -> Thesaurus:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise SynonymError(f"{path.name}: cannot be read ({error})") from error
    if not isinstance(data, dict) or data.get("language") != language:
        raise SynonymError(f"{path.name}: must be a mapping with 'language: {language}'")
    thesaurus = Thesaurus()
    helpline = data.get("helpline") or []
    if helpline:
        thesaurus.helpline = set(_add_group(thesaurus, helpline, language, path))
    groups = data.get("synonyms") or []
    if not isinstance(groups, list):
        raise SynonymError(f"{path.name}: 'synonyms' must be a list of groups")
    for entries in groups:
        _add_group(thesaurus, entries, language, path)
    extra = data.get("countries") or {}
    if not isinstance(extra, dict) or any(code not in ASEAN for code in extra):
        raise SynonymError(f"{path.name}: 'countries' must map ASEAN country codes to names")
    for code in ASEAN:
        names = [vocabulary.country_name(code, language), vocabulary.country_name(code, "en")]
        for name in names + list(extra.get(code) or []):
            terms, _written = _phrase(name, language, path)
            thesaurus.countries.setdefault(terms, code)
    return thesaurus


@cache
def _thesaurus(language: str, path: str, modified: float) -> Thesaurus:
    return parse_synonyms(Path(path), language)


def thesaurus(language: str) -> Thesaurus:
    """The language's synonyms, read again when its file changes; empty when it has none."""
    path = synonyms_directory() / f"synonyms.{language}.yaml"
    try:
        modified = path.stat().st_mtime
    except OSError:
        return Thesaurus()
    return _thesaurus(language, str(path), modified)


def expand(words: list[str], language: str) -> list[tuple[str, ...]]:
    """The query's words as term groups: the longest phrase with synonyms at each place first."""
    table = thesaurus(language)
    groups, position = [], 0
    while position < len(words):
        for size in range(min(table.longest, len(words) - position), 0, -1):
            group = table.groups.get(tuple(words[position : position + size]))
            if group is not None:
                groups.append(group)
                position += size
                break
        else:
            groups.append((words[position],))
            position += 1
    return groups


def exact_groups(groups: list[tuple[str, ...]], exact_words: list[str], language: str):
    """Each group's alternatives as written: the typed words for the first, the file's for others."""
    written, result, position = thesaurus(language).written, [], 0
    for group in groups:
        size = len(group[0].split())
        typed = " ".join(exact_words[position : position + size])
        result.append((typed, *(written.get(other, other) for other in group[1:])))
        position += size
    return result


def helpline_country(words: list[str], groups: list[tuple[str, ...]], language: str) -> str | None:
    """The country whose help page a query asks for: a help-line word and a country's name."""
    table = thesaurus(language)
    if not any(alternative in table.helpline for group in groups for alternative in group):
        return None
    for size in range(len(words), 0, -1):
        for start in range(len(words) - size + 1):
            code = table.countries.get(tuple(words[start : start + size]))
            if code:
                return code
    return None


@lru_cache(maxsize=4096)
def _analysed(alias: str, language: str) -> str:
    return " ".join(token.term for token in tokens(alias, language))


def alias_slugs(words: list[str], language: str) -> list[str]:
    """Articles in `language` one of whose aliases the query is, exactly (as analysed)."""
    query = " ".join(words)
    rows = Article.objects.filter(language=language, published=True).values_list("slug", "aliases")
    return sorted(
        slug for slug, aliases in rows if any(_analysed(a, language) == query for a in aliases)
    )


def pinned_documents(words, groups, language: str) -> list[tuple[int, str]]:
    """Ids of the documents a query names (an article's alias, a country's help-lines), first
    first, each with the reason: "alias" or "helpline"."""
    wanted = [("article", slug, "alias") for slug in alias_slugs(words, language)]
    country = helpline_country(words, groups, language)
    if country:
        wanted.append(("helpline", country, "helpline"))
    pinned = []
    for source, key, reason in wanted:
        found = SearchDocument.objects.filter(source=source, key=key, language=language)
        pinned += [(pk, reason) for pk in found.values_list("pk", flat=True)]
    return pinned


def synonyms_used(group_exact, chosen: list[int]) -> list[Synonym]:
    """The synonyms a document was found by: each group whose best alternative was not typed."""
    return [
        Synonym(exact[0], exact[index])
        for exact, index in zip(group_exact, chosen, strict=True)
        if index > 0
    ]
