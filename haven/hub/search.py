"""Search over articles, help-lines and services, the same on SQLite and PostgreSQL.

Python folds and splits the text into words for both engines (see haven.lib.text). The engine
finds the documents that contain every folded query word and pre-ranks them (FTS5 with bm25 on
SQLite; a tsvector with a GIN index and ts_rank on PostgreSQL). The final order comes from one
Python function over the best candidates, so both engines rank alike:

- BM25 with the rarity of each word (document counts kept in SearchTerm), titles weighing 3x;
- a bonus when the query's words stand together in the document, in order;
- a bonus when the words match with the diacritics the person typed.

A word that no document contains is replaced by the closest known word by trigram similarity
(pg_trgm on PostgreSQL; an FTS5 trigram index on SQLite, then the same similarity in Python).
"""

import itertools
import math
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from haven.hub.search_index import (  # noqa: F401 (re-exported: callers import them from search)
    _distinct_terms,
    bulk_index_documents,
    document_fields,
    index_document,
    optimize_index,
    remove_document,
    term_counts_from_scratch,
)
from haven.hub.snippets import SNIPPET_CHARACTERS, make_snippet  # noqa: F401 (re-exported)
from haven.hub.synonyms import Synonym, exact_groups, expand, pinned_documents, synonyms_used
from haven.lib.analysis import SPACED, STEMMERS, tokens
from haven.lib.text import fold, has_diacritics

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
CANDIDATES = 50
SCAN_LIMIT = 300
K1, B = 1.2, 0.75
TITLE_WEIGHT = 3.0
PHRASE_WEIGHT = 1.5
TITLE_MATCH_WEIGHT = 0.5
EXACT_WEIGHT = 1.0
TYPO_SIMILARITY = 0.4
STEM_WEIGHT = 0.5
SYNONYM_WEIGHT = 0.9  # a synonym counts a little less than the word as typed
HOME_COUNTRY_BOOST = 1.25


class QueryError(ValueError):
    """A query that cannot be searched; the message says why, for the person who typed it."""


@dataclass
class Result:
    kind: str
    slug: str
    lang: str
    title: str
    url: str
    snippet: str
    score: float
    synonyms: list[Synonym] = field(default_factory=list)
    pinned: str = ""  # "alias" or "helpline": the query names this document (haven.hub.synonyms)


@dataclass
class Results:
    query: str
    total: int
    results: list[Result] = field(default_factory=list)
    corrected: str | None = None
    language: str = ""
    total_exact: bool = True


class Candidate(NamedTuple):
    """The columns ranking needs, without the full text."""

    pk: int
    source: str
    key: str
    language: str
    kind: str
    title: str
    url: str
    title_fold: str
    body_fold: str
    title_words: str
    words: str
    length: int


# Indexing


def parse_query(query: str, language: str = "vi") -> list[str]:
    if query is None or not query.strip():
        raise QueryError(_("Type a word or two to search for."))
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(
            _("A search can be at most %(limit)d characters long.") % {"limit": MAX_QUERY_LENGTH}
        )
    if any(ord(character) < 32 and character not in "\t\n\r" for character in query):
        raise QueryError(_("The search contains characters that cannot be typed."))
    words = [token.term for token in tokens(query, language)][:MAX_QUERY_WORDS]
    if not words:
        raise QueryError(_("The search needs at least one letter or digit."))
    return [word[:100] for word in words]


def parse_groups(query: str, language: str = "vi") -> list[tuple[str, ...]]:
    """The query as term groups (see haven.hub.synonyms): its words, with their synonyms."""
    return expand(parse_query(query, language), language)


def _document_frequencies(terms: list[str]) -> dict[str, int]:
    """Documents per term, in all languages together (the rarity ranking was tuned on; see
    docs/search.md); the corpus totals come in the same query, under the key None."""
    distinct = sorted(set(terms))
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(distinct))
        cursor.execute(
            "SELECT term, documents, 0 FROM hub_searchterm "  # noqa: S608 (placeholders only)
            f"WHERE documents > 0 AND term IN ({marks}) "
            "UNION ALL SELECT NULL, documents, length FROM hub_searchtotals",
            distinct,
        )
        rows = cursor.fetchall()
    found = {term: documents for term, documents, _ in rows if term is not None}
    frequencies = {term: found.get(term, 0) for term in terms}
    totals = [(documents, length) for term, documents, length in rows if term is None]
    frequencies[None] = totals[0] if totals else (0, 0)
    return frequencies


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(left: str, right: str) -> float:
    """pg_trgm's similarity: shared trigrams over all trigrams of the two words."""
    a, b = _trigrams(left), _trigrams(right)
    return len(a & b) / len(a | b) if a and b else 0.0


def _vocabulary_candidates(term: str, language: str | None) -> list[tuple[str, int]]:
    """Known words sharing trigrams with `term` (of `language`'s documents, or of any)."""
    # With a language, the word's count in that language's documents replaces the overall one.
    join = (
        "JOIN hub_searchlanguageterm AS l ON l.term = t.term AND l.language = %s "
        "AND l.documents > 0 "
        if language
        else ""
    )
    documents = "l.documents" if language else "t.documents"
    extra = [language] if language else []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT t.term, {documents} FROM hub_searchterm AS t {join}"  # noqa: S608 (constants)
                "WHERE t.documents > 0 AND lower(t.term) %% %s "
                "ORDER BY similarity(lower(t.term), %s) DESC, t.term LIMIT 30",
                [*extra, term, term],
            )
        else:
            grams = sorted({gram for gram in _trigrams(term) if " " not in gram})
            if not grams:
                return []
            expression = " OR ".join(f'"{gram}"' for gram in grams)
            cursor.execute(
                f"SELECT t.term, {documents} FROM hub_term_trigram "  # noqa: S608 (constants)
                f"JOIN hub_searchterm t ON t.id = hub_term_trigram.rowid {join}"
                "WHERE hub_term_trigram MATCH %s AND t.documents > 0 "
                "ORDER BY hub_term_trigram.rank, t.term LIMIT 30",
                [*extra, expression],
            )
        return cursor.fetchall()


def correct_term(term: str, language: str | None = None) -> str | None:
    """The known word closest to a word no document contains, if one is close enough; with a
    `language`, only a word of that language's vocabulary ("pasport" must become English
    "passport", not Indonesian "paspor")."""
    if len(term) < 4 or term.isdigit():
        return None
    scored = [
        (similarity(term, candidate), documents, candidate)
        for candidate, documents in _vocabulary_candidates(term, language)
    ]
    scored = [item for item in scored if item[0] >= TYPO_SIMILARITY]
    if not scored:
        return None
    # Most similar first, then the commoner word, then alphabetical: the same on both engines.
    scored.sort(key=lambda item: (-item[0], -item[1], item[2]))
    return scored[0][2]


def as_groups(terms) -> list[tuple[str, ...]]:
    """A query as term groups: a document matches a group if it has any of its terms (a plain
    term is a group of one; synonyms make larger groups)."""
    return [term if isinstance(term, tuple) else (term,) for term in terms]


def _candidates(groups: list, language: str, any_term: bool) -> tuple[list[int], int]:
    """Ids of up to CANDIDATES matching documents, pre-ranked by the engine, and the count:
    documents with every group (or, with any_term, any group); a group is any of its
    alternatives, an alternative of several words a phrase (a plain term is a group of one).

    At most SCAN_LIMIT + 1 matches are looked at, in index order: ranking every match of a
    word found in most documents would cost time in proportion to the whole corpus. The count
    is exact up to SCAN_LIMIT; past it the caller says "more than".
    """
    groups = as_groups(groups)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = (" | " if any_term else " & ").join(
                "(" + " | ".join(" <-> ".join(other.split()) for other in group) + ")"
                for group in groups
            )
            cursor.execute(
                "SELECT id, count(*) OVER () FROM ("
                "  SELECT id, search_vector FROM hub_searchdocument"
                "  WHERE search_vector @@ to_tsquery('simple', %s) AND language = %s LIMIT %s"
                ") AS matches "
                "ORDER BY ts_rank(search_vector, to_tsquery('simple', %s)) DESC, id LIMIT %s",
                [query, language, SCAN_LIMIT + 1, query, CANDIDATES],
            )
        else:
            joined = (" OR " if any_term else " AND ").join(
                "(" + " OR ".join(f'"{other}"' for other in group) + ")" for group in groups
            )
            match = f'{{title_fold body_fold}} : ({joined}) AND language : "{language}"'
            cursor.execute(
                "SELECT rowid, count(*) OVER () FROM ("
                "  SELECT rowid, bm25(hub_search_fts, 3.0, 1.0, 0.0) AS score FROM hub_search_fts"
                "  WHERE hub_search_fts MATCH %s LIMIT %s"
                ") ORDER BY score, rowid LIMIT %s",
                [match, SCAN_LIMIT + 1, CANDIDATES],
            )
        rows = cursor.fetchall()
    return [row[0] for row in rows], (rows[0][1] if rows else 0)


def _rows(columns: tuple[str, ...], ids: list[int]) -> list[tuple]:
    """Columns of documents by id, in plain SQL: the ORM's query building cost more than the query."""
    if not ids:
        return []
    names = ", ".join(connection.ops.quote_name("id" if name == "pk" else name) for name in columns)
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {names} FROM hub_searchdocument WHERE id IN ({marks})",  # noqa: S608 (our column names, placeholders)
            list(ids),
        )
        return cursor.fetchall()


def _count(text: str, phrase: str) -> int:
    return f" {text} ".count(f" {phrase} ")


def _term_score(padded: tuple[str, ...], term: str, exact: str, idf: dict, norm: float) -> float:
    """BM25 of one term; `padded` holds the document's title_fold, body_fold (and, stemmed,
    title_words and words) with a space at each end, made once per document."""
    title, body, *written = padded
    frequency = TITLE_WEIGHT * title.count(f" {term} ") + body.count(f" {term} ")
    if written and frequency:
        # A word as typed counts fully; another word of the same stem counts for less.
        same = TITLE_WEIGHT * written[0].count(f" {exact} ") + written[1].count(f" {exact} ")
        frequency = same + STEM_WEIGHT * (frequency - same)
    return idf[term] * frequency * (K1 + 1) / (frequency + norm) if frequency else 0.0


def _as_exact(groups: list[tuple[str, ...]], exact_groups: list) -> list[tuple[str, ...]]:
    """Each group's alternatives as written; a plain word written stands for the group's first
    term, its other alternatives as they are (see as_groups)."""
    return [
        exact if isinstance(exact, tuple) else (exact, *group[1:])
        for group, exact in zip(groups, exact_groups, strict=True)
    ]


def best_alternatives(document, groups, exact_groups, idf: dict, average_length: float):
    """Per group, the number of its best alternative in the document (0, as typed, when none
    matches) and that alternative's score (a synonym's times SYNONYM_WEIGHT). Plain terms and
    words are groups of one (see as_groups)."""
    groups = as_groups(groups)
    exact_groups = _as_exact(groups, exact_groups)
    norm = K1 * (1 - B + B * document.length / average_length)
    fields = [document.title_fold, document.body_fold]
    if document.language in STEMMERS:
        fields += [document.title_words, document.words]
    padded = tuple(f" {text} " for text in fields)
    best = []
    for group, exact in zip(groups, exact_groups, strict=True):
        scores = [
            (_term_score(padded, term, written, idf, norm) * (SYNONYM_WEIGHT if i else 1.0), -i)
            for i, (term, written) in enumerate(zip(group, exact, strict=True))
            if term in idf
        ]
        score, index = max(scores, default=(0.0, 0))
        best.append((-index if score else 0, score))
    return best


def score_document(document, groups, exact_groups, idf: dict, average_length: float) -> float:
    """The document's score for a query of term groups (see haven.hub.synonyms; plain terms
    are groups of one): each group scores as its best alternative."""
    groups = as_groups(groups)
    exact_groups = _as_exact(groups, exact_groups)
    best = best_alternatives(document, groups, exact_groups, idf, average_length)
    seen, score = set(), 0.0
    for group, (_index, alternative_score) in zip(groups, best, strict=True):
        if group not in seen:  # a word typed twice counts once
            seen.add(group)
            score += alternative_score
    terms = [group[index] for group, (index, _score) in zip(groups, best, strict=True)]
    exact_terms = [exact[index] for exact, (index, _score) in zip(exact_groups, best, strict=True)]
    stemmed = document.language in STEMMERS
    # Each meaning of the query found in the title: BM25 saturates, so a title match alone is
    # worth little in a long text (the title "Cách báo tin về mua bán người" for "tố giác
    # buôn người").
    score += TITLE_MATCH_WEIGHT * sum(
        idf.get(term, 0.0) for term in set(terms) if _count(document.title_fold, term)
    )
    if len(terms) > 1:
        weight = sum(idf.get(term, 0.0) for term in terms) / len(terms)
        phrase = " ".join(terms)
        if _count(document.title_fold, phrase):
            score += PHRASE_WEIGHT * TITLE_WEIGHT * weight
        elif _count(document.body_fold, phrase):
            score += PHRASE_WEIGHT * weight
        else:
            pairs = [f"{a} {b}" for a, b in itertools.pairwise(terms)]
            together = sum(
                1
                for pair in pairs
                if _count(document.title_fold, pair) or _count(document.body_fold, pair)
            )
            score += PHRASE_WEIGHT * weight * together / len(pairs) / 2
    for exact, term in zip(exact_terms, terms, strict=False):
        if (
            not stemmed
            and exact != term
            and (_count(document.title_words, exact) or _count(document.words, exact))
        ):
            score += EXACT_WEIGHT * idf.get(term, 0.0)
    if document.source == "helpline" and document.key == settings.HAVEN_COUNTRY:
        score *= HOME_COUNTRY_BOOST  # this deployment's own help-lines come first among equals
    return score


def _written_form(term: str, documents: list) -> str:
    """A corrected term as a reader would write it (a stem is not a word): its first use."""
    for document in documents:
        for terms, words in (
            (document.title_fold, document.title_words),
            (document.body_fold, document.words),
        ):
            terms_list = terms.split()
            if term in terms_list:
                written = words.split()
                index = terms_list.index(term)
                if len(written) == len(terms_list):
                    return fold(written[index])
    return term


def _words(groups: list[tuple[str, ...]]) -> list[str]:
    return [word for group in groups for alternative in group for word in alternative.split()]


def _correct_typos(terms: list[str], exact_terms: list[str], language: str):
    """The query's groups after typo correction (spaced languages; a word covered by a synonym
    group is left alone): terms, exact terms, the correction or None, groups, frequencies."""
    groups = expand(terms, language)
    frequencies = _document_frequencies(_words(groups))
    covered, position = set(), 0
    for group in groups:
        size = len(group[0].split())
        if len(group) > 1:
            covered.update(range(position, position + size))
        position += size
    unknown = [n for n, term in enumerate(terms) if not frequencies[term] and n not in covered]
    if language not in SPACED or not unknown:
        return terms, exact_terms, None, groups, frequencies
    replaced = [
        correct_term(term, language) if n in unknown else term for n, term in enumerate(terms)
    ]
    kept = [new for new in replaced if new]
    if not kept or not any(new and new != old for new, old in zip(replaced, terms, strict=False)):
        return terms, exact_terms, None, groups, frequencies
    exact_terms = [
        exact if new == old else new
        for exact, new, old in zip(exact_terms, replaced, terms, strict=False)
        if new
    ]
    groups = expand(kept, language)
    return kept, exact_terms, " ".join(kept), groups, _document_frequencies(_words(groups))


def search(query: str, language: str, limit: int = 10) -> Results:
    terms = parse_query(query, language)
    exact_terms = list(terms)
    if has_diacritics(query) or language in STEMMERS:
        exact_terms = [token.surface for token in tokens(query, language)][:MAX_QUERY_WORDS]
    terms, exact_terms, corrected, groups, frequencies = _correct_typos(
        terms, exact_terms, language
    )
    results = Results(query=query, total=0, corrected=corrected, language=language)
    pinned = dict(pinned_documents(terms, groups, language))
    # An alternative of several words is in at most as many documents as its rarest word.
    found = {alt: min(frequencies[w] for w in alt.split()) for group in groups for alt in group}
    written = exact_groups(groups, exact_terms, language)
    kept = [(g, e) for g, e in zip(groups, written, strict=True) if any(found[a] for a in g)]
    groups, written = [g for g, _ in kept], [e for _, e in kept]
    ids, total = [], 0
    if groups:
        searchable = [tuple(a for a in group if found[a]) for group in groups]
        # Every group first; when nothing has them all, any of them.
        for any_term in (False, True):
            ids, total = _candidates(searchable, language, any_term)
            if ids:
                break
    total += len(set(pinned) - set(ids))
    ids = list(dict.fromkeys([*pinned, *ids]))
    if not ids:
        return results

    documents_total, length_total = frequencies[None]
    count = max(documents_total, 1)
    average_length = max(length_total / count, 1.0)
    # A group is one meaning: its alternatives share the rarity of the commonest of them.
    idf = {}
    for group in groups:
        df = max(found[alternative] for alternative in group)
        weight = math.log(1 + (count - df + 0.5) / (df + 0.5))
        idf |= {alternative: weight for alternative in group if found[alternative]}
    documents = [Candidate(*row) for row in _rows(Candidate._fields, ids)]
    order = {pk: number for number, pk in enumerate(pinned)}
    ranked = sorted(
        (
            (score_document(document, groups, written, idf, average_length), document)
            for document in documents
        ),
        key=lambda item: (
            order.get(item[1].pk, len(order)),  # a document the query names comes first
            -round(item[0], 9),
            item[1].source,
            item[1].key,
        ),
    )
    if corrected:
        results.corrected = " ".join(_written_form(term, [d for _, d in ranked]) for term in terms)
    ranked = ranked[:limit]
    texts = dict(_rows(("pk", "text"), [document.pk for _, document in ranked]))
    results.total = min(total, SCAN_LIMIT)
    results.total_exact = total <= SCAN_LIMIT
    for score, document in ranked:
        chosen = [i for i, _ in best_alternatives(document, groups, written, idf, average_length)]
        words = [
            w for g, i in zip(groups, chosen, strict=True) if g[i] in idf for w in g[i].split()
        ]
        exact = [w for e, i in zip(written, chosen, strict=True) for w in e[i].split()]
        results.results.append(
            Result(
                kind=document.kind,
                slug=document.key,
                lang=document.language,
                title=document.title,
                url=document.url,
                snippet=make_snippet(
                    texts[document.pk], words, exact, language, (document.body_fold, document.words)
                ),
                score=round(score, 4),
                synonyms=synonyms_used(written, chosen),
                pinned=pinned.get(document.pk, ""),
            )
        )
    return results
