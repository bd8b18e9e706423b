"""Search: folding, ranking, typos, snippets, and the same answers on both engines."""

import json
import os
from pathlib import Path

import pytest
from django.utils import translation

from haven.hub.models import SearchDocument, SearchTerm, SearchTotals
from haven.hub.search import (
    QueryError,
    correct_term,
    index_document,
    make_snippet,
    parse_query,
    remove_document,
    search,
    similarity,
    term_counts_from_scratch,
)

RANKING = Path(__file__).with_name("ranking.json")


def top(query, language="vi", limit=10):
    return [f"{result.kind}:{result.slug}" for result in search(query, language, limit).results]


def add(key, title, text, language="en"):
    return index_document(
        source="test",
        key=key,
        language=language,
        kind="test",
        title=title,
        url=f"/x/{key}",
        text=text,
    )


@pytest.mark.django_db
class TestFolding:
    @pytest.mark.parametrize(
        ("plain", "accented"),
        [
            ("lao dong cuong buc", "lao động cưỡng bức"),
            ("duong day nong", "đường dây nóng"),
            ("mua ban nguoi", "mua bán người"),
            ("DUONG DAY NONG", "ĐƯỜNG DÂY NÓNG"),
            ("ho chieu", "hộ chiếu"),
        ],
    )
    def test_with_or_without_diacritics_finds_the_same_documents(self, plain, accented):
        assert set(top(plain, limit=50)) == set(top(accented, limit=50)) != set()

    def test_d_with_stroke_is_found_by_d(self):
        add("d", "Đà Nẵng", "Điều cần biết ở Đà Nẵng", language="vi")
        assert "test:d" in top("da nang")
        assert "test:d" in top("dieu")


@pytest.mark.django_db
class TestRanking:
    @pytest.mark.parametrize(
        ("query", "language", "first"),
        [
            ("lao dong cuong buc", "vi", "guide:forced-labour-indicators"),
            ("lao động cưỡng bức", "vi", "guide:forced-labour-indicators"),
            ("duong day nong", "vi", "helpline:VN"),
            ("fake job", "en", "guide:fake-job-offers"),
            ("forced marriage", "en", "guide:forced-marriage"),
            ("cuong ep ket hon", "vi", "guide:forced-marriage"),
            ("palermo protocol", "en", "law:palermo-protocol"),
            ("cong uoc asean", "vi", "law:actip"),
            ("luật 2024", "vi", "law:vietnam-law-2024"),
            ("passport", "en", "guide:safe-migration"),
            ("Cambodia", "en", "helpline:KH"),
            ("viec lam luong cao", "vi", "guide:fake-job-offers"),
            ("trẻ em", "vi", "guide:child-trafficking"),
            ("1343", "en", "helpline:PH"),
            ("hỗ trợ nạn nhân", "vi", "guide:support-after-return"),
        ],
    )
    def test_the_best_document_comes_first(self, query, language, first):
        assert top(query, language)[0] == first

    def test_the_order_is_the_same_on_every_engine(self):
        """ranking.json was made on SQLite; the suite runs it on PostgreSQL too."""
        expected = json.loads(RANKING.read_text())
        if os.environ.get("HAVEN_WRITE_RANKING"):
            actual = {key: top(key.split("|", 1)[1], key.split("|", 1)[0])[:5] for key in expected}
            RANKING.write_text(json.dumps(actual, indent=1, ensure_ascii=False))
        for key, order in expected.items():
            language, query = key.split("|", 1)
            assert top(query, language)[:5] == order, key

    def test_words_standing_together_rank_higher(self):
        add("apart", "Notes", "the offer came with a visa and later a job in a port far from home")
        add("together", "Notes", "the offer was a visa job in a port far from home for everyone")
        assert top("visa job", "en")[:2] == ["test:together", "test:apart"]

    def test_rarer_words_weigh_more(self):
        for number in range(6):
            add(f"filler{number}", "Filler", f"common words about a harbour number {number}")
        add("rare", "Notes", "harbour harbour zanzibarite")
        add("common", "Notes", "harbour harbour harbour zanzibar words")
        # Both documents match one word each way; the rare word decides.
        results = top("harbour zanzibarite", "en")
        assert results[0] == "test:rare"

    def test_titles_weigh_more_than_bodies(self):
        add(
            "in-body", "Notes", "a long text that mentions quokkas once among many other words here"
        )
        add(
            "in-title",
            "Quokkas",
            "a long text that mentions nothing special among many other words",
        )
        assert top("quokkas", "en")[:2] == ["test:in-title", "test:in-body"]

    def test_exact_diacritics_rank_above_folded_matches(self):
        add(
            "folded",
            "Ghi chú",
            "người tu hành sống trong chùa, một câu chuyện dài về tu hành",
            "vi",
        )
        add("exact", "Ghi chú", "hình phạt tử hình được bàn trong một câu chuyện dài về luật", "vi")
        assert (
            top("tử hình")[:2] == ["test:exact", "test:folded"] or top("tử hình")[0] == "test:exact"
        )
        assert top("tu hanh")[0] == "test:folded"

    def test_a_single_word_document_ties_break_the_same_way(self):
        add("b", "Same", "identical text zzyzx")
        add("a", "Same", "identical text zzyzx")
        assert top("zzyzx", "en") == ["test:a", "test:b"]


@pytest.mark.django_db
class TestTypos:
    def test_a_missing_letter_is_forgiven(self):
        results = search("traficking", "en")
        assert results.corrected == "trafficking"
        assert "guide:what-is-trafficking" in [f"{r.kind}:{r.slug}" for r in results.results]

    def test_a_folded_vietnamese_typo_is_forgiven(self):
        results = search("cuong bucc", "vi")
        assert results.corrected == "cuong buc"
        assert results.results

    def test_known_words_are_left_alone(self):
        assert search("trafficking", "en").corrected is None

    def test_nonsense_finds_nothing(self):
        results = search("qqqqxxxx", "en")
        assert results.total == 0 and results.results == []

    def test_short_words_are_not_guessed(self):
        assert correct_term("xyz") is None

    def test_similarity_is_pg_trgm_s(self):
        assert similarity("word", "word") == 1.0
        assert similarity("traficking", "trafficking") == pytest.approx(0.75, abs=0.1)
        assert similarity("abc", "xyz") == 0.0


@pytest.mark.django_db
class TestSnippets:
    def test_matches_are_marked_in_the_original_text(self):
        snippet = search("duong day nong", "vi").results[0].snippet
        assert "<mark>" in snippet
        assert "duong" not in snippet.lower() or "đường" in snippet.lower()

    def test_html_in_the_text_is_escaped(self):
        snippet = make_snippet('say <script>alert("x")</script> hotline now', ["hotline"])
        assert "<script>" not in snippet and "&lt;script&gt;" in snippet
        assert "<mark>hotline</mark>" in snippet

    def test_exact_forms_are_preferred_for_an_accented_query(self):
        text = "đồng nghiệp của bạn bị lao động cưỡng bức"
        snippet = make_snippet(text, ["lao", "dong"], ["lao", "động"])
        assert "<mark>động</mark>" in snippet and "<mark>đồng</mark>" not in snippet

    def test_long_texts_are_cut_around_the_match(self):
        text = "word " * 200 + "needle here " + "word " * 200
        snippet = make_snippet(text, ["needle"])
        assert snippet.startswith("… ") and snippet.endswith(" …")
        assert "<mark>needle</mark>" in snippet and len(snippet) < 400


@pytest.mark.django_db
class TestIndex:
    def test_term_counts_follow_changes(self):
        add("one", "Alpha", "beta gamma")
        add("one", "Alpha", "beta delta")  # gamma gone, delta new
        add("two", "Alpha", "epsilon")
        remove_document(source="test", key="two")
        counts = term_counts_from_scratch()
        stored = dict(SearchTerm.objects.filter(documents__gt=0).values_list("term", "documents"))
        assert stored == dict(counts)
        assert SearchTotals.objects.get().documents == SearchDocument.objects.count()

    def test_removed_documents_are_not_found(self):
        add("gone", "Vanishing", "xylophonist")
        remove_document(source="test", key="gone")
        assert search("xylophonist", "en").results == []

    def test_other_languages_are_not_mixed_in(self):
        add("vi-only", "Ghi chú", "okapiword", language="vi")
        assert top("okapiword", "en") == [] and top("okapiword", "vi") == ["test:vi-only"]


class TestQueries:
    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("", "Type a word"),
            ("   ", "Type a word"),
            ("x" * 201, "at most 200"),
            ("?!*", "at least one letter"),
            ("bad\x00query", "cannot be typed"),
        ],
    )
    def test_bad_queries_are_refused_with_a_reason(self, query, message):
        with translation.override("en"), pytest.raises(QueryError, match=message):
            parse_query(query)

    def test_the_reason_is_in_the_readers_language(self):
        with translation.override("vi"), pytest.raises(QueryError, match="Hãy gõ"):
            parse_query("")

    def test_query_syntax_is_not_passed_to_the_engine(self):
        assert parse_query('"mua" AND (ban) OR NEAR* -x:y') == [
            "mua",
            "and",
            "ban",
            "or",
            "near",
            "x",
            "y",
        ]
