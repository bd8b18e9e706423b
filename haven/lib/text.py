"""Text folding and tokenising for search, the same in Python for both database engines.

Folding strips Vietnamese and other Latin diacritics, đ/Đ included (Unicode does not decompose
them), and keeps the string's length, so a position in the folded text is the same position in
the original: that is how snippets highlight the original words.
"""

import re
import unicodedata

WORD = re.compile(r"[^\W_]+")


def _fold_character(character: str) -> str:
    if character in "đð":
        return "d"
    if character in "ĐÐ":
        return "D"
    base = "".join(
        part
        for part in unicodedata.normalize("NFD", character)
        if unicodedata.category(part) != "Mn"
    )
    return base if len(base) == 1 else character


_FOLD_TABLE = {
    code: _fold_character(chr(code))
    for low, high in ((0xC0, 0x250), (0x1E00, 0x1F00))
    for code in range(low, high)
    if _fold_character(chr(code)) != chr(code)
}


def normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """NFC, then diacritics removed; the result is as long as NFC(text). Case is kept."""
    return normalize(text).translate(_FOLD_TABLE)


def tokens(text: str) -> list[str]:
    """Lower-case words (letters and digits) with their diacritics."""
    return WORD.findall(normalize(text).lower())


def folded_tokens(text: str) -> list[str]:
    return WORD.findall(fold(text).lower())


def has_diacritics(text: str) -> bool:
    return fold(text) != normalize(text)
