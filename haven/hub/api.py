"""The public part of the JSON API: search, articles and help-lines (no token needed)."""

from datetime import date

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import ValidationError

from haven.hub import markdown
from haven.hub.models import CountryNote, HelpLine, Service
from haven.hub.search import QueryError, search
from haven.hub.selectors import readable_article
from haven.lib import vocabulary
from haven.lib.vocabulary import ASEAN
from haven.lib.vocabulary.schema import LanguageCode

router = Router(tags=["information hub"], auth=None)
DEFAULT_LANGUAGE = vocabulary.default_language_code()


class ResultOut(Schema):
    kind: str
    slug: str
    lang: str
    title: str
    url: str
    snippet: str
    score: float


class SearchOut(Schema):
    query: str
    total: int
    total_exact: bool
    corrected: str | None
    results: list[ResultOut]


class SearchParameters(Schema):
    q: str
    lang: LanguageCode = DEFAULT_LANGUAGE
    limit: int = 10


@router.get("/search", response=SearchOut, summary="Search articles, help-lines and services")
def search_endpoint(request, parameters: Query[SearchParameters]):
    errors = []
    if not 1 <= parameters.limit <= 50:
        errors.append({"loc": ("query", "limit"), "msg": _("must be between 1 and 50")})
    if not errors:
        try:
            return search(parameters.q, parameters.lang, limit=parameters.limit)
        except QueryError as error:
            errors.append({"loc": ("query", "q"), "msg": str(error)})
    raise ValidationError(errors)


class SourceOut(Schema):
    title: str
    url: str


class ArticleOut(Schema):
    slug: str
    lang: str
    kind: str
    title: str
    summary: str
    countries: list[str]
    sources: list[SourceOut]
    reviewed: date
    body_markdown: str
    body_html: str


@router.get("/articles/{slug}", response=ArticleOut, summary="One article in one language")
def article_endpoint(request, slug: str, lang: LanguageCode = DEFAULT_LANGUAGE):
    article = readable_article(slug, lang)  # a language without the article reads English
    if article is None:
        raise Http404
    return {
        "slug": article.slug,
        "lang": article.language,
        "kind": article.kind,
        "title": article.title,
        "summary": article.summary,
        "countries": article.countries,
        "sources": article.sources,
        "reviewed": article.reviewed,
        "body_markdown": article.body,
        "body_html": markdown.render(article.body, article.language),
    }


class LineOut(Schema):
    number: str
    dial: str
    kind: str
    also: list[str]
    name: dict[str, str]
    operator: dict[str, str]
    hours: dict[str, str]
    note: dict[str, str]
    free: bool | None
    languages: list[str]
    verified: bool
    verified_on: date | None
    sources: list[str]


class ServiceOut(Schema):
    id: str
    organisation: str
    kind: str
    name: str
    description: str
    province: str
    phone: str
    hours: str
    languages: str


class CountryOut(Schema):
    code: str
    name: dict[str, str]
    note: dict[str, str]
    lines: list[LineOut]
    services: list[ServiceOut]


class HelplinesOut(Schema):
    countries: list[CountryOut]


def _country(note, lines, services) -> dict:
    code = str(note.country)
    return {
        "code": code,
        "name": vocabulary.country_names(code),
        "note": note.note,
        "lines": lines,
        "services": [_service(service) for service in services if str(service.country) == code],
    }


def _service(service) -> dict:
    return {
        "id": str(service.pk),
        "organisation": service.organisation.name,
        "kind": service.kind,
        "name": service.name,
        "description": service.description,
        "province": service.province,
        "phone": service.phone,
        "hours": service.hours,
        "languages": service.languages,
    }


@router.get("/helplines", response=HelplinesOut, summary="Help-lines and services per country")
def helplines_endpoint(request, country: str | None = None):
    codes = ASEAN
    if country is not None:
        if country.upper() not in ASEAN:
            raise ValidationError(
                [
                    {
                        "loc": ("query", "country"),
                        "msg": _("must be one of %(codes)s") % {"codes": " ".join(ASEAN)},
                    }
                ]
            )
        codes = [country.upper()]
    notes = {str(note.country): note for note in CountryNote.objects.filter(country__in=codes)}
    lines = HelpLine.objects.filter(country__in=codes)
    services = Service.objects.filter(country__in=codes, published=True).select_related(
        "organisation"
    )
    countries = [
        _country(notes[code], [line for line in lines if str(line.country) == code], services)
        for code in codes
        if code in notes
    ]
    return {"countries": countries}
