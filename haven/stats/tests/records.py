"""Sources built record by record for tests: `{"gender": "Female", "isForcedLabour": True}`.

A category names its value (None or absent: no information); a flag True or False (absent: not
answered). Far faster than importing a file, and each test shows the very records it counts.
"""

from collections import Counter

from haven.stats import tallies
from haven.stats.models import SLOTS, Format, Source, write_records
from haven.stats.variables import CATEGORY, LAYOUTS


def record(layout, values: dict, *, refused: bool = False, source_pk=None) -> tuple:
    """A record tuple in `models.COLUMNS` order."""
    slots = dict.fromkeys(SLOTS)
    flags = known = 0
    for name, value in values.items():
        variable = layout[name]
        if variable.kind == CATEGORY:
            slots[variable.slot] = value
        elif value is not None:
            known |= 1 << variable.bit
            flags |= (1 << variable.bit) if value else 0
    return (source_pk, *slots.values(), flags, known, None, None, None, refused)


def make_source(name: str, rows, *, format=Format.KANON, tallied: bool = False, refused=()):
    """A source holding one record per row; `refused`: indexes of rows refused for research."""
    layout = LAYOUTS[format]
    source = Source.objects.create(name=name, format=format, version=1)
    records = [
        record(layout, row, refused=index in refused, source_pk=source.pk)
        for index, row in enumerate(rows)
    ]
    write_records(records)
    if tallied:
        kept = tallies.contributions(layout, (tally_row(r) for r in records))
        tallies.replace(source, layout, kept)
        source.save()
    return source


def tally_row(record_: tuple) -> tuple:
    """A record tuple in `tallies.COLUMNS` order."""
    return (record_[-1], *record_[1:15])


def repeat(n: int, **values) -> list[dict]:
    return [dict(values) for _ in range(n)]


def fresh_count(layout, rows, names) -> Counter:
    """What a reader counts by hand: {(value, ...): n} of rows answering every name."""
    counts = Counter()
    for row in rows:
        keys = [()]
        for name in names:
            variable = layout[name]
            if variable.kind == CATEGORY:
                values = [row.get(name)] if row.get(name) is not None else []
            else:
                values = [m for m in variable.members if row.get(m)]
            keys = [(*key, value) for key in keys for value in values]
        counts.update(keys)
    return counts
