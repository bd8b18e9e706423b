"""Analysis per language: folding, Snowball stems, and ICU word segments for scripts without spaces."""

import pytest

from haven.lib.analysis import analyse, tokens
from haven.lib.text import normalize


class TestSegmentation:
    def test_thai_is_cut_into_words(self):
        terms = analyse("การค้ามนุษย์เป็นอาชญากรรมร้ายแรง โทรสายด่วน 1300 ได้ตลอด 24 ชั่วโมง", "th")
        assert terms[:3] == ["การ", "ค้า", "มนุษย์"]
        assert {"อาชญากรรม", "สาย", "ด่วน", "1300", "ชั่วโมง"} <= set(terms)

    def test_khmer_is_cut_into_words(self):
        terms = analyse("ការជួញដូរមនុស្សគឺជាឧក្រិដ្ឋកម្ម។ សូមទូរស័ព្ទទៅលេខ ១២៨៨", "km")
        assert terms[:3] == ["ការ", "ជួញដូរ", "មនុស្ស"]
        assert "ទូរស័ព្ទ" in terms and "១២៨៨" in terms
        assert "។" not in "".join(terms)  # the Khmer full stop is punctuation, not a word

    def test_lao_is_cut_into_words(self):
        terms = analyse("ການຄ້າມະນຸດແມ່ນອາຊະຍາກຳ ໂທຫາສາຍດ່ວນ 1300", "lo")
        assert "ມະນຸດ" in terms and "ອາຊະຍາກຳ" in terms and "ດ່ວນ" in terms
        assert len(terms) >= 7

    def test_burmese_is_cut_into_words(self):
        terms = analyse("လူကုန်ကူးမှုသည် ရာဇဝတ်မှုဖြစ်သည်။ အကူအညီလိုင်းကို ဖုန်းဆက်ပါ", "my")
        assert terms[:3] == ["လူ", "ကုန်", "ကူး"]
        assert "အကူအညီ" in terms and "ဖုန်း" in terms
        assert "။" not in "".join(terms)

    def test_vowel_signs_and_tone_marks_stay_inside_the_word(self):
        # Python's \\w alone would cut มนุษย์ at its vowel sign and its killer mark.
        assert "มนุษย์" in analyse("มนุษย์", "th")

    def test_latin_words_inside_thai_text_are_words(self):
        assert analyse("อนุสัญญา ACTIP ของอาเซียน", "th")[1] == "actip"

    def test_positions_point_into_the_original_text(self):
        text = "โทรสายด่วน 1300"
        for token in tokens(text, "th"):
            assert normalize(text)[token.start : token.end].lower() == token.surface


class TestStemming:
    @pytest.mark.parametrize(
        ("word", "stem"),
        [("workers", "worker"), ("worker", "worker"), ("victims", "victim")],
    )
    def test_english_suffixes_meet(self, word, stem):
        assert analyse(word, "en") == [stem]

    def test_migrants_migration_and_migrate_meet(self):
        assert len(set(analyse("migration migrate migrated", "en"))) == 1

    def test_indonesian_affixes_meet(self):
        assert analyse("pekerjaan", "id") == analyse("bekerja", "id") == ["kerja"]
        assert analyse("memperdagangkan", "id") == analyse("perdagangan", "id")

    def test_malay_uses_the_indonesian_stemmer(self):
        assert analyse("pekerjaan", "ms") == ["kerja"]
        assert analyse("bantuan", "ms") == analyse("membantu", "ms")

    def test_vietnamese_is_not_stemmed(self):
        assert analyse("người lao động", "vi") == ["nguoi", "lao", "dong"]


class TestFolding:
    def test_vietnamese_with_and_without_diacritics_meet(self):
        assert analyse("ĐƯỜNG DÂY NÓNG", "vi") == analyse("duong day nong", "vi")

    def test_filipino_is_folded(self):
        assert analyse("Manggagawà sa Parañaque", "fil") == ["manggagawa", "sa", "paranaque"]

    def test_surfaces_keep_their_diacritics(self):
        assert [token.surface for token in tokens("Lao Động", "vi")] == ["lao", "động"]

    def test_an_unknown_language_is_folded_like_vietnamese(self):
        assert analyse("Café", "xx") == ["cafe"]

    def test_empty_text_has_no_terms(self):
        assert analyse("", "th") == analyse("  ។ ", "km") == []
