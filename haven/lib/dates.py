"""Dates on public pages, as each language's readers count years.

Thai readers count years in the Buddhist era (พุทธศักราช, พ.ศ.): 2026 is 2569. Public pages in Thai
give that year, and in the long form the Gregorian one beside it, because many readers are migrant
workers who know the other: "5 ธันวาคม 2569 (ค.ศ. 2026)", "5 ธ.ค. 2569". Every other language
reads exactly what Django's `date` filter with DATE_FORMAT or SHORT_DATE_FORMAT gives.

A language whose readers count years another way adds one entry to ERAS.
"""

import datetime
from dataclasses import dataclass

from django.utils import dateformat, formats
from django.utils.translation import get_language


@dataclass(frozen=True)
class Era:
    offset: int  # added to the Gregorian year
    gregorian: str  # how the long form names the Gregorian year beside it, {year} filled in


ERAS: dict[str, Era] = {
    "th": Era(offset=543, gregorian="ค.ศ. {year}"),
}

STYLES = {"long": "DATE_FORMAT", "short": "SHORT_DATE_FORMAT"}


def public_date(value: datetime.date | None, style: str = "long") -> str:
    """`value` as the reader's language writes a date: `style` is "long" or "short"."""
    if value is None or value == "":
        return ""
    name = STYLES[style]
    era = ERAS.get((get_language() or "").split("-")[0])
    if era is None:
        return formats.date_format(value, name)
    year = value.year + era.offset
    pattern = _with_year(formats.get_format(name), year)
    text = dateformat.format(value, pattern)
    if style == "long":
        text += f" ({era.gregorian.format(year=value.year)})"
    return text


def _with_year(pattern: str, year: int) -> str:
    """The date pattern with its four-digit year ("Y") replaced by `year`, escaped as literal."""
    literal = "".join(f"\\{digit}" for digit in str(year))
    out, escaped = [], False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        else:
            out.append(literal if char == "Y" else char)
    return "".join(out)
