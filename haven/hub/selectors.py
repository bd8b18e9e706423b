"""Queries the public pages of several apps share: the articles a reader sees (those in the
reader's language, English where it has none) and the numbers to call in danger."""

from haven.hub.models import Article, HelpLine, HelpLineKind
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


DANGER_KINDS = [
    HelpLineKind.EMERGENCY,
    HelpLineKind.ANTI_TRAFFICKING,
    HelpLineKind.CHILD_PROTECTION,
]


def emergency_lines(country: str):
    """The numbers to call when someone is in danger now, in the country's own order."""
    return HelpLine.objects.filter(country=country, kind__in=DANGER_KINDS)
