"""The words Haven shares everywhere: the languages it speaks, the ASEAN states, country names.

Plain Python and data, so settings can read it before Django is set up. Everything else reads
it through the functions below, at call time, so that a test can add a language (see
docs/languages.md) and every part of Haven sees it.

Adding a language: one entry in LANGUAGES, a catalogue in locale/<code>/, content files.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from haven.lib.text import fold, normalize


@dataclass(frozen=True)
class Language:
    code: str  # as in the address (/vi/...) and <html lang>: ISO 639-1, lower case
    native_name: str  # what the language switcher shows: the name in the language itself
    english_name: str
    direction: str = "ltr"  # "rtl" for Arabic script and the like
    # Complete languages must have every article and every text in content/; the others may
    # have some, and show the English text where they have none.
    complete: bool = False
    default: bool = False  # the language of "/" and of e-mails, unless HAVEN_DEFAULT_LANGUAGE
    enabled: bool = True  # a language being translated can wait here, switched off
    # False while no native speaker has reviewed the interface translation: every page then
    # says so in a calm banner, in the language and in English.
    reviewed: bool = True
    # True when every string of the interface is translated in locale/<code>/ (a test checks);
    # the strings a partial catalogue lacks are shown in English, never in the default language.
    catalogue_complete: bool = True


LANGUAGES: tuple[Language, ...] = (
    Language("vi", "Tiếng Việt", "Vietnamese", complete=True, default=True),
    Language("en", "English", "English", complete=True),
    # The national languages of the other ASEAN member states, not yet reviewed by a native
    # speaker: Thai's interface is translated in full; the others translate the public frame and
    # show the rest of the interface in English.
    Language("th", "ไทย", "Thai", reviewed=False, catalogue_complete=True),
    Language("km", "ខ្មែរ", "Khmer", reviewed=False, catalogue_complete=True),
    Language("lo", "ລາວ", "Lao", reviewed=False, catalogue_complete=True),
    Language("my", "မြန်မာ", "Burmese", reviewed=False, catalogue_complete=True),
    Language("id", "Bahasa Indonesia", "Indonesian", reviewed=False, catalogue_complete=True),
    Language("ms", "Bahasa Melayu", "Malay", reviewed=False, catalogue_complete=True),
    Language("fil", "Filipino", "Filipino", reviewed=False, catalogue_complete=True),
)

# The language shown when a text has no version in the reader's language.
FALLBACK_LANGUAGE = "en"

# ISO 3166-1 alpha-2 codes of the ten ASEAN member states, in the order Haven lists them.
ASEAN: tuple[str, ...] = ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN")

COUNTRY_NAMES_FILE = Path(__file__).with_name("countries.json")


def languages() -> tuple[Language, ...]:
    """The languages Haven speaks now, in the order the language switcher shows them."""
    return tuple(language for language in LANGUAGES if language.enabled)


def language_codes() -> tuple[str, ...]:
    return tuple(language.code for language in languages())


def complete_language_codes() -> tuple[str, ...]:
    """The languages every content file must have (vi and en)."""
    return tuple(language.code for language in languages() if language.complete)


def complete_catalogue_codes() -> tuple[str, ...]:
    """The languages whose interface catalogue has every string (vi and en)."""
    return tuple(language.code for language in languages() if language.catalogue_complete)


def get_language(code: str) -> Language | None:
    return next((language for language in languages() if language.code == code), None)


def default_language_code() -> str:
    return next(language.code for language in languages() if language.default)


def fallback_codes(code: str) -> tuple[str, ...]:
    """Where to look for a text in `code`: that language, then English."""
    return (code,) if code == FALLBACK_LANGUAGE else (code, FALLBACK_LANGUAGE)


def localised(values: dict, code: str) -> str:
    """The text of `values` (a mapping language code -> text) for a reader of `code`."""
    return next((values[each] for each in fallback_codes(code) if values.get(each)), "")


def django_languages() -> list[tuple[str, str]]:
    """settings.LANGUAGES."""
    return [(language.code, language.native_name) for language in languages()]


@cache
def _country_names() -> dict[str, dict[str, str]]:
    return json.loads(COUNTRY_NAMES_FILE.read_text(encoding="utf-8"))


def country_codes() -> tuple[str, ...]:
    """Every ISO 3166-1 alpha-2 code Haven knows, in alphabetical order of the code."""
    return tuple(_country_names())


def country_name(code: str, language: str) -> str:
    """The country's name in `language` (English when there is none); the code if unknown."""
    return localised(_country_names().get(code.upper(), {}), language) or code


def country_names(code: str) -> dict[str, str]:
    """The country's name in every language Haven speaks."""
    return {language: country_name(code, language) for language in language_codes()}


def country_choices(language: str, codes: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs for a form: `codes` in their order, or every country by name."""
    if codes is not None:
        return [(code, country_name(code, language)) for code in codes]
    pairs = [(code, country_name(code, language)) for code in country_codes()]
    return sorted(pairs, key=lambda pair: fold(pair[1]).casefold())


# Languages people speak (prs_PrimaryLanguage, prs_SecondaryLanguage), by ISO 639-2/639-3 code:
# the region's languages, Viet Nam's larger minority languages and the world's most spoken.
SPOKEN_LANGUAGES_FILE = Path(__file__).with_name("languages-iso639.json")


@cache
def _spoken_languages() -> dict[str, dict[str, str]]:
    return json.loads(SPOKEN_LANGUAGES_FILE.read_text(encoding="utf-8"))


def spoken_language_codes() -> tuple[str, ...]:
    return tuple(_spoken_languages())


def spoken_language_name(code: str, language: str) -> str:
    """The name of the language `code` in `language` (English when there is none); else the code."""
    entry = _spoken_languages().get(code.lower(), {})
    return (
        localised({key: value for key, value in entry.items() if key != "region"}, language) or code
    )


def _find(names_by_code: dict[str, list[str]], text: str) -> str | None:
    """The code whose names include `text`: as written (any case), else without accents."""
    for key in (lambda name: normalize(name).casefold(), lambda name: fold(name).casefold()):
        wanted = key(text.strip())
        found = [code for code, names in names_by_code.items() if wanted in map(key, names)]
        if len(found) == 1:
            return found[0]
    return None


def spoken_language_code(text: str) -> str | None:
    """The ISO 639 code for a code (three letters, or the two of ISO 639-1) or a name in any
    language Haven has names in; None when it is none of them."""
    return _find(
        {
            code: [code, *(value for value in entry.values() if isinstance(value, str))]
            for code, entry in _spoken_languages().items()
        },
        text,
    )


def spoken_language_choices(language: str, regional: bool | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs for a form, by name in `language`: all of them, or only the region's
    (Viet Nam's and South-East Asia's languages, `regional=True`), or only the others."""
    pairs = [
        (code, spoken_language_name(code, language))
        for code, entry in _spoken_languages().items()
        if regional is None or bool(entry.get("region")) == regional
    ]
    return sorted(pairs, key=lambda pair: fold(pair[1]).casefold())


def country_code(text: str) -> str | None:
    """The ISO 3166 alpha-2 code for a code or a country's name in any language; else None."""
    return _find({code: [code, *names.values()] for code, names in _country_names().items()}, text)
