"""Drop the guesses msgmerge makes in the partial catalogues (th, km, lo, my, id, ms, fil).

For a new string, msgmerge copies the translation of a similar one and marks it fuzzy ("Statistics:
%(title)s" got the Thai for "Statistics"). In a complete catalogue (vi) a translator fixes each
guess; in a partial one nobody may come for a while, and the string is better shown in English
than half-translated: the guess is emptied.
"""

import sys
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from haven.lib import vocabulary  # plain Python, no Django


def main(locale: Path) -> None:
    for language in vocabulary.languages():
        if language.catalogue_complete:
            continue
        path = locale / language.code / "LC_MESSAGES" / "django.po"
        catalogue = polib.pofile(str(path), wrapwidth=79)
        guesses = catalogue.fuzzy_entries()
        for entry in guesses:
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if guesses:
            catalogue.save(str(path))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "locale"))
