"""The query layer: synonyms per language, names (aliases) of articles, country + help-line."""

import pytest
from django.utils import translation

from haven.conftest import CONTENT
from haven.hub.content import ContentError, load_content
from haven.hub.search import index_document, parse_groups, search
from haven.hub.synonyms import (
    Synonym,
    SynonymError,
    expand,
    parse_synonyms,
    synonyms_directory,
    thesaurus,
)
from haven.hub.tests.test_content import content  # noqa: F401 (a fixture)
from haven.lib.analysis import analyse

LANGUAGES = ("vi", "en", "th", "km", "lo", "my", "id", "ms", "fil")
# In every language, its common words for: trafficking in persons, recruiter or broker,
# passport, debt, reporting, and a help-line.
CONCEPTS = {
    "vi": ["mua bán người", "môi giới", "hộ chiếu", "khoản nợ", "tố giác", "đường dây nóng"],
    "en": ["human trafficking", "recruiter", "passport", "debt", "report", "hotline"],
    "th": ["การค้ามนุษย์", "นายหน้า", "หนังสือเดินทาง", "หนี้", "แจ้งความ", "สายด่วน"],
    "km": ["ការជួញដូរមនុស្ស", "ឈ្មួញកណ្តាល", "លិខិតឆ្លងដែន", "បំណុល", "រាយការណ៍", "hotline"],
    "lo": ["ການຄ້າມະນຸດ", "ນາຍໜ້າ", "ໜັງສືຜ່ານແດນ", "ໜີ້", "ລາຍງານ", "ສາຍດ່ວນ"],
    "my": ["လူကုန်ကူးမှု", "ပွဲစား", "ပတ်စပို့", "ကြွေးမြီ", "တိုင်ကြား", "hotline"],
    "id": ["perdagangan orang", "calo", "paspor", "utang", "laporan", "hotline"],
    "ms": ["pemerdagangan orang", "ejen", "pasport", "hutang", "aduan", "talian bantuan"],
    "fil": ["human trafficking", "recruiter", "pasaporte", "utang", "magsumbong", "hotline"],
}


def add(key, title, text, language):
    index_document(
        source="test",
        key=key,
        language=language,
        kind="test",
        title=title,
        url=f"/x/{key}",
        text=text,
    )


def slugs(query, language, limit=10):
    return [result.slug for result in search(query, language, limit).results]


class TestFiles:
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_every_language_has_synonyms_for_the_common_words(self, language):
        table = thesaurus(language)
        for word in CONCEPTS[language]:
            group = table.groups.get(tuple(analyse(word, language)))
            assert group and len(group) >= 2, (language, word)

    def test_a_language_without_a_file_has_no_synonyms(self):
        assert thesaurus("xx").groups == {}
        assert expand(["abc", "def"], "xx") == [("abc",), ("def",)]

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("language: en\nsynonyms: [[lonely]]\n", "at least two"),
            ("language: en\nsynonyms: [[a, '']]\n", "word or phrase"),
            ("language: vi\nsynonyms: [[a, b]]\n", "language: en"),
            ("language: en\nsynonyms: [[a b c d e f g, b]]\n", "between 1 and 6 words"),
            ("language: en\ncountries: {XX: [Nowhere]}\n", "ASEAN country codes"),
            ("language: en\nsynonyms: [[a, b]\n", "cannot be read"),
        ],
    )
    def test_a_bad_file_is_refused_with_its_name(self, tmp_path, text, message):
        path = tmp_path / "synonyms.en.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(SynonymError, match=rf"synonyms\.en\.yaml: .*{message}"):
            parse_synonyms(path, "en")

    @pytest.mark.django_db
    def test_load_content_refuses_a_bad_synonyms_file(self, content):  # noqa: F811
        (content / "search" / "synonyms.en.yaml").write_text("language: en\nsynonyms: 3\n")
        with pytest.raises(ContentError, match=r"synonyms\.en\.yaml: 'synonyms' must be a list"):
            load_content(content)

    def test_the_real_files_are_the_ones_read(self):
        assert synonyms_directory() == CONTENT / "search"


class TestExpansion:
    def test_a_parsed_query_is_a_list_of_term_groups(self):
        assert parse_groups("visa hotline", "en") == [
            ("visa",),
            thesaurus("en").groups[("hotlin",)],
        ]
        assert {"helplin", "help line"} <= set(parse_groups("hotline", "en")[0])

    def test_a_vietnamese_phrase_is_one_group_with_or_without_diacritics(self):
        for query in ("buôn bán người", "buon ban nguoi", "BUÔN BÁN NGƯỜI"):
            groups = parse_groups(f"{query} ở đâu", "vi")
            assert groups[0][0] == "buon ban nguoi" and "mua ban nguoi" in groups[0]
            assert groups[1:] == [("o",), ("dau",)]

    def test_the_longest_phrase_wins(self):
        # "buôn bán người" is a phrase of the group; "bán người" alone is not.
        assert parse_groups("bán người", "vi") == [("ban",), ("nguoi",)]
        assert len(parse_groups("buôn bán người", "vi")) == 1


@pytest.mark.django_db
class TestSynonymsInResults:
    def test_a_document_with_only_the_synonym_phrase_is_found_and_says_why(self):
        add("synonym", "Ghi chú", "câu chuyện về mua bán người ở làng quokkavi", "vi")
        results = search("buôn bán người quokkavi", "vi").results
        assert results[0].slug == "synonym"
        assert results[0].synonyms == [Synonym("buôn bán người", "mua bán người")]

    def test_the_words_must_stand_together_to_be_the_synonym(self):
        add("apart", "Ghi chú", "mua gạo, bán cá, người làng quokkavj", "vi")
        results = search("buôn bán người quokkavj", "vi").results
        assert [r.synonyms for r in results if r.slug == "apart"] in ([], [[]])

    @pytest.mark.parametrize("query", ["hotline zebrawordx", "help-line zebrawordx"])
    def test_hotline_helpline_and_help_line_meet(self, query):
        add("helpline", "Notes", "call the helpline zebrawordx at any hour", "en")
        assert slugs(query, "en")[0] == "helpline"

    def test_the_word_as_typed_ranks_above_its_synonym(self):
        add("typed", "Notes", "the hotline wombatword answers", "en")
        add("other", "Notes", "the helpline wombatword answers", "en")
        results = search("hotline wombatword", "en").results
        assert [r.slug for r in results[:2]] == ["typed", "other"]
        assert results[0].synonyms == [] and results[1].synonyms == [Synonym("hotline", "helpline")]

    @pytest.mark.parametrize(
        ("language", "query", "slug"),
        [
            ("vi", "tố giác buôn người", "how-to-report"),
            ("en", "broker", "safe-migration"),
            ("id", "TKI", "safe-migration"),
            ("ms", "pemerdagangan manusia", "what-is-trafficking"),
            ("fil", "magsumbong", "how-to-report"),
            ("lo", "ຫນີ້ສິນ", "warning-signs"),
        ],
    )
    def test_real_articles_are_found_by_synonyms(self, language, query, slug):
        assert slug in slugs(query, language, limit=3)

    def test_the_api_and_the_page_show_the_synonym(self, client):
        body = client.get("/api/v1/search", {"q": "buôn bán người", "lang": "vi"}).json()
        found = [s for result in body["results"] for s in result["synonyms"]]
        assert {"typed": "buôn bán người", "matched": "mua bán người"} in found
        with translation.override("vi"):
            html = client.get("/vi/search/", {"q": "tố giác"}).content.decode()
        assert "cùng nghĩa với “tố giác”" in html


@pytest.mark.django_db
class TestAliases:
    @pytest.mark.parametrize(
        ("language", "query", "slug"),
        [
            ("en", "ACTIP", "actip"),
            ("en", "actip", "actip"),
            ("en", "APA", "asean-plan-of-action"),
            ("en", "UNTOC", "untoc"),
            ("en", "Palermo Convention", "untoc"),
            ("en", "Palermo", "palermo-protocol"),
            ("en", "Bohol", "bohol-work-plan"),
            ("vi", "ACTIP", "actip"),
            ("vi", "Công ước ACTIP", "actip"),
            ("vi", "cong uoc ACTIP", "actip"),
            ("vi", "APA", "asean-plan-of-action"),
            ("vi", "UNTOC", "untoc"),
            ("vi", "Nghị định thư Palermo", "palermo-protocol"),
            ("vi", "Kế hoạch Bohol", "bohol-work-plan"),
            ("vi", "53/2024/QH15", "vietnam-law-2024"),
        ],
    )
    def test_a_name_of_an_instrument_puts_its_article_first(self, language, query, slug):
        first = search(query, language).results[0]
        assert (first.slug, first.pinned) == (slug, "alias")

    @pytest.mark.parametrize(
        ("language", "query"),
        [
            ("th", "การค้ามนุษย์"),
            ("km", "ការជួញដូរមនុស្ស"),
            ("lo", "ການຄ້າມະນຸດ"),
            ("my", "လူကုန်ကူးမှု"),
            ("id", "perdagangan orang"),
            ("ms", "pemerdagangan orang"),
            ("fil", "human trafficking"),
            ("vi", "mua bán người"),
            ("en", "trafficking in persons"),
        ],
    )
    def test_each_languages_word_for_trafficking_finds_the_article(self, language, query):
        assert search(query, language).results[0].slug == "what-is-trafficking"

    def test_only_the_whole_query_is_an_alias(self):
        results = search("ACTIP ratification", "en").results
        assert all(result.pinned == "" for result in results)

    @pytest.mark.parametrize(
        "aliases",
        ["aliases: ACTIP", "aliases: ['']", "aliases: [3]", f"aliases: ['{'x' * 101}']"],
    )
    def test_bad_aliases_are_refused(self, content, aliases):  # noqa: F811
        path = content / "articles" / "actip.en.md"
        text = path.read_text(encoding="utf-8")
        start = text.index("aliases:")
        end = text.index("\n", start)
        path.write_text(text[:start] + aliases + text[end:], encoding="utf-8")
        with pytest.raises(ContentError, match=r"actip\.en\.md: 'aliases' must be a list"):
            load_content(content)


@pytest.mark.django_db
class TestCountryHelpLines:
    @pytest.mark.parametrize(
        ("language", "query", "country"),
        [
            ("vi", "đường dây nóng campuchia", "KH"),
            ("vi", "duong day nong thai lan", "TH"),
            ("vi", "hotline Lào", "LA"),
            ("en", "Cambodia hotline", "KH"),
            ("en", "helpline for Malaysia", "MY"),
            ("en", "Viet Nam help-line", "VN"),
            ("th", "สายด่วน กัมพูชา", "KH"),
            ("km", "ខ្សែទូរស័ព្ទបន្ទាន់ ថៃ", "TH"),
            ("lo", "ສາຍດ່ວນ ໄທ", "TH"),
            ("my", "အရေးပေါ်ဖုန်း ထိုင်း", "TH"),
            ("id", "nomor pengaduan Malaysia", "MY"),
            ("ms", "talian bantuan Singapura", "SG"),
            ("fil", "hotline Pilipinas", "PH"),
        ],
    )
    def test_a_country_and_a_help_line_word_find_that_countrys_page(self, language, query, country):
        first = search(query, language).results[0]
        assert (first.kind, first.slug, first.pinned) == ("helpline", country, "helpline")

    def test_a_country_name_alone_is_not_pinned(self):
        assert all(result.pinned == "" for result in search("Cambodia", "en").results)
