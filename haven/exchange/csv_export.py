"""The HTCDS CSV export's fast path (issue 19): the same bytes as the named-row export it
replaced (haven/exchange/tests/test_csv_golden.py holds the two side by side), several times
faster.

Per chunk of cases there is one query per table (victims with their people, consent, referrals),
and rows come from the database cursor as they are stored: no Django converters, no named rows.
Each column is turned into its cell by one function chosen once per export from the model field
and the column's kind: encrypted columns are decrypted a column at a time
(`haven.lib.crypto.decrypt_texts`), JSON code lists are parsed once per distinct value, dates
keep their ISO text. The spreadsheet guard looks only at cells whose first character could start
a formula. Memory is one chunk of cases, whatever their number.
"""

import csv
import io
import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from operator import itemgetter

from django.db import connection
from django.db.models import BooleanField, DateField, Exists, JSONField, OuterRef
from django.db.models.sql.constants import MULTI

from haven.cases.models import Case, Consent, Participant, ParticipantRole, Person, Referral
from haven.exchange.columns import Kind
from haven.exchange.export import (
    CHUNK_SIZE,
    CONSENT_ITEMS,
    OUTGOING_FIELDS,
    _referrals,
    _source,
    csv_columns,
    outgoing,
)
from haven.exchange.values import _plain, cell_writer, format_location
from haven.lib.crypto import ENCRYPTED_FIELDS, decrypt_texts
from haven.lib.spreadsheets import GUARDED_STARTS, safe_cell


def _field(model, name: str):
    """The model field a `values_list` name ends on (`person__first_name`, `case_worker__name`)."""
    *path, last = name.split("__")
    for step in path:
        model = model._meta.get_field(step).related_model
    return model._meta.get_field(last)


def _raw(field):
    """A function from the stored value to what the model field would give to the writers."""
    if isinstance(field, JSONField):
        parsed: dict = {}

        def from_json(text):
            value = parsed.get(text)
            if value is None:
                value = parsed[text] = json.loads(text) if isinstance(text, str) else text
            return value

        return from_json
    if isinstance(field, BooleanField):
        return bool
    if isinstance(field, DateField):  # a date on PostgreSQL, already its ISO text on SQLite
        return lambda value: value if isinstance(value, str) else value.isoformat()
    return None  # text, numbers, codes: as stored


def _guard(cells: list) -> list:
    """`safe_cell` of a column of text cells, looking only at those that could need it."""
    return [safe_cell(cell) if cell[:1] in GUARDED_STARTS else cell for cell in cells]


class _Table:
    """The columns read from one query, and how each column of stored values becomes cells.

    Work is done a column at a time (list comprehensions, a batch decryption), and rows of
    cells are put together at the end, in C (`zip`, `itemgetter`)."""

    def __init__(self, model, names, columns, prefix: str = ""):
        self.names = list(names)
        index = {name: i for i, name in enumerate(self.names)}
        self.fields = [_field(model, name) for name in self.names]
        self.cells = [
            (column, [index[name] for name in _source(column, prefix)], cell_writer(column.kind))
            for column in columns
        ]

    def values(self, rows) -> list[list]:
        """Stored rows as columns of model-like values: decrypted, parsed. Columns after the
        table's own names (the victim query's case number and consent flag) stay as stored."""
        if not rows:
            return [[] for _ in self.names]
        columns = [list(values) for values in zip(*rows, strict=True)]
        for i, field in enumerate(self.fields):
            if isinstance(field, ENCRYPTED_FIELDS):
                columns[i] = decrypt_texts(columns[i], field.associated_data)
            elif convert := _raw(field):
                columns[i] = [None if value is None else convert(value) for value in columns[i]]
        return columns

    def cell_rows(self, columns: list[list], size: int) -> list[tuple]:
        """One tuple of written, guarded cells per row, in the order of the table's columns."""
        written = []
        for column, sources, write in self.cells:
            if column.kind == Kind.LOCATION:
                countries, places = (columns[i] for i in sources)
                cells = [
                    ""
                    if country is None and place is None
                    else format_location(country, place) or ""
                    for country, place in zip(countries, places, strict=True)
                ]
            elif write is str or write is _plain:
                cells = [
                    "" if value is None else value if value.__class__ is str else str(value)
                    for value in columns[sources[0]]
                ]
            else:
                cells = ["" if value is None else write(value) for value in columns[sources[0]]]
            written.append(_guard(cells))
        return list(zip(*written, strict=True)) if written else [()] * size


def _chunks(queryset, chunk_size: int) -> Iterator[list]:
    """Stored rows of a `values_list` query a chunk at a time (server-side cursor on PostgreSQL)."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    yield from compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=chunk_size)


def _victims_sql(plan_names: list[str], vendor: str) -> str:
    """One query for a chunk of cases: each victim's participant and person columns, the
    number of its case in the chunk, and `con_Consent` worked out by the database.

    The chunk's case ids come as one parameter (an array on PostgreSQL, a JSON list on SQLite)
    rather than an `IN` list Django would prepare value by value. `con_Consent` is the flag
    `consent_flag` gives: of each HTCDS item, the person's latest answer in the case (by
    `recorded_at`, then id), unless withdrawn; "FALSE" if one of them is refused, "TRUE" if all
    of CONSENT_ITEMS are given, else empty. `cross_border` is Haven's own and does not count."""
    participant, person, consent = (
        model._meta.db_table for model in (Participant, Person, Consent)
    )
    columns = []
    for name in plan_names:
        field = _field(Participant, name)
        alias = "pe" if name.startswith("person__") else "pa"
        columns.append(f'{alias}."{field.column}"')
    if vendor == "postgresql":
        ids = "SELECT id, n - 1 FROM unnest(%s::uuid[]) WITH ORDINALITY AS chunk(id, n)"
    else:
        ids = "SELECT value, key FROM json_each(%s)"
    items = ", ".join(["%s"] * len(CONSENT_ITEMS))
    # Only the models' own table and column names are put into the text; values are parameters.
    return f"""
        WITH ids(id, n) AS ({ids}),
        latest AS (
            SELECT k.case_id, k.person_id, k.given, k.withdrawn_at, ROW_NUMBER() OVER (
                PARTITION BY k.case_id, k.person_id, k.item
                ORDER BY k.recorded_at DESC, k.id DESC
            ) AS turn
            FROM "{consent}" k
            WHERE k.case_id IN (SELECT id FROM ids) AND k.item IN ({items})
        ),
        flags AS (
            SELECT case_id, person_id, CASE
                WHEN MIN(CASE WHEN given THEN 1 ELSE 0 END) = 0 THEN 'FALSE'
                WHEN COUNT(*) = {len(CONSENT_ITEMS)} THEN 'TRUE'
                ELSE '' END AS flag
            FROM latest WHERE turn = 1 AND withdrawn_at IS NULL
            GROUP BY case_id, person_id
        )
        SELECT {", ".join(columns)}, ids.n, COALESCE(f.flag, '')
        FROM ids
        JOIN "{participant}" pa ON pa.case_id = ids.id AND pa.role = %s
        JOIN "{person}" pe ON pe.id = pa.person_id
        LEFT JOIN flags f ON f.case_id = pa.case_id AND f.person_id = pa.person_id
        ORDER BY ids.n, pa.created, pa.id
    """  # noqa: S608


def _victim_rows(plan, ids) -> list[tuple]:
    """The victim query's rows for a chunk of case ids as stored (UUIDs, or hex on SQLite)."""
    vendor = connection.vendor
    if plan.victims_sql is None:
        plan.victims_sql = _victims_sql(plan.victim.names, vendor)
    chunk = list(ids) if vendor == "postgresql" else json.dumps(ids)
    with connection.cursor() as cursor:
        cursor.execute(plan.victims_sql, [chunk, *CONSENT_ITEMS, ParticipantRole.VICTIM])
        return cursor.fetchall()


class FastPlan:
    def __init__(self, columns):
        self.columns = columns
        case_columns = [c for c in columns if c.part in ("case", "key")]
        person = [c for c in columns if c.part == "person"]
        victim = [c for c in columns if c.part == "victim"]
        case_names = sorted({*(n for c in case_columns for n in _source(c)), *OUTGOING_FIELDS})
        self.case = _Table(Case, ["id", *case_names], case_columns)
        victim_names = [
            *(n for c in victim for n in _source(c)),
            *(n for c in person for n in _source(c, "person__")),
        ]
        self.victim = _Table(Participant, victim_names, victim)
        self.person = _Table(Participant, victim_names, person, "person__")  # the same rows
        # A row is case cells + victim cells + person cells + the consent flag, put in the
        # columns' order by one itemgetter.
        order = case_columns + victim + person
        place = {id(column): i for i, column in enumerate(order)}
        self.pick = itemgetter(
            *(len(order) if c.part == "consent" else place[id(c)] for c in columns)
        )
        self.no_victim = ("",) * (len(victim) + len(person) + 1)
        self.victims_sql = None  # made on first use, for the connection's engine
        self.outgoing = [
            (i, column.field, cell_writer(column.kind))
            for i, column in enumerate(case_columns)
            if column.field in OUTGOING_FIELDS
        ]


def _case_cells(plan: FastPlan, chunk) -> tuple[list, list[tuple]]:
    """The chunk's case ids as stored, and each case's cells; referral columns as `outgoing`."""
    columns = plan.case.values(chunk)
    cells = plan.case.cell_rows(columns, len(chunk))
    ids = columns[0]
    referred = [case_id for case_id, some in zip(ids, columns[-1], strict=True) if some]
    referrals_of = _referrals(referred) if referred else None
    if referrals_of:
        for number, case_id in enumerate(ids):
            key = case_id if isinstance(case_id, uuid.UUID) else uuid.UUID(case_id)
            referrals = referrals_of.get(key)
            if referrals:
                values = outgoing(None, referrals)
                row = list(cells[number])
                for i, field, write in plan.outgoing:
                    value = values[field]
                    row[i] = "" if value is None else safe_cell(write(value))
                cells[number] = tuple(row)
    return ids, cells


def export_csv(cases, *, extended: bool = False, chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """The CSV text, in pieces: the header of system names, then one row per victim."""
    plan = FastPlan(csv_columns(extended))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(column.name) for column in plan.columns])
    pick, no_victim = plan.pick, plan.no_victim
    referred = Exists(Referral.objects.filter(case_id=OuterRef("pk")))
    query = cases.annotate(export_referred=referred).values_list(
        *plan.case.names, "export_referred"
    )
    for chunk in _chunks(query, chunk_size):
        ids, case_cells = _case_cells(plan, chunk)
        rows = _victim_rows(plan, ids)
        columns = plan.victim.values(rows)
        victims = defaultdict(list)  # number of the case in the chunk: its victims' cells
        for number, flag, victim, person in zip(
            columns[-2],
            columns[-1],
            plan.victim.cell_rows(columns, len(rows)),
            plan.person.cell_rows(columns, len(rows)),
            strict=True,
        ):
            victims[number].append((*victim, *person, flag))
        rows = []
        for number, case in enumerate(case_cells):
            mine = victims.get(number)
            if mine is None:
                rows.append(pick(case + no_victim))
            else:
                rows.extend(pick(case + victim) for victim in mine)
        writer.writerows(rows)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()
