"""The public part of the JSON API: search, articles and help-lines (no token needed)."""

from datetime import date

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError

from haven.hub import markdown
from haven.hub.models import CountryNote, Service
from haven.hub.search import QueryError, search
from haven.hub.selectors import lines_for, readable_article
from haven.lib import vocabulary
from haven.lib.vocabulary import ASEAN
from haven.lib.vocabulary.schema import LanguageCode

router = Router(tags=["information hub"], auth=None)
DEFAULT_LANGUAGE = vocabulary.default_language_code()


class SynonymOut(Schema):
    typed: str = Field(description="words of the query, as typed")
    matched: str = Field(description="a word of the same meaning that the result was found by")


class ResultOut(Schema):
    kind: str
    slug: str
    lang: str
    title: str
    url: str
    snippet: str
    score: float
    synonyms: list[SynonymOut] = Field(description="why it matched: synonyms of the query's words")
    pinned: str = Field(
        description='"alias" when the query is a name of this article (ACTIP, Palermo...), '
        '"helpline" when it asks for this country\'s help-lines, else empty: such a result is first'
    )


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


class ReviewOut(Schema):
    status: str = Field(
        description='"machine-assisted" (no native speaker has reviewed this translation yet), '
        '"reviewed" (by `reviewer` on `reviewed_on`) or "original" (the text was written in this language)'
    )
    reviewer: str = ""
    reviewed_on: date | None = None


class ArticleOut(Schema):
    slug: str
    lang: str
    kind: str
    title: str
    summary: str
    countries: list[str]
    sources: list[SourceOut]
    reviewed: date
    review: ReviewOut
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
        "review": {
            "status": article.review,
            "reviewer": article.reviewer,
            "reviewed_on": article.review_date,
        },
        "body_markdown": article.body,
        "body_html": markdown.render(article.body, article.language),
    }


class LineOut(Schema):
    country: str  # where the line is (Viet Nam's citizen-protection line is in VN)
    group: str  # local | mission | home (see haven.hub.selectors.Selection)
    number: str  # "" for an embassy or consulate whose number Haven does not have
    dial: str
    kind: str
    also: list[str]
    main: bool
    for_: list[str] = Field(alias="for")
    abroad: bool
    city: dict[str, str]
    grade: str
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


def _code(value: str | None, name: str) -> str | None:
    if value is not None and value.upper() not in ASEAN:
        message = _("must be one of %(codes)s") % {"codes": " ".join(ASEAN)}
        raise ValidationError([{"loc": ("query", name), "msg": message}])
    return value.upper() if value is not None else None


LINE_FIELDS = [name for name in LineOut.model_fields if name not in ("country", "group", "for_")]


def _line_out(line, selection) -> dict:
    return {
        **{name: getattr(line, name) for name in LINE_FIELDS},
        "country": str(line.country),
        "group": selection.group(line),
        "for": line.nationalities,
    }


@router.get(
    "/helplines",
    response=HelplinesOut,
    by_alias=True,
    summary="Help-lines and services per country; with for=, those useful to that nationality",
)
def helplines_endpoint(
    request, country: str | None = None, nationality: str | None = Query(None, alias="for")
):
    code, nationality = _code(country, "country"), _code(nationality, "for")
    codes = [code] if code else ASEAN
    notes = {str(note.country): note for note in CountryNote.objects.filter(country__in=codes)}
    selections = {code: lines_for(code, nationality) for code in codes if code in notes}
    services = Service.objects.filter(country__in=codes, published=True).select_related(
        "organisation"
    )
    countries = [
        _country(
            notes[code],
            [_line_out(line, selections[code]) for line in selections[code].lines],
            services,
        )
        for code in codes
        if code in notes
    ]
    return {"countries": countries}
