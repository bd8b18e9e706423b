"""Charts drawn on the server as SVG: no script, nothing from another origin, light pages.

Each chart is decorative for screen readers (`aria-hidden`): the table under it carries the
numbers. Hidden cells get no bar, only their "<10" or "x" mark.
"""

import math
import textwrap

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# Drawn for a phone first: 360 units wide, shown at about 330 px on a 360 px screen, so 13-unit
# text stays readable; each bar's label sits on its own line(s) above it and is never cut.
WIDTH = 360
ROOM = WIDTH - 56  # the longest bar, leaving room for its value
LINE = 16  # one line of label text
BAR = 14
LABEL_CHARS = 44  # about one line at 13 units


def _mark(cell) -> str:
    return "<10" if cell["hidden"] == "small" else "x"


def _count(value: int) -> str:
    return number_format(value, force_grouping=True)


def bar_chart(rows) -> str:
    """rows: (label, cell) pairs; a horizontal bar under each label, for each shown count."""
    top = max((cell["count"] or 0 for _label, cell in rows), default=0) or 1
    parts, y = [], 2
    for label, cell in rows:
        lines = textwrap.wrap(str(label), LABEL_CHARS) or [""]
        for number, line in enumerate(lines):
            parts.append(
                format_html(
                    '<text x="0" y="{}" class="label">{}</text>', y + 13 + number * LINE, line
                )
            )
        bar = y + LINE * len(lines) + 2
        if cell["count"] is None:
            parts.append(
                format_html('<text x="0" y="{}" class="hidden">{}</text>', bar + 12, _mark(cell))
            )
        else:
            length = max(1, round(ROOM * cell["count"] / top))
            parts.append(format_html(
                '<rect x="0" y="{}" width="{}" height="{}" class="bar"/>'
                '<text x="{}" y="{}" class="value">{}</text>',
                bar, length, BAR, length + 4, bar + 12, _count(cell["count"]),
            ))  # fmt: skip
        y = bar + BAR + 10
    return _svg(y, parts, "bars")


def time_series(rows) -> str:
    """rows: (label, cell) pairs in time order; a column per period, hidden ones marked."""
    top = max((cell["count"] or 0 for _label, cell in rows), default=0) or 1
    height, base = 200, 170
    step = (WIDTH - 40) / max(len(rows), 1)
    width = max(4, step * 0.7)
    # Label every n-th period only, so that labels never overlap on a phone.
    longest = max((len(str(label)) for label, _cell in rows), default=1)
    every = max(1, math.ceil((longest * 7 + 6) / step))
    parts = [
        format_html('<line x1="20" y1="{}" x2="{}" y2="{}" class="axis"/>', base, WIDTH - 10, base)
    ]
    for index, (label, cell) in enumerate(rows):
        x = 20 + index * step + (step - width) / 2
        centre = x + width / 2
        if index % every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" class="label">{}</text>',
                    round(centre, 1),
                    base + 18,
                    label,
                )
            )
        if cell["count"] is None:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" class="hidden">{}</text>',
                    round(centre, 1),
                    base - 6,
                    _mark(cell),
                )
            )
            continue
        tall = max(1, round((base - 20) * cell["count"] / top))
        parts.append(format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" class="bar"/>'
            '<text x="{}" y="{}" text-anchor="middle" class="value">{}</text>',
            round(x, 1), base - tall, round(width, 1), tall, round(centre, 1), base - tall - 4,
            _count(cell["count"]),
        ))  # fmt: skip
    return _svg(height, parts, "columns")


def _svg(height: int, parts, kind: str) -> str:
    body = "".join(str(part) for part in parts)
    return mark_safe(  # noqa: S308 - every part above went through format_html
        f'<svg class="chart {kind}" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" aria-hidden="true" focusable="false">{body}</svg>'
    )


def heat(cell, top: int) -> str:
    """A class from heat0 to heat4 for a flow table's cell, by its share of the largest."""
    if cell is None or cell["count"] is None or not top:
        return "heat0"
    return f"heat{min(4, 1 + int(4 * cell['count'] / (top + 1)))}"
