"""Template context shared by every page."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def languages(request):
    """Links to the same page in each language, so switching needs no cookie and no JavaScript."""
    current = get_language()
    return {
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": translate_url(request.get_full_path(), code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ]
    }


def quick_exit(request):
    return {"quick_exit_url": settings.HAVEN_QUICK_EXIT_URL}
