"""Markdown for articles: CommonMark without raw HTML, with links to other articles by slug."""

from functools import cache

from django.urls import reverse
from django.utils.translation import override
from markdown_it import MarkdownIt

SCHEMES = ("article:", "help:")


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    default_validate = parser.validateLink
    parser.validateLink = lambda url: url.startswith(SCHEMES) or default_validate(url)
    return parser


def _resolve(href: str, language: str) -> str:
    with override(language):
        if href.startswith("article:"):
            return reverse("hub:article", kwargs={"slug": href.removeprefix("article:")})
        if href.startswith("help:"):
            country = href.removeprefix("help:").lower()
            return reverse("hub:help_country", kwargs={"country": country})
    return href


def render(source: str, language: str) -> str:
    parser = _parser()
    tokens = parser.parse(source)
    for token in tokens:
        for child in token.children or []:
            if child.type == "link_open":
                href = child.attrGet("href") or ""
                child.attrSet("href", _resolve(href, language))
                if href.startswith(("http://", "https://")):
                    child.attrSet("rel", "noopener")
    return parser.renderer.render(tokens, parser.options, {})


def plain_text(source: str) -> str:
    """The words a reader sees, one block after another, for search and snippets."""
    blocks = []
    for token in _parser().parse(source):
        if token.type == "inline":
            words = [
                " " if child.type in ("softbreak", "hardbreak") else child.content
                for child in token.children or []
                if child.type in ("text", "code_inline", "softbreak", "hardbreak")
            ]
            blocks.append("".join(words).strip())
    return " ".join(block for block in blocks if block)


def internal_links(source: str) -> list[str]:
    """The `article:` and `help:` targets a text links to (for checking they exist)."""
    found = []
    for token in _parser().parse(source):
        for child in token.children or []:
            if child.type == "link_open" and (child.attrGet("href") or "").startswith(SCHEMES):
                found.append(child.attrGet("href"))
    return found
