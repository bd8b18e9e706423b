"""Load content/ (articles in Markdown with front matter, help-lines in YAML) into the database.

Loading is idempotent: a file whose hash has not changed since the last load is skipped, so a
second run changes nothing. Everything is checked before anything is written, and the whole load
is one transaction: a bad file stops it with a message naming the file and the problem.
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from haven.audit.services import record_event
from haven.hub import markdown, search, synonyms
from haven.hub.models import (
    MISSION_KINDS,
    Article,
    ArticleKind,
    ContentFile,
    CountryNote,
    HelpLine,
    HelpLineKind,
    ReviewStatus,
    SearchDocument,
    SearchLanguageTerm,
    SearchTerm,
    SearchTotals,
    Service,
    SourceGrade,
)
from haven.lib import vocabulary
from haven.lib.vocabulary import ASEAN

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ARTICLE_FILE = re.compile(r"^(?P<slug>[a-z0-9-]+)\.(?P<language>[a-z]{2,3}(?:-[a-z]+)?)\.md$")
REVIEWED_BY = re.compile(r"^reviewed-by (?P<name>[^,]{1,100}), (?P<date>\d{4}-\d{2}-\d{2})$")
FRONT_MATTER = re.compile(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)


class ContentError(ValueError):
    pass


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unpublished: int = 0
    helplines: str = "unchanged"
    messages: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.created or self.updated or self.unpublished or self.helplines != "unchanged"
        )


@dataclass
class ArticleFile:
    path: Path
    sha256: str
    values: dict


def _fail(path: Path, problem: str):
    raise ContentError(f"{path.name}: {problem}")


def _either(codes) -> str:
    """ "vi or en", for messages."""
    return " or ".join(codes)


def _yaml_problem(error: yaml.YAMLError, offset: int = 0) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or error.__class__.__name__
    return f"line {mark.line + 1 + offset}: {problem}" if mark else problem


def _text(path: Path, meta: dict, name: str, max_length: int | None = None) -> str:
    value = meta.get(name)
    if not isinstance(value, str) or not value.strip():
        _fail(path, f"'{name}' is required and must be text")
    if max_length and len(value) > max_length:
        _fail(path, f"'{name}' is longer than {max_length} characters")
    return value.strip()


def _review(path: Path, meta: dict) -> dict:
    """`review: machine-assisted` or `review: reviewed-by NAME, DATE`; absent: an original text."""
    value = meta.get("review")
    if value is None:
        return {"review": ReviewStatus.ORIGINAL, "reviewer": "", "review_date": None}
    if value == ReviewStatus.MACHINE_ASSISTED:
        return {"review": ReviewStatus.MACHINE_ASSISTED, "reviewer": "", "review_date": None}
    match = REVIEWED_BY.match(str(value).strip())
    try:
        date = datetime.date.fromisoformat(match["date"]) if match else None
    except ValueError:
        date = None
    if date is None:
        _fail(path, "'review' must be machine-assisted or reviewed-by NAME, DATE (2026-12-01)")
    return {"review": ReviewStatus.REVIEWED, "reviewer": match["name"].strip(), "review_date": date}


def parse_article(path: Path) -> ArticleFile:
    raw = path.read_bytes()
    try:
        source = raw.decode("utf-8")
    except UnicodeDecodeError:
        _fail(path, "is not UTF-8")
    name = ARTICLE_FILE.match(path.name)
    if not name:
        codes = "|".join(vocabulary.language_codes())
        _fail(path, f"file names must look like <slug>.<{codes}>.md")
    parts = FRONT_MATTER.match(source.replace("\r\n", "\n"))
    if not parts:
        _fail(path, "must start with a front matter block between two '---' lines")
    try:
        meta = yaml.safe_load(parts["meta"])
    except yaml.YAMLError as error:
        _fail(path, f"front matter is not valid YAML ({_yaml_problem(error, offset=1)})")
    if not isinstance(meta, dict):
        _fail(path, "front matter must be a mapping of fields")

    slug = _text(path, meta, "slug", 80)
    if not SLUG.match(slug) or slug != name["slug"]:
        _fail(
            path,
            f"'slug' must be lower-case words joined by hyphens and match the file name ({name['slug']})",
        )
    language = _text(path, meta, "language")
    codes = vocabulary.language_codes()
    if language not in codes or language != name["language"]:
        _fail(
            path,
            f"'language' must be {_either(codes)} and match the file name ({name['language']})",
        )
    kind = _text(path, meta, "kind")
    if kind not in ArticleKind.values:
        _fail(path, f"'kind' must be one of {', '.join(ArticleKind.values)}, not {kind!r}")
    countries = meta.get("countries", [])
    if not isinstance(countries, list) or any(code not in ASEAN for code in countries):
        _fail(path, f"'countries' must be a list of ASEAN country codes ({' '.join(ASEAN)})")
    aliases = meta.get("aliases", [])
    if not isinstance(aliases, list) or any(
        not isinstance(alias, str) or not alias.strip() or len(alias) > 100 for alias in aliases
    ):
        _fail(path, "'aliases' must be a list of names, each at most 100 characters")
    reviewed = meta.get("reviewed")
    if not isinstance(reviewed, datetime.date):
        _fail(path, "'reviewed' must be a date like 2026-11-28")
    sources = meta.get("sources")
    if not isinstance(sources, list) or not sources:
        _fail(path, "'sources' must list at least one source")
    for number, item in enumerate(sources, start=1):
        if not isinstance(item, dict) or not str(item.get("title", "")).strip():
            _fail(path, f"source {number} needs a title")
        if not str(item.get("url", "")).startswith(("https://", "http://")):
            _fail(path, f"source {number} needs a url starting with https:// or http://")
    body = parts["body"].strip()
    if len(body) < 200:
        _fail(path, "the body is missing or shorter than 200 characters")
    values = {
        "slug": slug,
        "language": language,
        "kind": kind,
        "title": _text(path, meta, "title", 200),
        "summary": _text(path, meta, "summary", 600),
        "countries": countries,
        "aliases": [alias.strip() for alias in aliases],
        "reviewed": reviewed,
        "sources": [
            {"title": str(item["title"]).strip(), "url": str(item["url"]).strip()}
            for item in sources
        ],
        "body": body,
        **_review(path, meta),
    }
    return ArticleFile(path, hashlib.sha256(raw).hexdigest(), values)


def article_url(slug: str, language: str) -> str:
    with override(language):
        return reverse("hub:article", kwargs={"slug": slug})


def help_url(country: str, language: str) -> str:
    with override(language):
        return reverse("hub:help_country", kwargs={"country": country.lower()})


def index_article(article: Article) -> None:
    if not article.published:
        search.remove_document(source="article", key=article.slug, language=article.language)
        return
    search.index_document(
        source="article",
        key=article.slug,
        language=article.language,
        kind=article.kind,
        title=article.title,
        url=article_url(article.slug, article.language),
        text=f"{article.summary} {markdown.plain_text(article.body)}",
    )


def _check_links(files: list[ArticleFile], countries: set[str]) -> None:
    slugs = {(item.values["slug"], item.values["language"]) for item in files}
    for item in files:
        # A language that is not complete may link to an article it reads in English.
        readable = vocabulary.fallback_codes(item.values["language"])
        for target in markdown.internal_links(item.values["body"]):
            kind, _colon, value = target.partition(":")
            if kind == "article" and not any((value, code) in slugs for code in readable):
                _fail(
                    item.path,
                    f"links to article:{value}, which has no {item.values['language']} file",
                )
            if kind == "help" and value.upper() not in countries:
                _fail(item.path, f"links to help:{value}, which is not a country in helplines.yaml")


def _keep_interface_review(article: Article | None, item: ArticleFile) -> dict:
    """The file's values; an editor's review made in the interface survives while the file is the
    one it was made against. A changed file falls back to what the file itself says."""
    values = {**item.values, "review_sha256": item.sha256}
    if (
        values["review"] != ReviewStatus.REVIEWED
        and article is not None
        and article.review == ReviewStatus.REVIEWED
        and article.review_sha256 == item.sha256
    ):
        values.update(review=article.review, reviewer=article.reviewer)
        values["review_date"] = article.review_date
    return values


def _load_articles(files: list[ArticleFile], report: LoadReport, force: bool) -> None:
    known = {row.path: row for row in ContentFile.objects.filter(path__startswith="articles/")}
    seen = set()
    for item in files:
        relative = f"articles/{item.path.name}"
        seen.add((item.values["slug"], item.values["language"]))
        record = known.get(relative)
        article = Article.objects.filter(
            slug=item.values["slug"], language=item.values["language"]
        ).first()
        if not force and record and record.sha256 == item.sha256 and article and article.published:
            report.unchanged += 1
            continue
        values = _keep_interface_review(article, item)
        if article is None:
            article = Article(**values)
            report.created += 1
        else:
            for name, value in values.items():
                setattr(article, name, value)
            article.published = True
            report.updated += 1
        article.updated = timezone.now()
        article.save()
        index_article(article)
        ContentFile.objects.update_or_create(
            path=relative, defaults={"sha256": item.sha256, "loaded": timezone.now()}
        )
    for article in Article.objects.filter(published=True):
        if (article.slug, article.language) not in seen:
            article.published = False
            article.save(update_fields=["published"])
            index_article(article)
            report.unpublished += 1
            ContentFile.objects.filter(
                path=f"articles/{article.slug}.{article.language}.md"
            ).delete()


def _texts(path: Path, where: str, value, required: bool = True) -> dict:
    """A text in every complete language (vi, en) and in any other language Haven speaks."""
    if value is None and not required:
        return {}
    complete = vocabulary.complete_language_codes()
    if not isinstance(value, dict) or any(
        not str(value.get(language, "")).strip() for language in complete
    ):
        _fail(path, f"{where} needs text in {' and '.join(complete)}")
    unknown = sorted(set(value) - set(vocabulary.language_codes()))
    if unknown:
        _fail(path, f"{where} has text in {unknown[0]!r}, which is not a language Haven speaks")
    return {
        language: str(value[language]).strip()
        for language in vocabulary.language_codes()
        if str(value.get(language, "")).strip()
    }


def _nationalities(path: Path, where: str, line: dict) -> list[str]:
    value = line.get("for") or []
    if not isinstance(value, list) or any(code not in ASEAN for code in value):
        _fail(path, f"{where}: 'for' must be a list of ASEAN country codes ({' '.join(ASEAN)})")
    kind = line.get("kind")
    if not value and (kind in MISSION_KINDS or kind == HelpLineKind.CITIZEN_PROTECTION):
        _fail(path, f"{where}: 'for' must name the nationalities a line of kind {kind} serves")
    if line.get("abroad") and not value:
        _fail(path, f"{where}: 'abroad' needs 'for' (whose nationals the line serves)")
    return list(dict.fromkeys(value))


def _check_grade(path: Path, where: str, line: dict, number: str) -> None:
    """verified: true only with an official source, or a reliable one for a main number."""
    grade, verified, main = line.get("grade"), line.get("verified"), line.get("main") is True
    if grade not in SourceGrade.values:
        _fail(path, f"{where}: 'grade' must be one of {', '.join(SourceGrade.values)}")
    if verified not in (True, False):
        _fail(path, f"{where}: 'verified' must be true or false")
    if main and not verified:
        _fail(path, f"{where}: 'verified' must be true on a main emergency number")
    if verified and grade != SourceGrade.OFFICIAL and not (main and grade == SourceGrade.SECONDARY):
        _fail(
            path,
            f"{where}: 'verified' needs grade: official (or grade: secondary on a main line)",
        )
    if verified and not isinstance(line.get("verified_on"), datetime.date):
        _fail(path, f"{where}: 'verified_on' is required on a verified number (a date)")
    if number and grade != SourceGrade.NONE and not line.get("sources"):
        _fail(path, f"{where}: 'sources' must list the source of a graded number")
    if verified and not line.get("sources"):
        _fail(path, f"{where}: a verified number needs a source in 'sources'")


def _parse_line(path: Path, code: str, position: int, line) -> dict:
    where = f"{code} line {position + 1}"
    if not isinstance(line, dict):
        _fail(path, f"{where}: must be a mapping of fields")
    kinds = [line.get("kind"), *(line.get("also") or [])]
    if any(kind not in HelpLineKind.values for kind in kinds):
        _fail(path, f"{where}: 'kind' must be one of {', '.join(HelpLineKind.values)}")
    kind = line["kind"]
    number = str(line.get("number") or "").strip()
    if number and not re.fullmatch(r"\+?[0-9][0-9 ]{1,30}", number):
        _fail(path, f"{where}: 'number' must be digits and spaces (a leading + allowed)")
    if not number and kind not in MISSION_KINDS:
        _fail(path, f"{where}: 'number' is required (only an embassy or consulate may have none)")
    if not number and line.get("verified"):
        _fail(path, f"{where}: 'verified' must be false on a line without a number")
    main = line.get("main", False)
    if main not in (True, False) or (main and kind != HelpLineKind.EMERGENCY):
        _fail(path, f"{where}: 'main' is true only on a line of kind emergency")
    abroad = line.get("abroad", False)
    if abroad not in (True, False):
        _fail(path, f"{where}: 'abroad' must be true or false")
    if kind == HelpLineKind.CITIZEN_PROTECTION and not abroad:
        _fail(path, f"{where}: 'abroad' must be true on a citizen_protection line")
    nationalities = _nationalities(path, where, line)
    if abroad and code not in nationalities:
        _fail(
            path, f"{where}: 'abroad' lines are listed under their own state ({code} not in 'for')"
        )
    _check_grade(path, where, line, number)
    city = line.get("city")
    if kind in MISSION_KINDS and city is None:
        _fail(path, f"{where}: 'city' is required on an embassy or consulate")
    verified = line["verified"]
    return {
        "country": code,
        "position": position,
        "number": number,
        "kind": kind,
        "also": list(line.get("also") or []),
        "main": main,
        "nationalities": nationalities,
        "abroad": abroad,
        "city": _texts(path, f"{where} city", city, required=False),
        "grade": line["grade"],
        "name": _texts(path, f"{where} name", line.get("name")),
        "operator": _texts(path, f"{where} operator", line.get("operator")),
        "hours": _texts(path, f"{where} hours", line.get("hours"), required=False),
        "note": _texts(path, f"{where} note", line.get("note"), required=False),
        "free": line.get("free"),
        "languages": list(line.get("languages") or []),
        "verified": verified,
        "verified_on": line.get("verified_on") if verified else None,
        "sources": [str(source) for source in line.get("sources") or []],
    }


def parse_helplines(path: Path) -> tuple[str, list[dict], list[dict]]:
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        _fail(path, f"is not valid YAML ({_yaml_problem(error)})")
    if not isinstance(data, dict) or not isinstance(data.get("countries"), list):
        _fail(path, "needs a 'countries' list")
    countries, lines = [], []
    for entry in data["countries"]:
        code = entry.get("code") if isinstance(entry, dict) else None
        if code not in ASEAN:
            _fail(path, f"country {code!r} is not an ASEAN member state code")
        if code in {country["country"] for country in countries}:
            _fail(path, f"country {code} appears twice")
        if "name" in entry:
            _fail(path, f"{code}: country names come from haven/lib/vocabulary, remove 'name'")
        countries.append(
            {
                "country": code,
                "name": vocabulary.country_names(code),
                "note": _texts(path, f"{code} note", entry.get("note"), required=False),
            }
        )
        entries = entry.get("lines") or []
        if not isinstance(entries, list):
            _fail(path, f"{code}: 'lines' must be a list")
        parsed = [_parse_line(path, code, position, line) for position, line in enumerate(entries)]
        if not any(line["kind"] == HelpLineKind.EMERGENCY for line in parsed):
            _fail(path, f"{code} has no line with kind: emergency")
        if not any(line["main"] for line in parsed):
            _fail(path, f"{code} has no line with main: true (its national emergency number)")
        lines += parsed
    return hashlib.sha256(raw).hexdigest(), countries, lines


def helpline_text(country: CountryNote, lines: list[HelpLine], language: str) -> str:
    code = str(country.country)
    parts = [vocabulary.country_name(code, language), vocabulary.localised(country.note, language)]
    for line in lines:
        parts += [
            line.text("name", language),
            line.text("city", language),
            line.number,
            line.text("operator", language),
            line.text("hours", language),
            line.text("note", language),
        ]
    return " ".join(part for part in parts if part)


def index_country(code: str) -> None:
    country = CountryNote.objects.filter(country=code).first()
    if country is None:
        search.remove_document(source="helpline", key=code)
        return
    lines = list(HelpLine.objects.filter(country=code))
    for language in vocabulary.language_codes():
        with override(language):
            title = _("Help-lines: %(name)s") % {"name": vocabulary.country_name(code, language)}
        search.index_document(
            source="helpline",
            key=code,
            language=language,
            kind="helpline",
            title=title,
            url=help_url(code, language),
            text=helpline_text(country, lines, language),
        )


def index_service(service: Service) -> None:
    for language in vocabulary.language_codes():
        if not service.published:
            search.remove_document(source="service", key=str(service.pk), language=language)
            continue
        search.index_document(
            source="service",
            key=str(service.pk),
            language=language,
            kind="service",
            title=service.name,
            url=f"{help_url(str(service.country), language)}#service-{service.pk}",
            text=" ".join(
                [
                    service.description,
                    service.province,
                    service.organisation.name,
                    service.phone,
                    service.languages,
                ]
            ),
        )


def _load_helplines(path: Path, report: LoadReport, force: bool) -> None:
    sha256, countries, lines = parse_helplines(path)
    record = ContentFile.objects.filter(path=path.name).first()
    if not force and record and record.sha256 == sha256:
        return
    HelpLine.objects.all().delete()
    CountryNote.objects.exclude(country__in=[country["country"] for country in countries]).delete()
    for country in countries:
        CountryNote.objects.update_or_create(
            country=country["country"], defaults={"name": country["name"], "note": country["note"]}
        )
    HelpLine.objects.bulk_create([HelpLine(**line) for line in lines])
    for code in ASEAN:
        index_country(code)
    ContentFile.objects.update_or_create(
        path=path.name, defaults={"sha256": sha256, "loaded": timezone.now()}
    )
    report.helplines = f"{len(lines)} lines for {len(countries)} countries"


def rebuild_search_index() -> None:
    """Index everything again from the database, e.g. after the indexing code changed."""
    SearchDocument.objects.all().delete()
    SearchTerm.objects.all().delete()
    SearchLanguageTerm.objects.all().delete()
    SearchTotals.objects.all().delete()
    for article in Article.objects.filter(published=True):
        index_article(article)
    for code in ASEAN:
        index_country(code)
    for service in Service.objects.filter(published=True).select_related("organisation"):
        index_service(service)


def check_synonyms(directory: Path) -> None:
    """Every synonyms.<language>.yaml must be usable (they are read at query time, not loaded)."""
    codes = vocabulary.language_codes()
    for path in sorted(directory.glob("synonyms.*.yaml")):
        language = path.name.split(".")[1]
        if language not in codes:
            _fail(path, f"the language in the file name must be {_either(codes)}")
        try:
            synonyms.parse_synonyms(path, language)
        except synonyms.SynonymError as error:
            raise ContentError(f"search/{error}") from error


@transaction.atomic
def load_content(root: Path, *, force: bool = False) -> LoadReport:
    """Load changed files; with force, every file, and the search index is rebuilt."""
    helplines_path = root / "helplines.yaml"
    if not helplines_path.exists():
        raise ContentError(f"{helplines_path} is missing")
    _, countries, _ = parse_helplines(helplines_path)
    files = [parse_article(path) for path in sorted((root / "articles").glob("*.md"))]
    pairs = {}
    for item in files:
        pairs.setdefault(item.values["slug"], set()).add(item.values["language"])
    complete = vocabulary.complete_language_codes()
    for slug, languages in sorted(pairs.items()):
        if not languages >= set(complete):
            missing = ", ".join(sorted(set(complete) - languages))
            raise ContentError(
                f"{slug}: every article needs {' and '.join(complete)}; missing {missing}"
            )
    _check_links(files, {country["country"] for country in countries})
    check_synonyms(root / "search")

    report = LoadReport()
    _load_helplines(helplines_path, report, force)
    _load_articles(files, report, force)
    if force:
        rebuild_search_index()
    if report.changed:
        record_event(
            "content.loaded",
            summary={
                "created": report.created,
                "updated": report.updated,
                "unpublished": report.unpublished,
                "helplines_changed": report.helplines != "unchanged",
            },
        )
    return report
