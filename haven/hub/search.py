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
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from haven.hub.models import SearchDocument, SearchLanguageTerm, SearchTerm, SearchTotals
from haven.hub.snippets import SNIPPET_CHARACTERS, make_snippet  # noqa: F401 (re-exported)
from haven.lib.analysis import SPACED, STEMMERS, tokens
from haven.lib.text import fold, has_diacritics, normalize

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
CANDIDATES = 50
SCAN_LIMIT = 300
K1, B = 1.2, 0.75
TITLE_WEIGHT = 3.0
PHRASE_WEIGHT = 1.5
EXACT_WEIGHT = 1.0
TYPO_SIMILARITY = 0.4
STEM_WEIGHT = 0.5
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


def _distinct_terms(*texts: str) -> set[str]:
    return {term for text in texts for term in text.split()}


def _change_term_counts(terms: set[str], delta: int, language: str) -> None:
    if not terms:
        return
    terms = {term[:100] for term in terms}
    if delta > 0:
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=term) for term in terms], ignore_conflicts=True, batch_size=500
        )
        SearchLanguageTerm.objects.bulk_create(
            [SearchLanguageTerm(term=term, language=language) for term in terms],
            ignore_conflicts=True,
            batch_size=500,
        )
    for chunk in _chunks(sorted(terms), 500):
        SearchTerm.objects.filter(term__in=chunk).update(documents=F("documents") + delta)
        SearchLanguageTerm.objects.filter(language=language, term__in=chunk).update(
            documents=F("documents") + delta
        )


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _change_totals(documents: int, length: int) -> None:
    totals, _ = SearchTotals.objects.get_or_create(pk=1)
    SearchTotals.objects.filter(pk=totals.pk).update(
        documents=F("documents") + documents, length=F("length") + length
    )


def document_fields(title: str, text: str, language: str) -> dict:
    """The analysed columns: *_fold hold the index terms, *words the words as written, aligned."""
    text = normalize(text)
    title_tokens, body_tokens = tokens(title, language), tokens(text, language)
    return {
        "title": title[:200],
        "text": text,
        "title_words": " ".join(token.surface for token in title_tokens),
        "title_fold": " ".join(token.term for token in title_tokens),
        "words": " ".join(token.surface for token in body_tokens),
        "body_fold": " ".join(token.term for token in body_tokens),
        "length": len(body_tokens) + len(title_tokens),
    }


@transaction.atomic
def index_document(
    *, source: str, key: str, language: str, kind: str, title: str, url: str, text: str
) -> SearchDocument:
    values = document_fields(title, text, language) | {"kind": kind, "url": url}
    document = SearchDocument.objects.filter(source=source, key=key, language=language).first()
    new_terms = _distinct_terms(values["title_fold"], values["body_fold"])
    if document is None:
        document = SearchDocument.objects.create(
            source=source, key=key, language=language, **values
        )
        _change_term_counts(new_terms, +1, language)
        _change_totals(1, values["length"])
        return document
    old_terms = _distinct_terms(document.title_fold, document.body_fold)
    old_length = document.length
    for name, value in values.items():
        setattr(document, name, value)
    document.save()
    _change_term_counts(new_terms - old_terms, +1, language)
    _change_term_counts(old_terms - new_terms, -1, language)
    _change_totals(0, values["length"] - old_length)
    return document


@transaction.atomic
def bulk_index_documents(items: list[dict], batch_size: int = 2000) -> int:
    """Add many new documents at once (for imports and benchmarks): one pass over the terms."""
    counts: Counter = Counter()
    total_length = 0
    documents = []
    for item in items:
        values = document_fields(item["title"], item["text"], item["language"])
        language = item["language"]
        terms = _distinct_terms(values["title_fold"], values["body_fold"])
        counts.update((language, term[:100]) for term in terms)
        total_length += values["length"]
        documents.append(
            SearchDocument(
                source=item["source"],
                key=item["key"],
                language=item["language"],
                kind=item["kind"],
                url=item["url"],
                **values,
            )
        )
    SearchDocument.objects.bulk_create(documents, batch_size=batch_size)
    SearchLanguageTerm.objects.bulk_create(
        [SearchLanguageTerm(term=term, language=language) for language, term in counts],
        ignore_conflicts=True,
        batch_size=batch_size,
    )
    by_count: dict[tuple[str, int], list[str]] = {}
    for (language, term), count in counts.items():
        by_count.setdefault((language, count), []).append(term)
    for (language, count), terms in by_count.items():
        for chunk in _chunks(terms, 500):
            SearchLanguageTerm.objects.filter(language=language, term__in=chunk).update(
                documents=F("documents") + count
            )
    overall = Counter()
    for (_language, term), count in counts.items():
        overall[term] += count
    SearchTerm.objects.bulk_create(
        [SearchTerm(term=term) for term in overall], ignore_conflicts=True, batch_size=batch_size
    )
    by_total: dict[int, list[str]] = {}
    for term, count in overall.items():
        by_total.setdefault(count, []).append(term)
    for count, terms in by_total.items():
        for chunk in _chunks(terms, 500):
            SearchTerm.objects.filter(term__in=chunk).update(documents=F("documents") + count)
    _change_totals(len(documents), total_length)
    return len(documents)


@transaction.atomic
def remove_document(*, source: str, key: str, language: str | None = None) -> int:
    documents = SearchDocument.objects.filter(source=source, key=key)
    if language:
        documents = documents.filter(language=language)
    removed = 0
    for document in documents:
        terms = _distinct_terms(document.title_fold, document.body_fold)
        _change_term_counts(terms, -1, document.language)
        _change_totals(-1, -document.length)
        document.delete()
        removed += 1
    return removed


# Querying


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
    """Ids of up to CANDIDATES matching documents, pre-ranked by the engine, and the count.

    Every group must match (with any of its terms), or with `any_term` any group.
    At most SCAN_LIMIT + 1 matches are looked at, in index order: ranking every match of a
    word found in most documents would cost time in proportion to the whole corpus. The count
    is exact up to SCAN_LIMIT; past it the caller says "more than".
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            alternatives = ["(" + " | ".join(group) + ")" for group in as_groups(groups)]
            query = (" | " if any_term else " & ").join(alternatives)
            cursor.execute(
                "SELECT id, count(*) OVER () FROM ("
                "  SELECT id, search_vector FROM hub_searchdocument"
                "  WHERE search_vector @@ to_tsquery('simple', %s) AND language = %s LIMIT %s"
                ") AS matches "
                "ORDER BY ts_rank(search_vector, to_tsquery('simple', %s)) DESC, id LIMIT %s",
                [query, language, SCAN_LIMIT + 1, query, CANDIDATES],
            )
        else:
            alternatives = [
                "(" + " OR ".join(f'"{term}"' for term in group) + ")"
                for group in as_groups(groups)
            ]
            joined = (" OR " if any_term else " AND ").join(alternatives)
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


def score_document(
    document, terms: list, exact_terms: list, idf: dict, average_length: float
) -> float:
    """The document's score for a query: `terms` are term groups (plain terms are groups of one;
    a group scores as its best-matching term), `exact_terms` the words as typed, one per group."""
    groups = as_groups(terms)
    title, body = f" {document.title_fold} ", f" {document.body_fold} "
    title_words, words = f" {document.title_words} ", f" {document.words} "
    score = 0.0
    norm = K1 * (1 - B + B * document.length / average_length)
    stemmed = document.language in STEMMERS
    for group, exact in dict.fromkeys(zip(groups, exact_terms, strict=True)):
        best = 0.0
        for term in group:
            frequency = TITLE_WEIGHT * title.count(f" {term} ") + body.count(f" {term} ")
            if stemmed and frequency and term == group[0]:
                # A word as typed counts fully; another word of the same stem counts for less.
                same = TITLE_WEIGHT * title_words.count(f" {exact} ") + words.count(f" {exact} ")
                frequency = same + STEM_WEIGHT * (frequency - same)
            if frequency:
                best = max(best, idf[term] * frequency * (K1 + 1) / (frequency + norm))
        score += best
    firsts = [group[0] for group in groups]
    if len(firsts) > 1:
        weight = sum(idf[term] for term in firsts) / len(firsts)
        phrase = f" {' '.join(firsts)} "
        if phrase in title:
            score += PHRASE_WEIGHT * TITLE_WEIGHT * weight
        elif phrase in body:
            score += PHRASE_WEIGHT * weight
        else:
            pairs = [f" {a} {b} " for a, b in itertools.pairwise(firsts)]
            together = sum(1 for pair in pairs if pair in title or pair in body)
            score += PHRASE_WEIGHT * weight * together / len(pairs) / 2
    if not stemmed:
        for exact, term in zip(exact_terms, firsts, strict=False):
            if exact != term and (f" {exact} " in title_words or f" {exact} " in words):
                score += EXACT_WEIGHT * idf[term]
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


def search(query: str, language: str, limit: int = 10) -> Results:
    terms = parse_query(query, language)
    exact_terms = list(terms)
    if has_diacritics(query) or language in STEMMERS:
        exact_terms = [token.surface for token in tokens(query, language)][:MAX_QUERY_WORDS]

    frequencies = _document_frequencies(terms)
    corrected = None
    if language in SPACED and any(count == 0 for count in frequencies.values()):
        replaced = [
            correct_term(term, language) if frequencies[term] == 0 else term for term in terms
        ]
        if any(new and new != old for new, old in zip(replaced, terms, strict=False)):
            kept = [new for new in replaced if new]
            if kept:
                corrected = " ".join(kept)
                exact_terms = [
                    exact if new == old else new
                    for exact, new, old in zip(exact_terms, replaced, terms, strict=False)
                    if new
                ]
                terms = kept
                frequencies = _document_frequencies(terms)

    groups = as_groups(terms)  # one group per word typed; exact_terms has one word per group
    flat = list(dict.fromkeys(term for group in groups for term in group))
    if any(term not in frequencies for term in flat):
        frequencies = _document_frequencies(flat)
    results = Results(query=query, total=0, corrected=corrected, language=language)
    searchable = [
        known for group in groups if (known := tuple(t for t in group if frequencies[t] > 0))
    ]
    if not searchable:
        return results
    # Every word first; when nothing has them all, any of them.
    for any_term in (False, True):
        ids, total = _candidates(searchable, language, any_term)
        if ids:
            break
    if not ids:
        return results

    documents_total, length_total = frequencies[None]
    count = max(documents_total, 1)
    average_length = max(length_total / count, 1.0)
    idf = {
        term: math.log(1 + (count - frequencies[term] + 0.5) / (frequencies[term] + 0.5))
        for term in flat
    }
    documents = [Candidate(*row) for row in _rows(Candidate._fields, ids)]
    ranked = sorted(
        (
            (score_document(document, groups, exact_terms, idf, average_length), document)
            for document in documents
        ),
        key=lambda item: (-round(item[0], 9), item[1].source, item[1].key),
    )
    if corrected:
        results.corrected = " ".join(_written_form(term, [d for _, d in ranked]) for term in terms)
    ranked = ranked[:limit]
    texts = dict(_rows(("pk", "text"), [document.pk for _, document in ranked]))
    results.total = min(total, SCAN_LIMIT)
    results.total_exact = total <= SCAN_LIMIT
    results.results = [
        Result(
            kind=document.kind,
            slug=document.key,
            lang=document.language,
            title=document.title,
            url=document.url,
            snippet=make_snippet(
                texts[document.pk],
                [term for group in searchable for term in group],
                exact_terms,
                language,
                (document.body_fold, document.words),
            ),
            score=round(score, 4),
        )
        for score, document in ranked
    ]
    return results


def optimize_index() -> None:
    """After a large load: merge FTS5 segments and refresh the planners' statistics."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE hub_searchdocument")
            cursor.execute("ANALYZE hub_searchterm")
        else:
            cursor.execute("INSERT INTO hub_search_fts(hub_search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")


def term_counts_from_scratch(by_language: bool = False) -> Counter:
    """Document counts recomputed from the documents (for checks and repairs): per term, or
    per (language, term) as SearchTerm keeps them."""
    counts = Counter()
    rows = SearchDocument.objects.values_list("language", "title_fold", "body_fold")
    for language, title_fold, body_fold in rows.iterator():
        terms = _distinct_terms(title_fold, body_fold)
        if by_language:
            terms = [(language, term) for term in terms]
        counts.update(terms)
    return counts
