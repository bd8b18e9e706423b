"""Which of Haven's languages a short text (a search query) is written in, if that is clear.

py3langid ships its own model (no download); loading it takes a few seconds, so it is loaded
once per process, on the first question, and kept. Its model knows every language Haven speaks,
Filipino under the code of Tagalog (`tl`), on which it is based. Thai, Lao, Khmer and Burmese
each have a script of their own: a text in one of them is that language, without the model.
"""

from functools import cache

SURE = 0.95  # below this a short query is often ambiguous (e.g. Vietnamese without diacritics)

# Haven's code -> the model's, where they differ.
MODEL_CODES = {"fil": "tl"}

# Unicode blocks of the scripts used by one of Haven's languages only.
SCRIPTS = {
    "th": (0x0E00, 0x0E7F),
    "lo": (0x0E80, 0x0EFF),
    "my": (0x1000, 0x109F),
    "km": (0x1780, 0x17FF),
}


@cache
def _identifier(languages: tuple[str, ...]):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    known = set(identifier.nb_classes)
    identifier.set_languages([code for code in languages if code in known])
    return identifier


def _by_script(text: str, languages: tuple[str, ...]) -> str | None:
    """The language whose own script most letters of the text are written in, if most are."""
    counts = dict.fromkeys(SCRIPTS, 0)
    letters = 0
    for character in text:
        if not character.isalpha() and not 0x0E00 <= ord(character) <= 0x17FF:
            continue
        letters += 1
        for code, (first, last) in SCRIPTS.items():
            if first <= ord(character) <= last:
                counts[code] += 1
    code, count = max(counts.items(), key=lambda item: item[1])
    return code if code in languages and letters and count * 2 > letters else None


def guess_language(text: str, languages: tuple[str, ...]) -> str | None:
    """The language of the text among `languages`, or None when the guess is not sure."""
    if scripted := _by_script(text, languages):
        return scripted
    if len(text.strip()) < 4:
        return None
    to_model = {code: MODEL_CODES.get(code, code) for code in languages}
    from_model = {model: code for code, model in to_model.items()}
    identifier = _identifier(tuple(sorted(to_model.values())))
    language, probability = identifier.classify(text)
    return from_model.get(language) if probability >= SURE else None
