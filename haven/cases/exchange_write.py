"""Write imported cases: in bulk, in one transaction, with field history and one audit event.

The services in `haven.cases.services` write one case at a time, each with its own audit
event; an import of thousands of cases writes the same rows (the case, people, participants,
events, services, consent, and a history row per field set) with `bulk_create`, and one
`cases.imported` event that counts them. The records were checked when they were read.
"""

from datetime import timedelta
from itertools import count

from django.db import transaction
from django.utils import timezone

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
