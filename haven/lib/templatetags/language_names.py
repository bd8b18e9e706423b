"""`{{ code|language_name }}`: a language Haven speaks by its English and its own name."""

from django import template

from haven.lib import vocabulary

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    """ "Thai (ไทย)" for th, "Vietnamese (Tiếng Việt)" for vi; the code itself if unknown."""
    language = vocabulary.get_language(code or "")
    if language is None:
        return code or ""
    if language.native_name == language.english_name:
        return language.english_name
    return f"{language.english_name} ({language.native_name})"
