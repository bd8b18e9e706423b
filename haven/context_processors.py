"""Template context shared by every page."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from haven.lib import vocabulary


def languages(request):
    """Links to the same page in each language, so switching needs no cookie and no JavaScript."""
    current = get_language()
    spoken = vocabulary.get_language(current)
    return {
        "language_links": [
            {
                "code": language.code,
                "name": language.native_name,
                "url": translate_url(request.get_full_path(), language.code),
                "current": language.code == current,
            }
            for language in vocabulary.languages()
        ],
        "text_direction": spoken.direction if spoken else "ltr",  # base.html writes dir="rtl" only
        "unreviewed_language": _unreviewed(spoken),
    }


UNREVIEWED = "This translation has not yet been reviewed by a native speaker."


def _unreviewed(spoken: vocabulary.Language | None) -> dict | None:
    """The banner of a language whose translation no native speaker has reviewed yet: the
    sentence in the language (base.html) and in English, unless the page is English already."""
    if spoken is None or spoken.reviewed:
        return None
    with override(vocabulary.FALLBACK_LANGUAGE):
        english = _(UNREVIEWED)
    return {"code": spoken.code, "english_note": "" if _(UNREVIEWED) == english else english}


def quick_exit(request):
    return {"quick_exit_url": settings.HAVEN_QUICK_EXIT_URL}
