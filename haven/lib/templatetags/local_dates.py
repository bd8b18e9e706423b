"""`{{ day|public_date }}` and `{{ day|public_date:"short" }}`: dates on public pages, with the
Buddhist year in Thai (haven/lib/dates.py)."""

from django import template

from haven.lib import dates

register = template.Library()


@register.filter(expects_localtime=True)
def public_date(value, style: str = "long") -> str:
    return dates.public_date(value, style)
