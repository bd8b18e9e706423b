"""Snippets of search results: a short piece of the original text with the matched words marked."""

import html

from haven.lib.analysis import matching_spans, token_span, tokens
from haven.lib.text import normalize

SNIPPET_CHARACTERS = 220


def _first_index(stored: str, wanted: list[str]) -> int | None:
    """The number of the first word of `stored` (words separated by spaces) where the phrase
    `wanted` starts, else where any of its words stands; found with string search, not a loop."""
    padded = f" {stored} "
    positions = []
    if len(wanted) > 1:
        positions = [padded.find(f" {' '.join(wanted)} ")]
    if not positions or positions[0] < 0:
        positions = [padded.find(f" {word} ") for word in set(wanted)]
    positions = [position for position in positions if position >= 0]
    return padded.count(" ", 0, min(positions)) if positions else None


def make_snippet(
    text: str,
    terms: list[str],
    exact_terms: list[str] | None = None,
    language: str = "vi",
    stored: tuple[str, str] | None = None,
) -> str:
    """A short, HTML-escaped piece of the original text with the matched words in <mark>.

    Words are matched by their analysed terms (folded, stemmed or segmented, as at indexing).
    When the query was typed with diacritics (or a stemmed language's word as typed) and the text
    has those exact words, only they are marked; otherwise every analysed match is. `stored` is
    the document's (body_fold, words): the match is located in them, and the text is analysed
    only up to the end of the snippet.
    """
    text = normalize(text)
    if stored is None:
        found = tokens(text, language)
        stored = (" ".join(t.term for t in found), " ".join(t.surface for t in found))
    index_terms, surfaces = stored
    exact = bool(exact_terms) and exact_terms != terms
    exact = exact and any(f" {word} " in f" {surfaces} " for word in exact_terms)
    wanted = exact_terms if exact else terms
    wanted_set, first_index = set(wanted), _first_index(surfaces if exact else index_terms, wanted)
    first = None
    if first_index is not None:
        first = token_span(text, language, first_index)
    if first is None:
        start, end = 0, min(len(text), SNIPPET_CHARACTERS)
    else:
        start = max(0, first[0] - SNIPPET_CHARACTERS // 3)
        end = min(len(text), start + SNIPPET_CHARACTERS)
        if start > 0:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first[0] else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (first[1] if first else start) else end
    # Only the window is analysed, from the space before it (a word boundary in every script).
    offset = text.rfind(" ", 0, start) + 1
    pieces, position = [], start
    for token_start, token_end in matching_spans(
        text[offset : end + 40], language, wanted_set, exact
    ):
        token_start, token_end = token_start + offset, token_end + offset
        if token_start >= end:
            break
        if token_start < start or token_end > end:
            continue
        pieces.append(html.escape(text[position:token_start]))
        pieces.append(f"<mark>{html.escape(text[token_start:token_end])}</mark>")
        position = token_end
    pieces.append(html.escape(text[position:end]))
    snippet = "".join(pieces).strip()
    return ("… " if start > 0 else "") + snippet + (" …" if end < len(text) else "")
