"""Queries of the information hub.

Articles: those in the reader's language, English where it has none. Help-lines: which to offer
a person, where they are and (if known) their nationality; one selection for every place that
offers numbers: the help pages, GET /api/v1/helplines, the home page's "in danger" box, the
report's "in danger" step and the self-check's result.
"""

from dataclasses import dataclass, field

from haven.hub.models import MISSION_KINDS, Article, HelpLine, HelpLineKind
from haven.lib import vocabulary


def _readable_codes(language: str) -> tuple[str, ...]:
    # A complete language (vi, en) has every article: no need to look further.
    if language in vocabulary.complete_language_codes():
        return (language,)
    return vocabulary.fallback_codes(language)


def readable_articles(language: str, *fields: str, **filters) -> list[Article]:
    """Published articles for a reader of `language`, one per slug, in the model's order."""
    codes = _readable_codes(language)
    articles = Article.objects.filter(language__in=codes, published=True, **filters)
    if fields:
        articles = articles.only("slug", "language", *fields)
    articles = list(articles)
    chosen: dict[str, Article] = {}
    for article in articles:
        current = chosen.get(article.slug)
        if current is None or codes.index(article.language) < codes.index(current.language):
            chosen[article.slug] = article
    return [article for article in articles if chosen[article.slug] is article]


def readable_article(slug: str, language: str) -> Article | None:
    found = readable_articles(language, slug=slug)
    return found[0] if found else None


# The nationality a page's language suggests, until the visitor picks another.
LANGUAGE_NATIONALITY = {"vi": "VN"}

# Kinds offered to someone in danger now (the home page's box and the report's first step).
DANGER_KINDS = {
    HelpLineKind.EMERGENCY,
    HelpLineKind.ANTI_TRAFFICKING,
    HelpLineKind.CHILD_PROTECTION,
}


def default_nationality(language: str | None) -> str | None:
    return LANGUAGE_NATIONALITY.get((language or "")[:2])


@dataclass
class Selection:
    """The lines for a person in `country`, of `nationality` (None: not known).

    local:    open to everyone in the country (emergency numbers, anti-trafficking lines...).
    missions: the nationality's embassy and consulates (and other lines for them) in the country.
    home:     the nationality's own lines for its people abroad (citizen protection), shown to a
              person abroad, and to a person at home for their family abroad.
    """

    country: str
    nationality: str | None
    local: list[HelpLine] = field(default_factory=list)
    missions: list[HelpLine] = field(default_factory=list)
    home: list[HelpLine] = field(default_factory=list)

    @property
    def abroad(self) -> bool:
        return self.nationality is not None and self.nationality != self.country

    @property
    def lines(self) -> list[HelpLine]:
        return [*self.local, *self.missions, *self.home]

    def group(self, line: HelpLine) -> str:
        if line in self.missions:
            return "mission"
        return "home" if line in self.home else "local"

    def for_danger(self) -> list[HelpLine]:
        """What to call now: local emergency and anti-trafficking lines, the person's embassy
        and consulates that have a number, and their own country's line for people abroad."""
        local = [line for line in self.local if DANGER_KINDS & {line.kind, *line.also}]
        if self.nationality is None:
            return local
        missions = [line for line in self.missions if line.number]
        home = self.home if self.abroad else []
        return [*local, *missions, *home]


def lines_for(country: str, nationality: str | None = None) -> Selection:
    """The help-lines useful to a person of `nationality` who is in `country` (ISO codes).

    Without a nationality: every line in the country, as listed; the lines only for some
    nationals (embassies, lines for a state's people abroad) go in missions and home.
    """
    country = str(country or "").upper()
    nationality = str(nationality).upper() if nationality else None
    candidates = HelpLine.objects.filter(country=country)
    if nationality:
        candidates |= HelpLine.objects.filter(country=nationality, abroad=True)
    selection = Selection(country, nationality)
    for line in candidates.order_by("position"):
        served, here = line.nationalities, str(line.country) == country
        if here and not served:
            selection.local.append(line)
        elif nationality is None:
            (selection.home if line.abroad else selection.missions).append(line)
        elif here and not line.abroad and nationality in served:
            selection.missions.append(line)
        elif line.abroad and nationality in served and str(line.country) == nationality:
            selection.home.append(line)
    selection.missions.sort(key=lambda line: (line.kind not in MISSION_KINDS, line.position))
    return selection


def emergency_lines(country: str, nationality: str | None = None) -> list[HelpLine]:
    """Who to call now where the person is, and (when known) their own country's lines."""
    return lines_for(country, nationality).for_danger()
