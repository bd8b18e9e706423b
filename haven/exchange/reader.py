"""HTCDS import, the reading: every row into plain records first, each problem named.

CSV rows become cases (rows sharing a `cas_Reference` form one case, each row a victim); the
JSON of `export.export_json` comes back case by case. Nothing is written while reading;
`importer` then writes the valid cases in one transaction, or nothing. docs/exchange.md
describes the rules.
"""

import csv
import difflib
import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Organisation
from haven.cases.models import ParticipantRole
from haven.cases.sharing import HTCDS_ITEMS
from haven.exchange.columns import (
    CONSENT_COLUMNS,
    CORE_COLUMNS,
    EVENT_COLUMNS,
    EXTENDED_COLUMNS,
    HEADER_ALIASES,
    NAME_COLUMNS,
    ROLE_COLUMN,
    SERVICE_COLUMNS,
    TEMPLATE_LABELS,
    UNNAMED_AFTER,
    Kind,
    Problem,
)
from haven.exchange.export import (
    JSON_CASE_COLUMNS,
    JSON_FORMAT,
    JSON_PARTICIPANT_COLUMNS,
    JSON_PERSON_COLUMNS,
)
from haven.exchange.values import Invalid, Reader

CSV_COLUMNS = {
    column.name.casefold(): column for column in CORE_COLUMNS + NAME_COLUMNS + EXTENDED_COLUMNS
}
ALIASES = {alias.casefold(): name for alias, name in HEADER_ALIASES.items()}
JSON_HEAD_KEYS = {"format", "version", "standard", "exported", "cases"}


@dataclass
class ParticipantRecord:
    role: str
    person: dict  # Person field values
    details: dict  # Participant field values
    consents: list[dict] = field(default_factory=list)  # Consent field values


@dataclass
class CaseRecord:
    rows: list[int]  # the CSV rows that make the case, or its position in the JSON
    reference: str  # the file's cas_Reference, if any
    values: dict  # Case field values
    participants: list[ParticipantRecord] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)  # with "participant": number or None
    services: list[dict] = field(default_factory=list)
    invalid: bool = False


@dataclass
class Parsed:
    cases: list[CaseRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    fatal: bool = False  # the file as a whole is wrong: no row can be trusted


def reader_for(organisation) -> Reader:
    members = {user.username: user for user in organisation.members.filter(is_active=True)}
    organisations = {org.name.casefold(): org for org in Organisation.objects.all()}
    return Reader(organisation, members=members, organisations=organisations)


def _store(column, value, target: dict) -> None:
    """Put a read value into a dict of model field values."""
    if column.kind == Kind.LOCATION:
        target[f"{column.field}_country"], target[f"{column.field}_place"] = value
    elif column.field == "birthdate":
        target["birthdate"] = value.isoformat() if value else ""
    elif column.field == "deceased":
        target["deceased"] = bool(value)
    else:
        target[column.field] = value


def _consent_rows(given: bool | None) -> list[dict]:
    """`con_Consent` TRUE: the seven items given; FALSE: refused; empty: nothing recorded."""
    if given is None:
        return []
    return [
        {"item": item, "given": given, "information_version": "import"}
        for item in HTCDS_ITEMS  # never cross_border: that is asked apart
    ]


def _check_dates(values: dict, row, names: dict, problems: list[Problem]) -> None:
    """A case closes after it opens; an exploitation ends after it begins."""
    for start, end in (("opened", "closed"), ("exploitation_began", "exploitation_ended")):
        if values.get(start) and values.get(end) and values[end] < values[start]:
            problems.append(
                Problem(row, names[end], _("is before %(start)s") % {"start": names[start]})
            )


def _finish(record: CaseRecord, organisation) -> None:
    """Defaults of a case made by hand: open, in the organisation's country, today."""
    values = record.values
    values["status"] = values.get("status") or "Active"
    values["country"] = values.get("country") or str(organisation.country)
    values.setdefault("case_worker", None)
    if not values.get("opened"):
        values["opened"] = timezone.localdate()
    if not values.get("risk"):
        values.pop("risk", None)
    for participant in record.participants:
        if participant.role == ParticipantRole.VICTIM and not participant.details.get("registered"):
            participant.details["registered"] = values["opened"]


# CSV -------------------------------------------------------------------------------------------


def read_header(header: list[str]) -> tuple[list, list[Problem]]:
    columns, problems, seen, previous = [], [], set(), None
    for raw in header:
        name = str(raw).strip().lstrip("\ufeff")
        if not name:
            # The template's row numbers (column A) have no name; so has its outgoing reason.
            alias = UNNAMED_AFTER.get(previous.name) if previous is not None else None
            column = CSV_COLUMNS[alias.casefold()] if alias else None
        else:
            column = CSV_COLUMNS.get(ALIASES.get(name.casefold(), name).casefold())
            if column is None:
                guess = difflib.get_close_matches(name, [c.name for c in CSV_COLUMNS.values()], 1)
                message = _("unknown column")
                if guess:
                    message = _("unknown column; did you mean %(name)s?") % {"name": guess[0]}
                problems.append(Problem(1, name[:60], message))
        if column is not None and column.name in seen:
            problems.append(Problem(1, column.name, _("the column appears twice")))
            column = None
        if column is not None:
            seen.add(column.name)
        columns.append(column)
        previous = column
    for column in CORE_COLUMNS:
        if column.name not in seen:
            problems.append(
                Problem(
                    1, column.name, _("the column is missing: the 38 CORE columns are required")
                )
            )
    return columns, problems


def _is_label_row(row) -> bool:
    """The template's second row repeats the columns' labels: it is not a case."""
    cells = [str(cell).strip().casefold() for cell in row if str(cell).strip()]
    return len(cells) >= 5 and all(cell in TEMPLATE_LABELS for cell in cells)


def _too_long(row, columns) -> bool:
    return len(row) > len(columns) and any(str(cell).strip() for cell in row[len(columns) :])


def _read_row(number, row, columns, reader, problems) -> dict:
    read = {"case": {}, "person": {}, "victim": {}, "consent": None, "key": "", "names": {}}
    if _too_long(row, columns):
        problems.append(
            Problem(
                number,
                "",
                _("the row has %(cells)d cells but the header names %(columns)d columns")
                % {"cells": len(row), "columns": len(columns)},
            )
        )
    for index, column in enumerate(columns):
        if column is None:
            continue
        try:
            value = reader.parse(column, row[index] if index < len(row) else "")
        except Invalid as error:
            problems.append(Problem(number, column.name, str(error)))
            continue
        read["names"][column.field] = column.name
        if column.part == "key":
            read["key"] = value
        elif column.part == "consent":
            read["consent"] = value
        else:
            _store(column, value, read[column.part])
    return read


def parse_csv(rows, organisation, reader: Reader | None = None) -> Parsed:
    """Rows as `csv.reader` gives them, the header first."""
    parsed = Parsed()
    iterator = iter(rows)
    header = next(iterator, None)
    if not header or not any(str(cell).strip() for cell in header):
        parsed.problems.append(Problem(1, "", _("the file is empty: row 1 must name the columns")))
        parsed.fatal = True
        return parsed
    columns, parsed.problems = read_header(header)
    if parsed.problems:
        parsed.fatal = True
        return parsed
    reader = reader or reader_for(organisation)
    known = [index for index, column in enumerate(columns) if column is not None]
    groups: dict[str, tuple[CaseRecord, dict, int]] = {}
    for number, row in enumerate(iterator, start=2):
        # Rows empty in every known column are the template's unused rows, numbered in column A.
        if not any(
            str(row[index]).strip() for index in known if index < len(row)
        ) and not _too_long(row, columns):
            continue
        if number == 2 and _is_label_row(row):
            continue
        parsed.rows += 1
        problems: list[Problem] = []
        read = _read_row(number, row, columns, reader, problems)
        key = read["key"] or f"#{number}"
        if key in groups:
            record, first_values, first_row = groups[key]
            record.rows.append(number)
            for name, value in read["case"].items():
                if name in first_values and first_values[name] != value:
                    problems.append(
                        Problem(
                            number,
                            read["names"][name],
                            _("differs from row %(row)d, the first row of this case")
                            % {"row": first_row},
                        )
                    )
        else:
            record = CaseRecord(rows=[number], reference=read["key"], values=dict(read["case"]))
            groups[key] = (record, read["case"], number)
            parsed.cases.append(record)
        if (
            any(read["person"].values())
            or any(read["victim"].values())
            or read["consent"] is not None
        ):
            record.participants.append(
                ParticipantRecord(
                    role=ParticipantRole.VICTIM,
                    person=read["person"],
                    details=read["victim"],
                    consents=_consent_rows(read["consent"]),
                )
            )
        if len(record.rows) == 1:
            _check_dates(read["case"], number, read["names"], problems)
        _check_dates(read["victim"], number, read["names"], problems)
        if problems:
            record.invalid = True
            parsed.problems += problems
    for record in parsed.cases:
        _finish(record, organisation)
    return parsed


def csv_rows(text: str) -> list[list[str]]:
    """Parse CSV text; the delimiter is found from the header (Excel in some locales uses `;`)."""
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


# JSON ------------------------------------------------------------------------------------------


class _JsonReader:
    def __init__(self, reader: Reader, position: int, problems: list[Problem]):
        self.reader, self.position, self.problems = reader, position, problems

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.position, path, message))

    def object(self, data, columns, path: str, extra=()) -> dict | None:
        """The model values of one JSON object whose keys are `columns` (and `extra`)."""
        if not isinstance(data, dict):
            self.problem(path.rstrip("."), _("must be an object"))
            return None
        names = {column.name for column in columns}
        for key in data:
            if key not in names and key not in extra:
                self.problem(f"{path}{key}", _("unknown field"))
        values: dict = {}
        for column in columns:
            raw = data.get(column.name)
            try:
                value = self.reader.parse(column, raw, spreadsheet=False)
            except Invalid as error:
                self.problem(f"{path}{column.name}", str(error))
                continue
            if column.required and value in (None, ""):
                self.problem(f"{path}{column.name}", _("is required"))
            _store(column, value, values)
        return values

    def list(self, data, key: str) -> list:
        value = data.get(key) or []
        if not isinstance(value, list):
            self.problem(key, _("must be a list"))
            return []
        return value

    def number(self, value, count: int, path: str):
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= count:
            return value
        self.problem(path, _("must be the number of a participant of the case, from 1"))
        return None


def _json_case(data, position: int, reader: Reader, problems: list[Problem]) -> CaseRecord:
    read = _JsonReader(reader, position, problems)
    children = ("participants", "events", "services", "referrals")
    values = read.object(data, JSON_CASE_COLUMNS, "", extra=children) or {}
    record = CaseRecord(rows=[position], reference=values.pop("reference", "") or "", values=values)
    if not isinstance(data, dict):
        return record
    _check_dates(
        values, position, {"opened": "cas_OpenedDate", "closed": "cas_ClosedDate"}, problems
    )
    participants = read.list(data, "participants")
    for number, item in enumerate(participants, start=1):
        path = f"participants.{number}."
        details = read.object(
            item, (ROLE_COLUMN, *JSON_PARTICIPANT_COLUMNS), path, extra=("person", "consents")
        )
        if details is None:
            continue
        role = details.pop("role", "")
        dates = {"exploitation_began": f"{path}vic_ExploitationStartDate"}
        dates["exploitation_ended"] = f"{path}vic_ExploitationEndDate"
        _check_dates(details, position, dates, problems)
        person = read.object(item.get("person") or {}, JSON_PERSON_COLUMNS, f"{path}person.")
        consents = [
            read.object(consent, CONSENT_COLUMNS, f"{path}consents.{index}.")
            for index, consent in enumerate(read.list(item, "consents"), start=1)
        ]
        record.participants.append(
            ParticipantRecord(role, person or {}, details, [c for c in consents if c])
        )
    for key, columns in (("events", EVENT_COLUMNS), ("services", SERVICE_COLUMNS)):
        for index, item in enumerate(read.list(data, key), start=1):
            path = f"{key}.{index}."
            values = read.object(item, columns, path, extra=("participant",))
            if values is not None:
                number = read.number(
                    item.get("participant"), len(participants), f"{path}participant"
                )
                getattr(record, key).append({**values, "participant": number})
    read.list(data, "referrals")  # the record of referrals made in Haven: not re-created
    return record


def parse_json(data, organisation, reader: Reader | None = None) -> Parsed:
    """The document of `export_json` (or a bare list of its cases)."""
    parsed = Parsed()
    if isinstance(data, dict):
        if data.get("format", JSON_FORMAT) != JSON_FORMAT:
            parsed.problems.append(
                Problem(None, "format", _("must be %(format)s") % {"format": JSON_FORMAT})
            )
        for key in sorted(set(data) - JSON_HEAD_KEYS):
            parsed.problems.append(Problem(None, key, _("unknown field")))
        data = data.get("cases")
    if not isinstance(data, list):
        parsed.problems.append(Problem(None, "cases", _("must be a list of cases")))
    if parsed.problems:
        parsed.fatal = True
        return parsed
    reader = reader or reader_for(organisation)
    for position, item in enumerate(data, start=1):
        problems: list[Problem] = []
        record = _json_case(item, position, reader, problems)
        record.invalid = bool(problems)
        parsed.problems += problems
        parsed.cases.append(record)
        parsed.rows += 1
    for record in parsed.cases:
        _finish(record, organisation)
    return parsed
