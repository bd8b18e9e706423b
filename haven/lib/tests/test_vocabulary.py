"""The vocabulary: languages, ASEAN states and country names, and the settings built from it."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.utils import translation
from django_countries import countries

from haven.lib import vocabulary


def test_haven_speaks_vietnamese_first_and_english():
    # Then the other ASEAN languages (docs/languages.md), their interface not yet reviewed.
    assert vocabulary.language_codes() == ("vi", "en", "th", "km", "lo", "my", "id", "ms", "fil")
    assert vocabulary.complete_language_codes() == ("vi", "en")
    assert vocabulary.default_language_code() == "vi"
    assert vocabulary.get_language("vi").native_name == "Tiếng Việt"
    assert vocabulary.get_language("fr") is None


def test_settings_are_built_from_it():
    assert settings.LANGUAGES[:2] == [("vi", "Tiếng Việt"), ("en", "English")]
    assert vocabulary.django_languages() == settings.LANGUAGES
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.HAVEN_COUNTRY in vocabulary.ASEAN


def test_it_needs_no_django_so_settings_can_read_it():
    code = (
        "import sys, haven.lib.vocabulary; print(sorted(m for m in sys.modules if 'django' in m))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_ten_asean_member_states_in_their_order():
    assert vocabulary.ASEAN == ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")


def test_every_iso_country_has_a_name_in_every_complete_language():
    names = json.loads(vocabulary.COUNTRY_NAMES_FILE.read_text(encoding="utf-8"))
    assert set(names) == {country.code for country in countries}
    for language in vocabulary.complete_language_codes():
        spelled = [entry[language] for entry in names.values()]
        assert all(name.strip() for name in spelled)
        assert len(set(spelled)) == len(spelled), f"two countries share a name in {language}"


def test_country_names_fall_back_to_english_then_the_code():
    assert vocabulary.country_name("VN", "vi") == "Việt Nam"
    assert vocabulary.country_name("vn", "en") == "Viet Nam"
    assert vocabulary.country_name("KH", "th") == "กัมพูชา"
    assert vocabulary.country_name("KR", "th") == "South Korea"
    assert vocabulary.country_name("QQ", "vi") == "QQ"
    assert vocabulary.country_names("TH")["vi"] == "Thái Lan"
    assert vocabulary.country_names("TH")["en"] == "Thailand"
    assert vocabulary.country_names("TH")["th"] == "ไทย"


def test_country_choices_keep_the_order_given_or_sort_by_name_without_accents():
    assert vocabulary.country_choices("vi", codes=("VN", "TH")) == [
        ("VN", "Việt Nam"),
        ("TH", "Thái Lan"),
    ]
    names = [name for _, name in vocabulary.country_choices("vi")]
    assert names.index("Áo") < names.index("Ba Lan")  # Á sorts as A, not after Z


def test_texts_fall_back_to_english():
    texts = {"vi": "Xin chào", "en": "Hello"}
    assert vocabulary.localised(texts, "vi") == "Xin chào"
    assert vocabulary.localised(texts, "th") == "Hello"
    assert vocabulary.localised({"vi": "Xin chào"}, "th") == ""


def test_no_two_countries_share_a_name_in_any_language_on_any_select():
    """Country selects (django-countries) show Haven's names: its own Vietnamese catalogue
    calls Iceland and Ireland "Ai-len", Austria and Jersey "Áo", Niger and Nigeria "Nigeria"."""
    for language in vocabulary.language_codes():
        with translation.override(language):
            names = [str(name) for _code, name in countries]
        assert len(names) == len(set(names)) == 249, language
        with translation.override(language):
            assert dict(countries)["IS"] == vocabulary.country_name("IS", language)
    with translation.override("vi"):
        assert {code: dict(countries)[code] for code in ("IS", "IE", "NE", "NG")} == {
            "IS": "Iceland",
            "IE": "Ai-len",
            "NE": "Niger",
            "NG": "Nigeria",
        }


def test_spoken_languages_have_unique_names_and_iso_639_codes():
    names = json.loads(vocabulary.SPOKEN_LANGUAGES_FILE.read_text(encoding="utf-8"))
    assert len(names) >= 60
    assert all(len(code) == 3 and code.isalpha() and code.islower() for code in names)
    for language in vocabulary.complete_language_codes():
        spelled = [entry[language] for entry in names.values()]
        assert len(set(spelled)) == len(spelled), f"two languages share a name in {language}"
    short = [entry["iso639_1"] for entry in names.values() if "iso639_1" in entry]
    assert len(set(short)) == len(short) and all(len(code) == 2 for code in short)


@pytest.mark.parametrize(
    "text, code",
    [
        ("vie", "vie"),
        ("VI", "vie"),
        ("Tiếng Việt", "vie"),
        ("tieng viet", "vie"),
        ("Khmer", "khm"),
        ("Tiếng Mông (H'Mông)", "hmn"),
        ("Tiế", None),
        ("", None),
    ],
)
def test_a_spoken_language_is_found_by_code_or_name(text, code):
    assert vocabulary.spoken_language_code(text) == code


@pytest.mark.parametrize(
    "text, code",
    [
        ("VN", "VN"),
        ("vn", "VN"),
        ("Việt Nam", "VN"),
        ("viet nam", "VN"),
        ("Ai-len", "IE"),
        ("Iceland", "IS"),
        ("Lào", "LA"),
        ("Atlantis", None),
    ],
)
def test_a_country_is_found_by_code_or_name(text, code):
    assert vocabulary.country_code(text) == code
