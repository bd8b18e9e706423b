"""Which of Haven's languages a short text (a search query) is written in, if that is clear.

py3langid ships its own model (no download); loading it takes a few seconds, so it is loaded
once per process, on the first question, and kept.
"""

from functools import cache

SURE = 0.95  # below this a short query is often ambiguous (e.g. Vietnamese without diacritics)


@cache
def _identifier(languages: tuple[str, ...]):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(languages))
    return identifier


def guess_language(text: str, languages: tuple[str, ...]) -> str | None:
    """The language of the text among `languages`, or None when the guess is not sure."""
    if len(text.strip()) < 4:
        return None
    language, probability = _identifier(tuple(sorted(languages))).classify(text)
    return language if probability >= SURE else None
