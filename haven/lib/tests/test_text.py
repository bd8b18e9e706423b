import unicodedata

import pytest

from haven.lib.text import fold, folded_tokens, has_diacritics, tokens

VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]


def every_vietnamese_letter():
    for base in VOWELS:
        for tone in TONES:
            for letter in (base, base.upper()):
                yield unicodedata.normalize("NFC", unicodedata.normalize("NFD", letter) + tone)
    yield from "đĐ"


@pytest.mark.parametrize("letter", list(every_vietnamese_letter()))
def test_every_vietnamese_letter_folds_to_one_ascii_letter(letter):
    expected = "d" if letter in "đĐ" else unicodedata.normalize("NFD", letter)[0]
    assert fold(letter).lower() == expected.lower()
    assert len(fold(letter)) == 1


def test_d_with_stroke_folds_though_unicode_does_not_decompose_it():
    assert unicodedata.normalize("NFD", "đ") == "đ"
    assert fold("Đường dây nóng") == "Duong day nong"
    assert fold("Ðảm") == "Dam"  # the look-alike capital eth some keyboards produce


def test_folding_keeps_the_length_of_the_normalized_text():
    text = "Lao động cưỡng bức, ĐƯỜNG DÂY NÓNG 111 — hòa/hoà"
    assert len(fold(text)) == len(unicodedata.normalize("NFC", text))


def test_decomposed_input_is_normalized_first():
    decomposed = unicodedata.normalize("NFD", "mua bán người")
    assert fold(decomposed) == "mua ban nguoi"


def test_tokens_keep_or_drop_diacritics():
    text = "Mua bán người (ACTIP, 2015): lao_động"
    assert tokens(text) == ["mua", "bán", "người", "actip", "2015", "lao", "động"]
    assert folded_tokens(text) == ["mua", "ban", "nguoi", "actip", "2015", "lao", "dong"]


def test_it_knows_when_diacritics_were_typed():
    assert has_diacritics("tử hình") and not has_diacritics("tu hinh")
    assert not has_diacritics("trafficking")
