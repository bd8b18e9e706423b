"""Queries the public pages of several apps share."""

from haven.hub.models import HelpLine, HelpLineKind

DANGER_KINDS = [
    HelpLineKind.EMERGENCY,
    HelpLineKind.ANTI_TRAFFICKING,
    HelpLineKind.CHILD_PROTECTION,
]


def emergency_lines(country: str):
    """The numbers to call when someone is in danger now, in the country's own order."""
    return HelpLine.objects.filter(country=country, kind__in=DANGER_KINDS)
