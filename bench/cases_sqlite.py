"""The SQLite side of `bench/cases.py --engine sqlite --export-only` (issue 19).

The same generated cases as on PostgreSQL (the same generator, seed and encryption), written
with `executemany` a batch at a time, foreign keys off during the load as on PostgreSQL; then the
HTCDS CSV export beside SQLite's own CSV output of the same rows: the `sqlite3` command-line
shell, `-csv`, running the query `COPY_ROWS` that PostgreSQL's COPY runs. The shell is SQLite's
nearest equivalent of `COPY ... TO STDOUT (FORMAT csv)`: the engine reading and quoting rows in C.
"""

import random
import resource
import shutil
import subprocess
import time
from datetime import UTC, date, datetime


def _adapt(value):
    """A value as Django stores it on SQLite: datetimes in UTC without offset, dates in ISO."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _insert(cursor, table, dated: list[int], rows) -> None:
    columns = ", ".join(f'"{column}"' for column in table.columns)
    marks = ", ".join("?" * len(table.columns))
    for row in rows:
        for i in dated:
            row[i] = _adapt(row[i])
    cursor.executemany(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', rows)  # noqa: S608


def load(count: int, bench) -> dict:
    """Generate and insert `count` cases with `bench`'s (bench/cases.py's) generator."""
    from django.db import connection
    from django.utils import timezone

    from haven.accounts.models import User
    from haven.cases import models

    for number in range(30):  # Hotline VN's team beyond alice and bob, as on PostgreSQL
        User.objects.create(
            username=f"hotline-worker-{number:02d}",
            organisation=User.objects.get(username="alice").organisation,
            role="frontline",
        )
    owners, hotline, measured = bench.make_organisations(count)
    connection.ensure_connection()
    raw = connection.connection
    loaded = (
        ("case", models.Case),
        ("person", models.Person),
        ("participant", models.Participant),
        ("event", models.TraffickingEvent),
        ("service", models.SupportService),
        ("consent", models.Consent),
        ("note", models.Note),
        ("task", models.Task),
        ("referral", models.Referral),
    )
    tables = {name: bench.Table(model, connection) for name, model in loaded}
    dated = {  # the positions of date and time columns, whose values sqlite3 cannot take
        name: [
            i
            for i, field in enumerate(model._meta.concrete_fields)
            if field.get_internal_type() in ("DateField", "DateTimeField")
        ]
        for name, model in loaded
    }
    for table in tables.values():  # templates hold values made for PostgreSQL's COPY
        for template in table.templates:
            template[:] = [_adapt(value) for value in template]
    generator = bench.Generator(
        tables, owners, hotline, random.Random(bench.SEED), timezone.localdate()
    )
    started = time.perf_counter()
    raw.execute("PRAGMA foreign_keys = OFF")
    for start in range(0, count, bench.BATCH):
        for _ in range(min(bench.BATCH, count - start)):
            generator.case()
        cursor = raw.cursor()
        for name, table in tables.items():
            _insert(cursor, table, dated[name], table.take())
        raw.commit()
    raw.execute("PRAGMA foreign_keys = ON")
    raw.execute("ANALYZE")
    raw.commit()
    return {
        "cases": count,
        "rows": sum(table.total for table in tables.values()),
        "total": time.perf_counter() - started,
        "hotline": hotline,
        "measured": measured,
    }


def shell_rate(path: str, query: str) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and bytes of the `sqlite3` shell's CSV output of `query`."""
    shell = shutil.which("sqlite3")
    if shell is None:
        raise SystemExit("The sqlite3 command-line shell is needed for the reference column.")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    output = subprocess.run(
        [shell, "-readonly", "-csv", path, query], capture_output=True, check=True
    ).stdout
    elapsed = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    return elapsed, cpu, len(output)
