"""What keeping statistics costs a write (bench/stats.py): inserting 110,000 records again
with the table's indexes as they are now (plus building their slices and tallies), and with
the per-slot covering indexes of stats migration 0004 that migration 0005 took away.

Each run happens in a transaction that is rolled back, so the data stays as it was.
"""

import time

OLD_INDEXES = [
    f"CREATE INDEX bench_record_c{n} ON stats_record (source_id, c{n})" for n in range(12)
]
OLD_INDEXES.append("CREATE INDEX bench_record_bits ON stats_record (source_id, known, flags)")


class Rollback(Exception):
    pass


def _timed_insert(rows, layout, *, old_indexes: bool, keep: str) -> float:
    from django.db import connection, transaction

    from haven.stats import slices, tallies
    from haven.stats.models import Source, write_records

    took = 0.0
    try:
        with transaction.atomic():
            source = Source.objects.create(name="bench-writes", format="cases")
            copies = [(source.pk, *row[1:]) for row in rows]
            if old_indexes:
                with connection.cursor() as cursor:
                    for statement in OLD_INDEXES:
                        cursor.execute(statement)
            started = time.perf_counter()
            write_records(copies)
            if keep == "slices":
                sliced = slices.contributions(
                    layout, ((r[16], r[17], r[18], *r[1:15]) for r in copies)
                )
                slices.replace(source, sliced)
                tallies.replace(source, layout, slices.as_tallies(sliced))
            elif keep == "tallies":
                tallies.replace(
                    source,
                    layout,
                    tallies.contributions(layout, ((r[18], *r[1:15]) for r in copies)),
                )
            took = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return took


def measure(source, count: int = 110_000) -> None:
    from haven.stats.models import COLUMNS, Record
    from haven.stats.variables import LAYOUTS

    layout = LAYOUTS[source.format]
    rows = list(Record.objects.filter(source=source).values_list(*COLUMNS)[:count])
    runs = {
        "0004 (13 covering indexes), records only": dict(old_indexes=True, keep=""),
        "0004, records and tallies (as before)": dict(old_indexes=True, keep="tallies"),
        "0005 (slices), records only": dict(old_indexes=False, keep=""),
        "0005, records, slices and tallies (as now)": dict(old_indexes=False, keep="slices"),
    }
    print(f"\nInserting {len(rows):,} records again (one run each, rolled back):")
    for label, options in runs.items():
        took = _timed_insert(rows, layout, **options)
        print(f"  {label:<46} {took:>6.2f} s", flush=True)
