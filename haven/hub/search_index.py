"""Writing the search index: documents, their analysed terms and the per-language term counts,
kept in the same transaction as the content they index (read by haven.hub.search)."""

from collections import Counter

from django.db import connection, transaction
from django.db.models import F

from haven.hub.models import SearchDocument, SearchLanguageTerm, SearchTerm, SearchTotals
from haven.hub.snippets import SNIPPET_CHARACTERS, make_snippet  # noqa: F401 (re-exported)
from haven.lib.analysis import tokens
from haven.lib.text import normalize


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
