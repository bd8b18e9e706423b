"""The search engine layer on both database engines: term groups and per-language vocabulary."""

import pytest

from haven.hub.models import SearchDocument, SearchLanguageTerm
from haven.hub.search import (
    Candidate,
    _candidates,
    _rows,
    as_groups,
    correct_term,
    index_document,
    remove_document,
    score_document,
    term_counts_from_scratch,
)


def add(key, title, text, language="fil"):  # folded, not stemmed
    return index_document(
        source="engine",
        key=key,
        language=language,
        kind="test",
        title=title,
        url=f"/x/{key}",
        text=text,
    )


def candidate(key):
    document = SearchDocument.objects.get(source="engine", key=key)
    return Candidate(*_rows(Candidate._fields, [document.pk])[0])


def ids(groups, language="fil", any_term=False):
    found, _total = _candidates(groups, language, any_term)
    return set(SearchDocument.objects.filter(pk__in=found).values_list("key", flat=True))


def test_a_plain_term_is_a_group_of_one():
    assert as_groups(["a", ("b", "c")]) == [("a",), ("b", "c")]


@pytest.mark.django_db
class TestGroups:
    def test_a_document_matches_a_group_by_any_of_its_terms(self):
        add("one", "Call the zorbline", "any day")
        add("two", "Call the quuxline", "any day")
        add("three", "Call nobody", "any day")
        assert ids([("zorbline", "quuxline")]) == {"one", "two"}
        assert ids([("zorbline", "quuxline"), ("call",)]) == {"one", "two"}
        assert ids([("zorbline",), ("quuxline",)]) == set()
        assert ids([("zorbline",), ("quuxline",)], any_term=True) == {"one", "two"}

    def test_a_group_scores_as_its_best_matching_term(self):
        add("both", "Zorbline", "quuxline quuxline zorbline")
        document = candidate("both")
        idf = {"zorbline": 2.0, "quuxline": 1.0, "day": 0.5}
        alone = {
            term: score_document(document, [(term,)], [term], idf, 10.0)
            for term in ("zorbline", "quuxline")
        }
        grouped = score_document(document, [("zorbline", "quuxline")], ["zorbline"], idf, 10.0)
        assert grouped == pytest.approx(max(alone.values()))
        assert alone["zorbline"] != alone["quuxline"]
        # A plain list of terms scores as before: each term a group of one.
        assert score_document(document, ["zorbline"], ["zorbline"], idf, 10.0) == alone["zorbline"]


@pytest.mark.django_db
class TestVocabularyPerLanguage:
    def test_counts_per_language_follow_changes(self):
        add("en-1", "Alpha", "beta gamma")
        add("en-1", "Alpha", "beta delta")  # gamma gone, delta new
        add("vi-1", "Alpha", "beta", language="vi")
        add("vi-2", "Epsilon", "beta", language="vi")
        remove_document(source="engine", key="vi-2")
        stored = {
            (language, term): documents
            for language, term, documents in SearchLanguageTerm.objects.filter(
                documents__gt=0
            ).values_list("language", "term", "documents")
        }
        assert stored == dict(term_counts_from_scratch(by_language=True))
        assert stored[("vi", "beta")] == 1 and ("vi", "epsilon") not in stored

    def test_a_typo_is_corrected_only_to_a_word_of_the_query_language(self):
        add("fil-only", "Nota", "zyxwordana", language="fil")
        assert correct_term("zyxwordan", "fil") == "zyxwordana"
        assert correct_term("zyxwordan", "vi") is None
        assert correct_term("zyxwordan") == "zyxwordana"  # any language

    def test_a_word_of_the_language_is_found_among_commoner_words_of_others(self):
        # Thirty close words in Vietnamese documents must not hide the one Filipino word.
        for number in range(30):
            add(f"vi-{number}", "Ghi", f"zyxwordan{number:02d}", language="vi")
        add("fil-1", "Nota", "zyxwordanx", language="fil")
        assert correct_term("zyxwordnx", "fil") == "zyxwordanx"
