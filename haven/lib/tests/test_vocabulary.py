"""The vocabulary: languages, ASEAN states and country names, and the settings built from it."""

import json
import subprocess
import sys

from django.conf import settings
from django_countries import countries

from haven.lib import vocabulary


def test_haven_speaks_vietnamese_first_and_english():
    assert vocabulary.language_codes() == ("vi", "en")
    assert vocabulary.complete_language_codes() == ("vi", "en")
    assert vocabulary.default_language_code() == "vi"
    assert vocabulary.get_language("vi").native_name == "Tiếng Việt"
    assert vocabulary.get_language("fr") is None


def test_settings_are_built_from_it():
    assert settings.LANGUAGES == [("vi", "Tiếng Việt"), ("en", "English")]
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
    assert vocabulary.country_name("KH", "th") == "Cambodia"
    assert vocabulary.country_name("QQ", "vi") == "QQ"
    assert vocabulary.country_names("TH") == {"vi": "Thái Lan", "en": "Thailand"}


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
