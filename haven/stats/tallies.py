"""Figures kept up to date instead of counted again: the cells of every unfiltered figure.

A figure without filters (the public page, an analyst's first view of the dashboard, the API
without filters) is read from `Tally` rows in a millisecond instead of a scan of every record.
The rows are counted once when a source is loaded, then adjusted by what changes: when a
case's records are rebuilt, their old contributions are taken off and the new ones added, in
the same transaction. Filtered figures are counted from the records, as before.
"""

from collections import Counter

from haven.stats.models import SLOTS, Tally
from haven.stats.variables import CATEGORY, FLAG

# Two-way figures worth keeping besides every one-way one.
PAIRS = [("citizenship", "CountryOfExploitation")]
COLUMNS = ("research_refused", *SLOTS, "flags", "known")
TOTAL = "*"  # every record, whatever it says


def specs(layout) -> list[tuple]:
    """The figures kept for a layout: each non-flag variable alone, and the pairs it has."""
    singles = [(v,) for v in layout.variables.values() if v.kind != FLAG]
    pairs = [
        tuple(layout[name] for name in pair) for pair in PAIRS if all(n in layout for n in pair)
    ]
    return singles + pairs


def spec_name(variables) -> str:
    return ",".join(variable.name for variable in variables)


def _cells(variable, layout, values: dict, flags: int, known: int):
    """The values a record counts under, or None when it has no information on the variable."""
    if variable.kind == CATEGORY:
        value = values[variable.slot]
        return None if value is None else [value]
    if not known & layout.mask(variable.members):
        return None
    return [member for member in variable.members if flags & (1 << layout[member].bit)]


def contributions(layout, rows) -> Counter:
    """{(published, by, first, second): n} for rows in COLUMNS order."""
    tally = Counter()
    kept = kept_specs(layout)
    for refused, *slots, flags, known in rows:
        keys = cells_of(layout, kept, slots, flags, known)
        for published in (False,) if refused else (False, True):
            for key in keys:
                tally[(published, *key)] += 1
    return tally


def kept_specs(layout) -> list[tuple]:
    return [(spec, spec_name(spec)) for spec in specs(layout)]


def cells_of(layout, kept, slots, flags: int, known: int) -> list[tuple]:
    """The (by, first, second) cells one record counts in, its total included."""
    values = dict(zip(SLOTS, slots, strict=True))
    keys = [(TOTAL, "", "")]
    for spec, name in kept:
        parts = [_cells(variable, layout, values, flags, known) for variable in spec]
        if any(part is None for part in parts):
            continue
        keys.append((name, "", ""))
        if len(spec) == 1:
            keys += [(name, value, "") for value in parts[0]]
        else:
            keys += [(name, a, b) for a in parts[0] for b in parts[1]]
    return keys


def replace(source, layout, tally: Counter) -> None:
    Tally.objects.filter(source=source).delete()
    Tally.objects.bulk_create(
        (Tally(source=source, published=p, by=b, first=f, second=s, count=n)
         for (p, b, f, s), n in tally.items() if n),
        batch_size=5000,
    )  # fmt: skip
    source.tallied = [TOTAL] + [spec_name(spec) for spec in specs(layout)]


def adjust(source, delta: Counter) -> None:
    """Add a change (positive and negative counts) to the kept tallies."""
    delta = Counter({key: n for key, n in delta.items() if n})
    if not delta:
        return
    names = {key[1] for key in delta}
    existing = {
        (row.published, row.by, row.first, row.second): row
        for row in Tally.objects.filter(source=source, by__in=names)
    }
    changed, created, emptied = [], [], []
    for key, n in delta.items():
        row = existing.get(key)
        if row is None:
            published, by, first, second = key
            created.append(
                Tally(
                    source=source, published=published, by=by, first=first, second=second, count=n
                )
            )
        elif row.count + n == 0:
            emptied.append(row.pk)
        else:
            row.count += n
            changed.append(row)
    Tally.objects.bulk_update(changed, ["count"], batch_size=1000)
    Tally.objects.bulk_create(created)
    Tally.objects.filter(pk__in=emptied).delete()


def total(source, published: bool) -> int | None:
    """How many records (published: less research refusals), or None when not kept."""
    if TOTAL not in source.tallied:
        return None
    row = Tally.objects.filter(source=source, published=published, by=TOTAL, first="").first()
    return row.count if row else 0


def read(source, variables, published: bool):
    """(denominator, {values: count}) from the tallies, or None when this figure is not kept."""
    name = spec_name(variables)
    if name not in source.tallied:
        return None
    denominator, counts = 0, {}
    for first, second, n in Tally.objects.filter(
        source=source, published=published, by=name
    ).values_list("first", "second", "count"):
        if not first:
            denominator = n
        elif n > 0:
            counts[(first, second) if len(variables) == 2 else (first,)] = n
    return denominator, counts
