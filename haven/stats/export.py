"""Exports: any figure as CSV, and Haven's cases as a CTDC-format file that is k-anonymous.

The CTDC-format file has one row per victim in the k-anonymised global data set's columns
(those Haven records), flags as `1` or empty. Like CTDC's own release it is k-anonymous with
k = 10: every row shares all its values with at least nine others. Rows that would stand out
lose detail step by step (the flags, then the countries and time in trafficking, then the
year, then gender, age and channel) and are withheld when even that is not enough. Victims
whose research consent was refused are left out.
"""

from collections import defaultdict

from haven.lib.spreadsheets import SafeWriter
from haven.stats import privacy
from haven.stats.labels import value_label
from haven.stats.models import Record
from haven.stats.projection import refresh_cases
from haven.stats.variables import CASES as LAYOUT

CTDC_COLUMNS = [
    "yearOfRegistration", "Datasource", "gender", "majorityEntry", "citizenship",
    "CountryOfExploitation", "traffickMonths",
]  # fmt: skip
FLAG_COLUMNS = [variable.name for variable in LAYOUT.flags]
# What each step of generalisation blanks, cumulatively.
STEPS = [
    [],
    FLAG_COLUMNS,
    ["citizenship", "CountryOfExploitation", "traffickMonths"],
    ["yearOfRegistration"],
    ["gender", "majorityEntry", "Datasource"],
]


def write_figure(out, figure, labels: bool = False) -> None:
    """Cells as CSV rows; suppressed counts are empty, and the last row is the denominator."""
    writer = SafeWriter(out)
    names = [variable.name for variable in figure.by]
    writer.writerow([*names, "count", "suppressed"])
    for cell in figure.cells:
        values = [
            value_label(variable, cell[variable.name]) if labels else cell[variable.name]
            for variable in figure.by
        ]
        writer.writerow(
            [
                *values,
                "" if cell["count"] is None else cell["count"],
                str(cell["suppressed"]).lower(),
            ]
        )
    denominator = figure.denominator
    writer.writerow(
        [
            "(denominator)",
            *[""] * (len(names) - 1),
            "" if denominator is None else denominator,
            str(denominator is None).lower(),
        ]
    )


def _rows():
    source = refresh_cases()
    slots = [LAYOUT[name].slot for name in CTDC_COLUMNS]
    records = Record.objects.filter(source=source, research_refused=False)
    for values in records.values_list(*slots, "flags").iterator(chunk_size=5000):
        *categories, flags = values
        row = dict(zip(CTDC_COLUMNS, categories, strict=True))
        row.update({name: "1" if flags & (1 << LAYOUT[name].bit) else "" for name in FLAG_COLUMNS})
        yield {key: value or "" for key, value in row.items()}


def anonymise(rows: list[dict], k: int = privacy.THRESHOLD) -> tuple[list[dict], int]:
    """Rows generalised until each is one of at least k identical ones; (rows, withheld)."""
    released, remaining = [], rows
    for step in STEPS:
        for row in remaining:
            row.update(dict.fromkeys(step, ""))
        groups = defaultdict(list)
        for row in remaining:
            groups[tuple(row.values())].append(row)
        remaining = []
        for members in groups.values():
            (released if len(members) >= k else remaining).extend(members)
    return released, len(remaining)


def write_ctdc(out) -> int:
    """The CTDC-format file; returns how many victims were withheld."""
    released, withheld = anonymise(list(_rows()))
    columns = CTDC_COLUMNS + FLAG_COLUMNS
    writer = SafeWriter(out)
    writer.writerow(columns)
    # Sorted by value: the order cases were recorded in must not show through.
    for row in sorted(released, key=lambda row: tuple(row.values())):
        writer.writerow([row[name] for name in columns])
    return withheld
