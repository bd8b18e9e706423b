"""A stored file's kind in words ("photo"), never the code ("image")."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

KIND_LABELS = {
    "image": _("photo"),
    "pdf": _("PDF document"),
    "text": _("text file"),
    "audio": _("sound recording"),
}


@register.filter
def file_kind(kind: str) -> str:
    return KIND_LABELS.get(kind, _("file"))
