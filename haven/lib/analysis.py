"""Words of a text as search sees them, in each of Haven's languages, at indexing and query time.

`analyse(text, language)` gives the index terms; `tokens(text, language)` gives each word's place
in the text too, for snippets. The same function serves both database engines and both sides of
a search, so a query meets a document exactly when they share analysed terms.

- Vietnamese, Filipino (and any other language): words are runs of letters and digits, lower-cased
  and folded (diacritics removed, đ → d; see haven.lib.text), so "lao dong" finds "lao động".
- English, Indonesian, Malay: the same words, then Snowball's stemmer (PyStemmer): "workers" and
  "worker", "pekerjaan" and "kerja" meet. Malay uses the Indonesian stemmer: the two share their
  affixes (meN-, ber-, di-, -kan, -an, -nya), and Snowball has no Malay one.
- Thai, Lao, Khmer, Burmese: written without spaces between words, so ICU's word break iterator
  (icu4py, ICU's dictionaries for each script) cuts them into words first. Latin words inside
  such a text (ASEAN, ACTIP, 1300) come out as words too, folded.
"""

import itertools
import re
import sys
import threading
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

import Stemmer
from icu4py.breakers import WordBreaker

from haven.lib.text import fold, normalize

STEMMERS = {"en": "english", "id": "indonesian", "ms": "indonesian"}
SEGMENTED = frozenset({"th", "lo", "km", "my"})
# Languages written with spaces between words, where a typo can be guessed from trigrams.
SPACED = frozenset({"vi", "en", "id", "ms", "fil"})

_BLOCKS = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x19E0, 0x19FF), (0xA9E0, 0xAA7F))
# Letters, combining marks and digits of the Thai, Lao, Myanmar and Khmer blocks: Python's \w
# leaves out the vowel signs and tone marks (category M), which are part of the words.
_SCRIPT_CHARACTERS = "".join(
    re.escape(chr(code))
    for low, high in _BLOCKS
    for code in range(low, high + 1)
    if unicodedata.category(chr(code))[0] in "LMN"
)
LATIN_WORD = re.compile(r"[^\W_]+")
SCRIPT_WORD = re.compile(rf"(?:[^\W_]|[{_SCRIPT_CHARACTERS}])+")


class Token(NamedTuple):
    start: int  # position in normalize(text)
    end: int
    surface: str  # the word as written, lower-case, diacritics kept
    term: str  # the index term


_local = threading.local()


def _stemmer(algorithm: str):
    """A stemmer per thread: PyStemmer's objects are not safe to share between threads."""
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if algorithm not in stemmers:
        stemmers[algorithm] = Stemmer.Stemmer(algorithm)
    return stemmers[algorithm]


def _segments(text: str, language: str):
    if language not in SEGMENTED:
        yield 0, len(text)
        return
    yield from WordBreaker(text, language).segments()


def iter_tokens(text: str, language: str) -> Iterator[Token]:
    """The words of `text` one by one, with their places in normalize(text), surface and term."""
    text = normalize(text or "")
    folded = fold(text)  # as long as text: positions carry over
    pattern = SCRIPT_WORD if language in SEGMENTED else LATIN_WORD
    stemmer = _stemmer(STEMMERS[language]) if language in STEMMERS else None
    for start, end in _segments(text, language):
        for match in pattern.finditer(folded, start, end):
            surface = text[match.start() : match.end()].lower()
            term = match.group().lower()
            if stemmer is not None:
                term = stemmer.stemWord(term)
            yield Token(match.start(), match.end(), surface, sys.intern(term))


def token_span(text: str, language: str, number: int) -> tuple[int, int] | None:
    """Where word `number` (counted from 0, as iter_tokens counts) stands in normalize(text),
    found without making tokens; None past the last word."""
    text = normalize(text or "")
    folded = fold(text)
    if language not in SEGMENTED:
        found = next(itertools.islice(LATIN_WORD.finditer(folded), number, None), None)
        return found.span() if found else None
    for start, end in _segments(text, language):
        for match in SCRIPT_WORD.finditer(folded, start, end):
            if number == 0:
                return match.span()
            number -= 1
    return None


def matching_spans(text: str, language: str, wanted: set[str], exact: bool) -> Iterator:
    """Places in normalize(text) of the words whose term (or, if `exact`, whose surface) is in
    `wanted`: iter_tokens filtered, without making the tokens of the other words."""
    text = normalize(text or "")
    folded = fold(text)
    pattern = SCRIPT_WORD if language in SEGMENTED else LATIN_WORD
    stemmer = _stemmer(STEMMERS[language]) if language in STEMMERS and not exact else None
    for start, end in _segments(text, language):
        for match in pattern.finditer(folded, start, end):
            if exact:
                key = text[match.start() : match.end()].lower()
            else:
                key = match.group().lower()
                if stemmer is not None:
                    key = stemmer.stemWord(key)
            if key in wanted:
                yield match.span()


def tokens(text: str, language: str) -> list[Token]:
    """Every word of `text` (see iter_tokens)."""
    return list(iter_tokens(text, language))


def analyse(text: str, language: str) -> list[str]:
    """The index terms of `text` in `language`, in order (repeats kept)."""
    return [token.term for token in tokens(text, language)]
