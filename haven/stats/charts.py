"""Charts drawn on the server as SVG: no script, nothing from another origin, light pages.

Each chart is decorative for screen readers (`aria-hidden`): the table under it carries the
numbers. Hidden cells get no bar, only their "<10" or "x" mark.
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

WIDTH = 640
BAR_HEIGHT = 22
LABEL_WIDTH = 220


def _mark(cell) -> str:
    return "<10" if cell["hidden"] == "small" else "x"


def bar_chart(rows) -> str:
    """rows: (label, cell) pairs; a horizontal bar for each shown count."""
    top = max((cell["count"] or 0 for _label, cell in rows), default=0) or 1
    height = BAR_HEIGHT * len(rows) + 4
    room = WIDTH - LABEL_WIDTH - 60
    parts = []
    for index, (label, cell) in enumerate(rows):
        y = index * BAR_HEIGHT + 2
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="label">{}</text>',
                LABEL_WIDTH - 6, y + 15, label[:34],
            )
        )  # fmt: skip
        if cell["count"] is None:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="hidden">{}</text>', LABEL_WIDTH, y + 15, _mark(cell)
                )
            )
            continue
        length = max(1, round(room * cell["count"] / top))
        parts.append(format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" class="bar"/>'
            '<text x="{}" y="{}" class="value">{}</text>',
            LABEL_WIDTH, y + 3, length, BAR_HEIGHT - 6, LABEL_WIDTH + length + 4, y + 15, cell["count"],
        ))  # fmt: skip
    return _svg(height, parts)


def time_series(rows) -> str:
    """rows: (label, cell) pairs in time order; a column per period, hidden ones marked."""
    top = max((cell["count"] or 0 for _label, cell in rows), default=0) or 1
    height, base = 200, 170
    step = (WIDTH - 40) / max(len(rows), 1)
    width = max(4, step * 0.7)
    parts = [
        format_html('<line x1="20" y1="{}" x2="{}" y2="{}" class="axis"/>', base, WIDTH - 10, base)
    ]
    for index, (label, cell) in enumerate(rows):
        x = 20 + index * step + (step - width) / 2
        centre = x + width / 2
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
            round(x, 1), base - tall, round(width, 1), tall, round(centre, 1), base - tall - 4, cell["count"],
        ))  # fmt: skip
    return _svg(height, parts)


def _svg(height: int, parts) -> str:
    body = "".join(str(part) for part in parts)
    return mark_safe(  # noqa: S308 - every part above went through format_html
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" aria-hidden="true" focusable="false">{body}</svg>'
    )


def heat(cell, top: int) -> str:
    """A class from heat0 to heat4 for a flow table's cell, by its share of the largest."""
    if cell is None or cell["count"] is None or not top:
        return "heat0"
    return f"heat{min(4, 1 + int(4 * cell['count'] / (top + 1)))}"
