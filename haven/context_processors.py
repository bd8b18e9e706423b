"""Template context shared by every page."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

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
    }


def quick_exit(request):
    return {"quick_exit_url": settings.HAVEN_QUICK_EXIT_URL}
