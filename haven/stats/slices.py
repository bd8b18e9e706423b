"""Figures by organisation and by time, kept instead of counted: the cells of each kept figure
per organisation, per month and per research answer (`Slice` rows).

Staff other than administrators always see their own organisations' figures, and anyone may
ask for a date range: those figures cannot be read from the `Tally` rows. A slice holds one
cell of one figure for one organisation, one month and one research answer, so such a figure
sums a few hundred slices instead of counting a million records. A date range that does not
start or end on a month's edge counts the records of its partial months (an index on
`registered` finds them). Figures with filters on variables are still counted from the records.

The slices are built with the records and moved with them in the same transaction, as the
tallies are (`haven.stats.projection`); the tallies are the slices summed over organisations
and months, so both come from one pass over the records.
"""

import dataclasses
from collections import Counter
from datetime import date, timedelta

from django.db import connection
from django.db.models import Q, Sum

from haven.stats import tallies
from haven.stats.models import Slice

# A record as slices read it: its organisation and registration, then as tallies read it.
COLUMNS = ("organisation_id", "registered", *tallies.COLUMNS)
FIELDS = ("source_id", "organisation_id", "month", "refused", "by", "first", "second", "count")


def month_of(day) -> date | None:
    return None if day is None else day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def contributions(layout, rows) -> Counter:
    """{(organisation, month, refused, by, first, second): n} for rows in COLUMNS order."""
    sliced = Counter()
    kept = tallies.kept_specs(layout)
    for organisation, registered, refused, *slots, flags, known in rows:
        where = (organisation, month_of(registered), bool(refused))
        for key in tallies.cells_of(layout, kept, slots, flags, known):
            sliced[(*where, *key)] += 1
    return sliced


def as_tallies(sliced: Counter) -> Counter:
    """The tallies these slices add up to: every record, and those not refused (published)."""
    tally = Counter()
    for (_organisation, _month, refused, *key), n in sliced.items():
        tally[(False, *key)] += n
        if not refused:
            tally[(True, *key)] += n
    return tally


def replace(source, sliced: Counter) -> None:
    """Every slice of the source again (a full build); PostgreSQL takes them through COPY."""
    Slice.objects.filter(source=source).delete()
    rows = [(source.pk, *key, n) for key, n in sliced.items() if n]
    table = Slice._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(FIELDS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:  # one prepared statement: model instances cost ten times as much
            marks = ", ".join(["%s"] * len(FIELDS))
            # Table and column names are constants of this module; values go as parameters.
            insert = f"INSERT INTO {table} ({', '.join(FIELDS)}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(insert, [_sqlite_row(row) for row in rows])
    source.sliced = True


def _sqlite_row(row: tuple) -> tuple:
    """As Django stores them in SQLite: UUIDs as 32 hex digits, dates in ISO format."""
    organisation, month = row[1], row[2]
    return (row[0], organisation and organisation.hex, month and month.isoformat(), *row[3:])


def adjust(source, delta: Counter) -> None:
    """Add a change (positive and negative counts) to the kept slices."""
    delta = Counter({key: n for key, n in delta.items() if n})
    if not delta:
        return
    organisations = {key[0] for key in delta}
    months = {key[1] for key in delta}
    where = Q(organisation__in=organisations - {None})
    if None in organisations:
        where |= Q(organisation__isnull=True)
    when = Q(month__in=months - {None})
    if None in months:
        when |= Q(month__isnull=True)
    existing = {
        (row.organisation_id, row.month, row.refused, row.by, row.first, row.second): row
        for row in Slice.objects.filter(where, when, source=source, by__in={k[3] for k in delta})
    }
    changed, created, emptied = [], [], []
    for key, n in delta.items():
        row = existing.get(key)
        if row is None:
            created.append(Slice(source=source, **dict(zip(FIELDS[1:], (*key, n), strict=True))))
        elif row.count + n == 0:
            emptied.append(row.pk)
        else:
            row.count += n
            changed.append(row)
    Slice.objects.bulk_update(changed, ["count"], batch_size=1000)
    Slice.objects.bulk_create(created, batch_size=1000)
    Slice.objects.filter(pk__in=emptied).delete()


def read(query, count_records):
    """(denominator, {values: count}) for a query without filters on variables, from the
    slices and the records of partial months (`count_records`), or None when not kept."""
    source, name = query.source, tallies.spec_name(query.by)
    if query.filters or not source.sliced or name not in source.tallied:
        return None
    start, end = query.date_from, query.date_to
    low = None if start is None else (start if start.day == 1 else _next_month(start))
    high = None if end is None else month_of(end + timedelta(days=1))  # after the whole months
    if low is not None and high is not None and low >= high:
        return count_records(query)  # no whole month: the records of a few weeks
    slices = Slice.objects.filter(source=source, by=name)
    if query.published:
        slices = slices.filter(refused=False)
    if query.organisations is not None:
        slices = slices.filter(organisation__in=query.organisations)
    if low is not None:
        slices = slices.filter(month__gte=low)
    if high is not None:
        slices = slices.filter(month__lt=high)
    denominator, counts = 0, Counter()
    rows = slices.values_list("first", "second").annotate(n=Sum("count")).order_by()
    for first, second, n in rows:
        if not first:
            denominator += n
        elif n > 0:
            counts[(first, second) if len(query.by) == 2 else (first,)] += n
    edges = []
    if start is not None and start < low:
        edges.append(dataclasses.replace(query, date_to=low - timedelta(days=1)))
    if end is not None and high <= end:
        edges.append(dataclasses.replace(query, date_from=high))
    for edge in edges:
        more, cells = count_records(edge)
        denominator += more
        counts.update(cells)
    return denominator, dict(counts)
