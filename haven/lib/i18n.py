"""Two corrections to Django's translation machinery for the languages in haven/lib/vocabulary.

- A string missing from a partial catalogue (th, km, ... while they are being translated) is shown
  in English. Django would show it in settings.LANGUAGE_CODE, Vietnamese, which a Thai or
  Filipino reader is least likely to read.
- Django's table of languages (`get_language_info`) lacks some of ours (Lao, Filipino); they are
  added from the vocabulary.
"""

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils.translation import trans_real

from haven.lib import vocabulary

_django_add_fallback = trans_real.DjangoTranslation._add_fallback


def _add_english_fallback(self, localedirs=None):
    language = self.language()
    if (
        self.domain != "django"
        or localedirs is not None
        or language.startswith(vocabulary.FALLBACK_LANGUAGE)
        or language == settings.LANGUAGE_CODE
    ):
        return _django_add_fallback(self, localedirs)
    # Django's own reason for a fallback is the default language; ours is English, whose
    # catalogue (filled by scripts/fill_english_catalogue.py) says every string as written.
    self.add_fallback(trans_real.translation(vocabulary.FALLBACK_LANGUAGE))


def install() -> None:
    trans_real.DjangoTranslation._add_fallback = _add_english_fallback
    for language in vocabulary.LANGUAGES:
        LANG_INFO.setdefault(
            language.code,
            {
                "bidi": language.direction == "rtl",
                "code": language.code,
                "name": language.english_name,
                "name_local": language.native_name,
            },
        )
