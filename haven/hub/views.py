"""Public pages of the information hub: home, library, articles, help pages and search."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language, gettext, gettext_noop, override
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from haven.hub import markdown
from haven.hub.models import ArticleKind, CountryNote, HelpLineKind, ReviewStatus, Service
from haven.hub.search import QueryError, search
from haven.hub.selectors import (
    default_nationality,
    emergency_lines,
    lines_for,
    readable_article,
    readable_articles,
)
from haven.lib import vocabulary
from haven.lib.language import guess_language
from haven.lib.vocabulary import ASEAN

SECTIONS = [
    (ArticleKind.GUIDE, _("Guides")),
    (ArticleKind.RIGHT, _("Your rights")),
    (ArticleKind.LAW, _("Laws and agreements")),
]


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


@require_safe
def home(request):
    language = _language()
    country = CountryNote.objects.filter(country=settings.HAVEN_COUNTRY).first()
    danger = lines_for(settings.HAVEN_COUNTRY, default_nationality(language)).for_danger()
    # The box stays short: the first national emergency number and the anti-trafficking lines.
    lines = [line for line in danger if line.main][:1] + [
        line for line in danger if HelpLineKind.ANTI_TRAFFICKING in {line.kind, *line.also}
    ]
    guides = readable_articles(language, kind=ArticleKind.GUIDE)[:6]
    context = {"country": country, "lines": lines, "guides": guides}
    return render(request, "hub/home.html", context)


@require_safe
def library(request):
    articles = readable_articles(_language(), "kind", "title", "summary")
    sections = [
        (kind, label, [article for article in articles if article.kind == kind])
        for kind, label in SECTIONS
    ]
    return render(request, "hub/library.html", {"sections": sections})


@require_safe
def article(request, slug):
    language = _language()
    item = readable_article(slug, language)  # a language without the article reads English
    if item is None:
        raise Http404
    context = {
        "article": item,
        "body": markdown.render(item.body, language),
        "review_note": _review_note(item),
    }
    return render(request, "hub/article.html", context)


ARTICLE_UNREVIEWED = gettext_noop(
    "No native speaker has reviewed this translation of the article yet."
)


def _review_note(article) -> dict | None:
    """A machine-assisted article's note: in its language and in English (once if they match)."""
    if article.review != ReviewStatus.MACHINE_ASSISTED:
        return None
    with override(article.language):
        local = gettext(ARTICLE_UNREVIEWED)
    with override(vocabulary.FALLBACK_LANGUAGE):
        english = gettext(ARTICLE_UNREVIEWED)
    return {"text": local, "english": "" if local == english else english}


@require_safe
def help_index(request):
    notes = {str(note.country): note for note in CountryNote.objects.all()}
    language = _language()
    countries = sorted(
        (
            (code.lower(), vocabulary.country_name(code, language))
            for code in ASEAN
            if code in notes
        ),
        key=lambda item: (item[0] != settings.HAVEN_COUNTRY.lower(), item[1]),
    )
    return render(request, "hub/help_index.html", {"countries": countries})


def _line_item(line, language: str) -> dict:
    """A line with its texts in the reader's language, for hub/_line.html."""
    fields = ("name", "operator", "hours", "note", "city")
    return {"line": line, **{name: line.text(name, language) for name in fields}}


def _nationality(request, language: str, names: dict) -> str | None:
    """The visitor's nationality: ?for= if it is an ASEAN code, else the page language's."""
    chosen = request.GET.get("for", "").upper()
    return chosen if chosen in names else default_nationality(language)


@require_safe
def help_country(request, country):
    code = country.upper()
    if code not in ASEAN or country != country.lower():
        raise Http404
    note = get_object_or_404(CountryNote, country=code)
    language = _language()
    names = {key: vocabulary.country_name(key, language) for key in ASEAN}
    chosen = _nationality(request, language, names)
    selection = lines_for(code, chosen)
    services = Service.objects.filter(country=code, published=True).select_related("organisation")
    context = {
        "code": code,
        "name": names[code],
        "note": vocabulary.localised(note.note, language),
        "lines": [_line_item(line, language) for line in selection.local],
        "selection": selection,
        "missions": [_line_item(line, language) for line in selection.missions if chosen],
        "home": [_line_item(line, language) for line in selection.home if chosen],
        "nationality_name": names.get(selection.nationality or ""),
        "nationalities": sorted(names.items(), key=lambda item: item[1]),
        "services": services,
    }
    return render(request, "hub/help_country.html", context)


def _offer_language(query: str) -> dict | None:
    """The other language's search page, when the query is clearly written in that language."""
    codes = tuple(code for code, _name in settings.LANGUAGES)
    guessed = guess_language(query, codes)
    if guessed is None or guessed == _language():
        return None
    name = dict(settings.LANGUAGES)[guessed]
    return {"code": guessed, "name": name, "url": f"/{guessed}/search/?{urlencode({'q': query})}"}


@require_safe
def search_page(request):
    query = request.GET.get("q", "")
    context = {"query": query, "results": None, "error": None}
    status = 200
    if "q" in request.GET:
        try:
            results = search(query, _language(), limit=20)
            if not results.results:
                other = "vi" if _language() == vocabulary.FALLBACK_LANGUAGE else "en"
                context["other_language"] = search(query, other, limit=10)
                # Never a dead end: the numbers to call and the checks, whatever was typed.
                context["lines"] = emergency_lines(
                    settings.HAVEN_COUNTRY, default_nationality(_language())
                )
            context["results"] = results
            context["offer_language"] = _offer_language(query)
        except QueryError as error:
            context["error"] = str(error)
            status = 422
    response = render(request, "hub/search.html", context, status=status)
    response["Cache-Control"] = "no-store"  # what someone searched for is nobody else's business
    return response
