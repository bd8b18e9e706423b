"""HTCDS export, streamed: CSV (the Excel template's 38 CORE columns, and more) and full JSON.

Both are generators: cases come from a server-side cursor (`.iterator(chunk_size=...)`), and
for each chunk of cases one query per related table fetches their people, consent, referrals
(events and services for JSON). Memory stays bounded whatever the number of cases, and the
number of queries grows with chunks, never with cases.

Rows are fetched as named tuples (`values_list(named=True)`), not model instances: prefetching
model instances would do the same queries, but building a model instance costs more than the
whole row's CSV, and a case has a dozen related rows (seven per person for consent alone).
Encrypted columns are decrypted as they are read, and only the columns a format needs are read.
"""

import json
from collections import defaultdict
from collections.abc import Iterator
from operator import attrgetter

from django.utils import timezone

from haven.audit.services import record_event
from haven.cases import htcds
from haven.cases.models import (
    Case,
    Consent,
    Participant,
    Referral,
    SupportService,
    TraffickingEvent,
)
from haven.cases.sharing import HTCDS_ITEMS, current_answers
from haven.exchange.columns import (
    CASE_ONLY_JSON,
    CONSENT_COLUMNS,
    CORE_COLUMNS,
    EVENT_COLUMNS,
    EXTENDED_COLUMNS,
    NAME_COLUMNS,
    PERPETRATOR_COLUMNS,
    SERVICE_COLUMNS,
    Kind,
)
from haven.exchange.values import cell_writer, json_writer
from haven.lib.metrics import EXPORTS_RUN

CHUNK_SIZE = 2000
CONSENT_ITEMS = HTCDS_ITEMS  # cross_border is Haven's own, not HTCDS
JSON_FORMAT = "haven-htcds"
JSON_VERSION = 1
OUTGOING_FIELDS = (
    "external_referred_organisation",
    "external_referred_case_worker",
    "external_referral_reason",
    "external_referral_date",
    "external_referral_details",
)
CONSENT_FIELDS = ("person_id", "item", "given", "information_version", "recorded_at")
REFERRAL_FIELDS = (
    "to_organisation__name",
    "receiving_case_worker__username",
    "reason",
    "sent_at",
    "details",
    "state",
)
# Which referral the HTCDS outgoing-referral columns describe: the one that holds (accepted or
# completed) before one that waits for an answer, before one that was declined or revoked; the
# latest of the best kind. A later pending referral does not hide an accepted one.
REFERRAL_RANK = {"accepted": 0, "completed": 0, "pending": 1, "declined": 2, "revoked": 2}


def cases_for_export(organisation=None):
    """One organisation's own cases (not those referred to it), or every case, oldest first."""
    cases = Case.objects.all()
    if organisation is not None:
        cases = cases.filter(organisation=organisation)
    return cases.order_by("opened", "created", "pk")


def csv_columns(extended: bool = False) -> tuple:
    return CORE_COLUMNS + NAME_COLUMNS + (EXTENDED_COLUMNS if extended else ())


def csv_header(extended: bool = False) -> list[str]:
    return [column.name for column in csv_columns(extended)]


def record_export(*, actor, organisation, format: str, extended: bool, count: int, via: str):
    """The audit event of an export: what and how many, never whose."""
    EXPORTS_RUN.labels(format, via).inc()
    return record_event(
        "cases.exported",
        actor=actor,
        organisation=organisation,
        summary={
            "format": format,
            "extended": extended,
            "cases": count,
            "via": via,
            "scope": "organisation" if organisation is not None else "all",
        },
    )


def _source(column, prefix: str = "") -> list[str]:
    """The `values_list` names a column is read from."""
    if column.kind == Kind.LOCATION:
        return [f"{prefix}{column.field}_country", f"{prefix}{column.field}_place"]
    if column.kind == Kind.MEMBER:
        return [f"{prefix}{column.field}__username"]
    if column.kind == Kind.ORGANISATION:
        return [f"{prefix}{column.field}__name"]
    return [f"{prefix}{column.field}"]


def _sources(columns, parts, prefix: str = "") -> list[str]:
    return [name for column in columns if column.part in parts for name in _source(column, prefix)]


def _reader(column, prefix: str = ""):
    """A function reading a column's value from a named row (a pair for a location)."""
    return attrgetter(*_source(column, prefix))


def _plan(columns, writer, prefix: str = "") -> list:
    """(column, read, write) for each column: decided once per export, applied to every row."""
    return [(column, _reader(column, prefix), writer(column.kind)) for column in columns]


def _apply_json(plan, row) -> dict:
    values = {}
    for column, read, write in plan:
        value = read(row)
        values[column.name] = None if value is None else write(value)
    return values


def _chunks(cases, fields: list[str], chunk_size: int):
    """Cases as named rows, a chunk at a time, from a server-side cursor on PostgreSQL."""
    chunk = []
    for case in cases.values_list("id", *fields, named=True).iterator(chunk_size=chunk_size):
        chunk.append(case)
        if len(chunk) >= chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _by_case(queryset, ids, fields) -> dict:
    """{case id: [named rows]} of one related table, for a chunk of cases."""
    rows = defaultdict(list)
    for row in queryset.filter(case_id__in=ids).values_list("case_id", *fields, named=True):
        rows[row.case_id].append(row)
    return rows


def _consents(ids, fields=CONSENT_FIELDS) -> dict:
    return _by_case(
        Consent.objects.order_by("recorded_at", "item", "pk"), ids, (*fields, "withdrawn_at")
    )


def _referrals(ids, fields=REFERRAL_FIELDS) -> dict:
    return _by_case(Referral.objects.order_by("-sent_at", "pk"), ids, fields)


def most_relevant(referrals):
    """The referral the outgoing-referral columns describe (REFERRAL_RANK); rows come newest first."""
    return min(referrals, key=lambda row: REFERRAL_RANK.get(row.state, 3), default=None)


def outgoing(case, referrals) -> dict:
    """The HTCDS outgoing-referral fields: the most relevant referral made in Haven, else the
    case's own."""
    if referrals:
        chosen = most_relevant(referrals)
        return {
            "external_referred_organisation": chosen.to_organisation__name,
            "external_referred_case_worker": chosen.receiving_case_worker__username or "",
            # A referral's reason is the sender's own words; HTCDS wants a code here, so the
            # words go into the details, where nothing is lost.
            "external_referral_reason": (
                chosen.reason if chosen.reason in htcds.ReferralReason.values else "Other"
            ),
            "external_referral_date": timezone.localdate(chosen.sent_at),
            "external_referral_details": "\n".join(
                text
                for text in (
                    "" if chosen.reason in htcds.ReferralReason.values else chosen.reason,
                    chosen.details,
                )
                if text
            ),
        }
    return {name: getattr(case, name) for name in OUTGOING_FIELDS}


def consent_flag(answers: dict, person_id) -> bool | None:
    """`con_Consent`: all seven items given now; False when one is refused; else unknown."""
    given = [answers.get((person_id, item)) for item in CONSENT_ITEMS]
    if False in given:
        return False
    if all(answer is True for answer in given):
        return True
    return None


def _case_values(case, plan, referrals) -> list:
    """The case's values, written, in the plan's order; referral fields as `outgoing` says."""
    referral_fields = outgoing(case, referrals)
    values = []
    for column, read, write in plan:
        value = referral_fields[column.field] if column.field in OUTGOING_FIELDS else read(case)
        values.append(None if value is None else write(value))
    return values


# CSV -------------------------------------------------------------------------------------------


def _prefix(column) -> str:
    return "person__" if column.part == "person" else ""


class CsvPlan:
    """Where each cell of a row comes from, and how it is written: decided once per export."""

    def __init__(self, columns):
        self.columns = columns
        case = [i for i, column in enumerate(columns) if column.part in ("case", "key")]
        self.case_positions = case
        self.case = _plan([columns[i] for i in case], cell_writer)
        self.victim = [
            (i, read, write)
            for i, column in enumerate(columns)
            if column.part in ("person", "victim")
            for _, read, write in _plan([column], cell_writer, _prefix(column))
        ]
        self.consent = [i for i, column in enumerate(columns) if column.part == "consent"]
        self.case_fields = sorted({*_sources(columns, ("case", "key")), *OUTGOING_FIELDS})
        self.victim_fields = [
            "person_id",
            *_sources(columns, ("victim",)),
            *_sources(columns, ("person",), "person__"),
        ]


def csv_rows(case, plan: CsvPlan, victims, consents, referrals) -> Iterator[list[str]]:
    """One row per victim of the case; a case without victims gives one row of case columns."""
    base = [""] * len(plan.columns)
    for position, value in zip(
        plan.case_positions, _case_values(case, plan.case, referrals), strict=True
    ):
        base[position] = "" if value is None else value
    if not victims:
        yield base
        return
    answers = current_answers(consents)
    for victim in victims:
        row = list(base)
        for position, read, write in plan.victim:
            value = read(victim)
            row[position] = "" if value is None else write(value)
        flag = consent_flag(answers, victim.person_id)
        for position in plan.consent:
            row[position] = "" if flag is None else ("TRUE" if flag else "FALSE")
        yield row


def export_csv(cases, *, extended: bool = False, chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """The CSV text, in pieces: the header of system names, then one row per victim.

    Written by haven.exchange.csv_export's fast path; `CsvPlan` and `csv_rows` above say, on
    named rows, what each cell holds (haven/exchange/tests/test_csv_golden.py keeps them equal).
    """
    from haven.exchange.csv_export import export_csv as fast_export_csv

    return fast_export_csv(cases, extended=extended, chunk_size=chunk_size)


# JSON ------------------------------------------------------------------------------------------

JSON_CASE_COLUMNS = (
    tuple(
        column
        for column in CORE_COLUMNS + NAME_COLUMNS + EXTENDED_COLUMNS
        if column.part in ("case", "key")
    )
    + CASE_ONLY_JSON
)
JSON_PERSON_COLUMNS = tuple(
    column for column in CORE_COLUMNS + NAME_COLUMNS + EXTENDED_COLUMNS if column.part == "person"
)
JSON_PARTICIPANT_COLUMNS = (
    tuple(
        column
        for column in CORE_COLUMNS + NAME_COLUMNS + EXTENDED_COLUMNS
        if column.part == "victim"
    )
    + PERPETRATOR_COLUMNS
)


class JsonPlan:
    def __init__(self):
        self.case = _plan(JSON_CASE_COLUMNS, json_writer)
        self.person = _plan(JSON_PERSON_COLUMNS, json_writer, "person__")
        self.participant = _plan(JSON_PARTICIPANT_COLUMNS, json_writer)
        self.consent = _plan(CONSENT_COLUMNS, json_writer)
        self.event = _plan(EVENT_COLUMNS, json_writer)
        self.service = _plan(SERVICE_COLUMNS, json_writer)
        self.case_fields = sorted({*_sources(JSON_CASE_COLUMNS, ("case", "key")), *OUTGOING_FIELDS})
        self.participant_fields = [
            "id",
            "person_id",
            "role",
            *_sources(JSON_PARTICIPANT_COLUMNS, ("victim",)),
            *_sources(JSON_PERSON_COLUMNS, ("person",), "person__"),
        ]
        self.event_fields = ["participant_id", *_sources(EVENT_COLUMNS, ("event",))]
        self.service_fields = ["participant_id", *_sources(SERVICE_COLUMNS, ("service",))]
        self.referral_fields = [
            *REFERRAL_FIELDS,
            *("sections", "responded_at", "completed_at", "revoked_at"),
        ]


def _document(case, plan: JsonPlan, participants, events, services, consents, referrals) -> dict:
    """Everything HTCDS and Haven know of a case, but notes, attachments, tasks and history."""
    values = _case_values(case, plan.case, referrals)
    document = {column.name: value for (column, _, _), value in zip(plan.case, values, strict=True)}
    numbers, people = {}, []
    for number, participant in enumerate(participants, start=1):
        numbers[participant.id] = number
        people.append(
            {
                "role": participant.role,
                "person": _apply_json(plan.person, participant),
                **_apply_json(plan.participant, participant),
                "consents": [
                    _apply_json(plan.consent, row)
                    for row in consents
                    if row.person_id == participant.person_id
                ],
            }
        )
    document["participants"] = people
    document["events"] = [
        {"participant": numbers.get(row.participant_id), **_apply_json(plan.event, row)}
        for row in events
    ]
    document["services"] = [
        {"participant": numbers.get(row.participant_id), **_apply_json(plan.service, row)}
        for row in services
    ]
    document["referrals"] = [_referral(row) for row in referrals]
    return document


def _referral(row) -> dict:
    def moment(value):
        return value.isoformat() if value else None

    return {
        "cas_ReferredOrganisation": row.to_organisation__name,
        "cas_ReferredPrimaryCaseWorker": row.receiving_case_worker__username or "",
        "cas_ReasonForOutgoingReferral": row.reason,
        "cas_OutgoingReferralDate": timezone.localdate(row.sent_at).isoformat(),
        "cas_OutgoingReferralDetails": row.details,
        "state": row.state,
        "sections": row.sections,
        "sent_at": moment(row.sent_at),
        "responded_at": moment(row.responded_at),
        "completed_at": moment(row.completed_at),
        "revoked_at": moment(row.revoked_at),
    }


def export_json(cases, *, chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """`{"format": ..., "cases": [...]}` in pieces, a chunk of cases at a time."""
    head = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "standard": "HTCDS 2.0",
        "exported": timezone.now().isoformat(timespec="seconds"),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "cases": [\n'
    plan = JsonPlan()
    separator = ""
    for chunk in _chunks(cases, plan.case_fields, chunk_size):
        ids = [case.id for case in chunk]
        participants = _by_case(
            Participant.objects.order_by("role", "created", "pk"), ids, plan.participant_fields
        )
        events = _by_case(
            TraffickingEvent.objects.order_by("date", "created", "pk"), ids, plan.event_fields
        )
        services = _by_case(
            SupportService.objects.order_by("created", "pk"), ids, plan.service_fields
        )
        consents = _consents(ids)
        referrals = _referrals(ids, plan.referral_fields)
        pieces = []
        for case in chunk:
            document = _document(
                case,
                plan,
                participants[case.id],
                events[case.id],
                services[case.id],
                consents[case.id],
                referrals[case.id],
            )
            pieces.append(separator + json.dumps(document, ensure_ascii=False))
            separator = ",\n"
        yield "".join(pieces)
    yield "\n]}\n"
