"""HTCDS import: read a file with `reader`, then write its valid cases, or not.

`import_bytes`, `import_rows` and `import_json` are the entry points (the API and the command
`haven import_htcds` call them). By default an import is all or nothing; docs/exchange.md
describes the rules.

The services in `haven.cases.services` write one case at a time, each with its own audit
event; an import of thousands of cases writes the same rows (the case, people, participants,
events, services, consent, and a history row per field set) with `bulk_create`, in one
transaction, and one `cases.imported` event that counts them. The records were checked when
they were read.
"""

import csv
import json
from datetime import timedelta
from itertools import count

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.services import record_event
from haven.cases.models import (
    Case,
    Change,
    Consent,
    Participant,
    Person,
    Source,
    SupportService,
    TraffickingEvent,
    new_case_reference,
)
from haven.cases.services import _text as history_text
from haven.exchange import xlsx
from haven.exchange.columns import ImportResult, Problem
from haven.exchange.reader import Parsed, csv_rows, parse_csv, parse_json

BATCH_SIZE = 1000
EMPTY_VALUES = (None, "", [], False)


def new_references(number: int) -> list[str]:
    """Fresh case references, unused in the database and among themselves."""
    references: list[str] = []
    taken: set[str] = set()
    while len(references) < number:
        wanted = {new_case_reference() for _ in range(number - len(references))} - taken
        for start in range(0, len(wanted), 5000):
            batch = sorted(wanted)[start : start + 5000]
            wanted -= set(
                Case.objects.filter(reference__in=batch).values_list("reference", flat=True)
            )
        references += sorted(wanted)
        taken |= wanted
    return references


class _Batch:
    """New rows by model, and their history, to be written together."""

    def __init__(self, actor, now):
        self.actor, self.now = actor, now
        self.rows: dict[type, list] = {
            model: []
            for model in (Case, Person, Participant, TraffickingEvent, SupportService, Consent)
        }
        self.changes: list[Change] = []
        # Creation times a microsecond apart keep the file's order in later exports.
        self._tick = count()

    def moment(self):
        return self.now + timedelta(microseconds=next(self._tick))

    def add(self, case, obj, section: str, values: dict) -> None:
        """Like `services.record_changes(created=True)`: a history row per value set."""
        for name, value in values.items():
            setattr(obj, name, value)
            if value in EMPTY_VALUES:
                continue
            self.changes.append(
                Change(
                    case=case,
                    actor=self.actor,
                    at=self.now,
                    section=section,
                    object_id=str(obj.pk),
                    field=name,
                    old="",
                    new=history_text(value),
                )
            )
        self.rows[type(obj)].append(obj)

    def save(self) -> None:
        for model, rows in self.rows.items():
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        Change.objects.bulk_create(self.changes, batch_size=BATCH_SIZE)


def _add_case(batch: _Batch, record, reference: str, organisation, actor) -> None:
    kinds = sorted(
        {kind for p in record.participants for kind in p.details.get("exploitation_types", [])}
    )
    case = Case(
        organisation=organisation,
        reference=reference,
        source=Source.IMPORT,
        exploitation_types=kinds if any(p.role == "victim" for p in record.participants) else [],
        created=batch.moment(),
        updated=batch.now,
    )
    batch.add(case, case, "case", record.values)
    participants = []
    for item in record.participants:
        person = Person(organisation=organisation, created=batch.now)
        batch.add(case, person, "person", item.person)
        participant = Participant(case=case, person=person, role=item.role, created=batch.moment())
        batch.add(case, participant, "participant", item.details)
        participants.append(participant)
        for values in item.consents:
            consent = Consent(
                case=case,
                person=person,
                item=values["item"],
                given=values["given"],
                information_version=values.get("information_version", ""),
                recorded_by=actor,
                recorded_at=values.get("recorded_at") or batch.now,
                withdrawn_at=values.get("withdrawn_at"),
                withdrawn_by=actor if values.get("withdrawn_at") else None,
            )
            batch.rows[Consent].append(consent)
    for model, section, children in (
        (TraffickingEvent, "event", record.events),
        (SupportService, "service", record.services),
    ):
        for values in children:
            values = dict(values)
            number = values.pop("participant", None)
            obj = model(
                case=case,
                participant=participants[number - 1] if number else None,
                created=batch.moment(),
            )
            batch.add(case, obj, section, values)


@transaction.atomic
def write_cases(records, *, organisation, actor, result) -> dict[str, str]:
    """Write checked case records; return {the file's reference: the new case's reference}."""
    batch = _Batch(actor, timezone.now())
    references = {}
    for record, reference in zip(records, new_references(len(records)), strict=True):
        _add_case(batch, record, reference, organisation, actor)
        if record.reference:
            references[record.reference] = reference
    batch.save()
    record_event(
        "cases.imported",
        actor=actor,
        organisation=organisation,
        summary={"format": result.format, **result.counts()},
    )
    return references


# Import ----------------------------------------------------------------------------------------


def _run(parsed: Parsed, fmt: str, *, organisation, actor, dry_run, skip_invalid) -> ImportResult:
    result = ImportResult(format=fmt, problems=parsed.problems, rows=parsed.rows, dry_run=dry_run)
    if parsed.fatal:
        result.blocked = True
        return result
    valid = [record for record in parsed.cases if not record.invalid]
    result.invalid_rows = sum(len(record.rows) for record in parsed.cases if record.invalid)
    result.cases = len(valid)
    result.people = sum(len(record.participants) for record in valid)
    result.events = sum(len(record.events) for record in valid)
    result.services = sum(len(record.services) for record in valid)
    result.consents = sum(len(p.consents) for record in valid for p in record.participants)
    if result.problems and (not skip_invalid or not valid):
        result.blocked = True
    if dry_run or result.blocked:
        return result
    result.references = write_cases(valid, organisation=organisation, actor=actor, result=result)
    result.written = True
    return result


def import_rows(
    rows, *, organisation, actor, dry_run: bool = False, skip_invalid: bool = False
) -> ImportResult:
    """Import CSV rows (the header first). By default all or nothing; see docs/exchange.md."""
    parsed = parse_csv(rows, organisation)
    return _run(
        parsed,
        "csv",
        organisation=organisation,
        actor=actor,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )


def import_json(
    data, *, organisation, actor, dry_run: bool = False, skip_invalid: bool = False
) -> ImportResult:
    """Import a parsed JSON document; "row" in its problems is the case's position, from 1."""
    parsed = parse_json(data, organisation)
    return _run(
        parsed,
        "json",
        organisation=organisation,
        actor=actor,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )


def detect_format(content: bytes, filename: str = "") -> str:
    name = filename.lower()
    if name.endswith(".json"):
        return "json"
    if name.endswith((".csv", ".txt", ".tsv")):
        return "csv"
    return "json" if content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[") else "csv"


def import_bytes(content: bytes, *, filename: str = "", **options) -> ImportResult:
    """Import a file's content: an Excel workbook, CSV or JSON (by its name, or else by its
    first bytes)."""
    if xlsx.is_workbook(content):
        try:
            text = xlsx.csv_text_from_workbook(content)
        except xlsx.NotAWorkbook:
            problem = Problem(None, "file", _("is not an Excel workbook that can be read"))
            return ImportResult(format="xlsx", problems=[problem], blocked=True)
        result = import_rows(csv_rows(text), **options)
        result.format = "xlsx"
        return result
    fmt = detect_format(content, filename)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        problem = Problem(None, "file", _("is not UTF-8 text: save it as “CSV UTF-8”"))
        return ImportResult(format=fmt, problems=[problem], blocked=True)
    if fmt == "csv":
        try:
            rows = csv_rows(text)
        except csv.Error as error:
            problem = Problem(None, "file", _("is not valid CSV: %(error)s") % {"error": error})
            return ImportResult(format=fmt, problems=[problem], blocked=True)
        return import_rows(rows, **options)
    try:
        data = json.loads(text)
    except ValueError as error:
        problem = Problem(
            None,
            "file",
            _("is not valid JSON (line %(line)s)") % {"line": getattr(error, "lineno", "?")},
        )
        return ImportResult(format=fmt, problems=[problem], blocked=True)
    return import_json(data, **options)
