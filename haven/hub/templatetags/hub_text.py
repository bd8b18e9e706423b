"""Template filters for texts kept per language ({"vi": ..., "en": ...})."""

from django import template

from haven.lib import vocabulary

register = template.Library()


@register.filter
def in_language(values: dict | None, language: str) -> str:
    """The text for a reader of `language`, English when it has none."""
    return vocabulary.localised(values or {}, language)
