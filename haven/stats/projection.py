"""Haven's victims as statistics records: structured fields in, CTDC variables out.

Only coded fields are read (gender, first citizenship, age when trafficked, countries, dates,
HTCDS picklists). Names, birth dates, contacts and free text are never selected. The records
are rebuilt when the cases change, which `fingerprint()` notices cheaply: the number of cases
and of research-consent answers, and the latest change to each. Changed cases are found by
their `updated` time; new cases that carry an older time (imports, the demo) are found by
comparing every case's `updated` with the one it was projected at, which is only needed when
the numbers of cases and of projected cases differ.
"""

import json
from collections import Counter, namedtuple
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q

from haven.cases.models import (
    Case,
    Consent,
    ConsentItem,
    Participant,
    ParticipantRole,
)
from haven.cases.models import (
    Source as CaseSource,
)
from haven.cases.sharing import current_answers
from haven.lib.replica import primary_reads
from haven.stats import slices, tallies
from haven.stats.models import (
    CASES,
    SLOTS,
    Format,
    ProjectedCase,
    Record,
    Source,
    write_records,
)
from haven.stats.variables import AGE_BANDS
from haven.stats.variables import CASES as LAYOUT

# Transactions that committed late may carry an `updated` a little older than the last refresh.
MARGIN = timedelta(minutes=10)
CHUNK = 2000

GENDER = {
    "Feminine": "Female",
    "Masculine": "Male",
    "TransgenderFeminine": "Transgender/NonConforming",
    "TransgenderMasculine": "Transgender/NonConforming",
    "NonConforming": "Transgender/NonConforming",
}
HOTLINE_SOURCES = {CaseSource.HOTLINE, CaseSource.REPORT}
OTHER = "isOtherExploit"
EXPLOITATION = {
    "ForcedLabour": ["isForcedLabour"],
    "SexualExploitation": ["isSexualExploit"],
    "ForcedMarriage": ["isForcedMarriage"],
    "ForcedMilitaryByNonStateActors": ["isForcedMilitary"],
    "OrganRemoval": ["isOrganRemoval"],
    "Servitude": ["isSlaveryAndPractices"],
    # CTDC counts begging as a sector of forced labour.
    "ForcedBegging": ["isForcedLabour", "typeOfLabourBegging"],
    "ChildLabour": [OTHER],
    "ForcedAdoption": [OTHER],
    "Surrogacy": [OTHER],
    "Other": [OTHER],
}
CONTROL = {
    "PhysicalThreats": "Threats",
    "ThreatensChildrenFamily": "Threats",
    "ThreatsLawEnforcement": "ThreatOfLawEnforcement",
    "PsychoactiveSubstance": "PsychoactiveSubstances",
}
INDUSTRY = {
    "A": "Agriculture",
    "B": "MiningOrDrilling",
    "C": "Manufacturing",
    "F": "Construction",
    "H": "Transportation",
    "I": "Hospitality",
    "T": "DomesticWork",
}
RELATION = {
    "Familial": "recruiterRelationFamily",
    "Acquainted": "recruiterRelationFriend",
    "Unaquainted": "recruiterRelationOther",
}
BAND_STARTS = [0, 9, 18, 21, 24, 27, 30, 39, 48]
BITS = {variable.name: 1 << variable.bit for variable in LAYOUT.flags}
FIELDS = (
    "case_id", "case__organisation_id", "case__country", "case__source", "case__opened",
    "registered", "age_when_trafficked", "exploitation_country", "recruitment_country",
    "exploitation_began", "exploitation_ended", "exploitation_types", "control_methods",
    "industries", "sex_exploitation_types", "relationship_to_trafficker", "person_id",
    "person__gender", "person__citizenship",
)  # fmt: skip
Victim = namedtuple("Victim", [name.replace("__", "_") for name in FIELDS])
Answer = namedtuple("Answer", "person_id item given recorded_at withdrawn_at")


def age_band(age: int) -> str:
    index = max(i for i, start in enumerate(BAND_STARTS) if age >= start)
    return AGE_BANDS[index]


def months_band(began, ended) -> str | None:
    if not began or not ended or ended < began:
        return None
    months = (ended.year - began.year) * 12 + ended.month - began.month - (ended.day < began.day)
    return LAYOUT["traffickMonths"].check[0 if months <= 12 else 1 if months <= 24 else 2]


def flag_names(victim: Victim) -> set[str]:
    names = set()
    for kind in victim.exploitation_types or []:
        names.update(EXPLOITATION.get(kind, [OTHER]))
    for method in victim.control_methods or []:
        names.add("meansOfControl" + CONTROL.get(method, method))
    for industry in victim.industries or []:
        names.add("typeOfLabour" + INDUSTRY.get(industry[:1], "Other"))
    for kind in victim.sex_exploitation_types or []:
        names.add("typeOfSex" + kind)
    if victim.relationship_to_trafficker in RELATION:
        names.add(RELATION[victim.relationship_to_trafficker])
    return names & BITS.keys()


def record_for(victim: Victim, source: Source, refused: bool) -> tuple:
    """The victim's record, as a tuple in `models.COLUMNS` order."""
    registered = victim.registered or victim.case_opened
    age = victim.age_when_trafficked
    values = {
        "yearOfRegistration": str(registered.year) if registered else None,
        "Datasource": "Hotline" if victim.case_source in HOTLINE_SOURCES else "Case Management",
        "gender": GENDER.get(victim.person_gender),
        "majorityEntry": None if age is None else "Minor" if age < 18 else "Adult",
        "ageBroadAtEntry": None if age is None else age_band(age),
        "citizenship": (victim.person_citizenship or [None])[0] or None,
        "CountryOfExploitation": victim.exploitation_country or None,
        "countryOfRecruitment": victim.recruitment_country or None,
        "traffickMonths": months_band(victim.exploitation_began, victim.exploitation_ended),
        "caseCountry": victim.case_country or None,
    }
    slots = dict.fromkeys(SLOTS)
    for name, value in values.items():
        slots[LAYOUT[name].slot] = value
    flags = sum(BITS[name] for name in flag_names(victim))
    return (
        source.pk, *slots.values(), flags, flags, victim.case_id, victim.case_organisation_id,
        registered, refused,
    )  # fmt: skip


def fingerprint() -> str:
    """What the cases look like, in four small queries.

    Each maximum is asked alone, so that the database can read it from the end of an index
    (docs/stats.md asks the cases app for them); a count beside a maximum would scan the table.
    New research answers always carry a new time, so they need no count: answers recorded with
    an older time come with new cases (imports, the demo), which the number of cases shows.
    """
    research = Consent.objects.filter(item=ConsentItem.RESEARCH)
    values = {
        "n": Case.objects.count(),
        "last": Case.objects.aggregate(last=Max("updated"))["last"],
        "consent_recorded": research.aggregate(last=Max("recorded_at"))["last"],
        "consent_withdrawn": research.aggregate(last=Max("withdrawn_at"))["last"],
    }
    return json.dumps(
        {key: str(value) if value is not None else None for key, value in values.items()}
    )


def _slice_row(record: tuple) -> tuple:
    """A record tuple (models.COLUMNS) in the order slices read it (slices.COLUMNS)."""
    return (record[16], record[17], record[-1], *record[1:13], record[13], record[14])


def _project(source: Source, case_ids: list) -> None:
    """Build the records of these cases again, note the `updated` they were built from, and
    move the kept tallies by the difference."""
    delta = Counter()
    for start in range(0, len(case_ids), CHUNK):
        chunk = case_ids[start : start + CHUNK]
        old = Record.objects.filter(source=source, case_id__in=chunk)
        delta.subtract(slices.contributions(LAYOUT, old.values_list(*slices.COLUMNS)))
        old.delete()
        ProjectedCase.objects.filter(case_id__in=chunk).delete()
        current = _answers_by_case(
            Consent.objects.filter(case_id__in=chunk, item=ConsentItem.RESEARCH).values_list(
                "case_id", "person_id", "item", "given", "recorded_at", "withdrawn_at"
            )
        )
        victims = Participant.objects.filter(
            case_id__in=chunk, role=ParticipantRole.VICTIM
        ).values_list(*FIELDS)
        records = []
        for row in victims:
            victim = Victim(*row)
            answer = current.get(victim.case_id, {}).get((victim.person_id, ConsentItem.RESEARCH))
            records.append(record_for(victim, source, answer is False))
        write_records(records)
        delta.update(slices.contributions(LAYOUT, map(_slice_row, records)))
        ProjectedCase.objects.bulk_create(
            ProjectedCase(case_id=pk, updated=updated)
            for pk, updated in Case.objects.filter(pk__in=chunk).values_list("pk", "updated")
        )
    slices.adjust(source, delta)
    tallies.adjust(source, slices.as_tallies(delta))


def _answers_by_case(answers) -> dict:
    grouped = {}
    for case_id, *answer in answers:
        grouped.setdefault(case_id, []).append(Answer(*answer))
    return {case_id: current_answers(rows) for case_id, rows in grouped.items()}


def _project_all(source: Source) -> None:
    """Every case again, in one pass: the victims and the research answers, both in case order."""
    Record.objects.filter(source=source).delete()
    ProjectedCase.objects.all().delete()
    answers = (
        Consent.objects.filter(item=ConsentItem.RESEARCH)
        .order_by("case_id", "recorded_at")
        .values_list("case_id", "person_id", "item", "given", "recorded_at", "withdrawn_at")
        .iterator(chunk_size=10_000)
    )
    victims = (
        Participant.objects.filter(role=ParticipantRole.VICTIM)
        .order_by("case_id")
        .values_list(*FIELDS)
        .iterator(chunk_size=10_000)
    )
    pending = next(answers, None)
    records, sliced = [], Counter()
    current_case, current = None, {}
    for row in victims:
        victim = Victim(*row)
        if victim.case_id != current_case:
            current_case, rows = victim.case_id, []
            while pending is not None and str(pending[0]) < str(current_case):
                pending = next(answers, None)
            while pending is not None and pending[0] == current_case:
                rows.append(pending)
                pending = next(answers, None)
            current = _answers_by_case(rows).get(current_case, {})
        answer = current.get((victim.person_id, ConsentItem.RESEARCH))
        records.append(record_for(victim, source, answer is False))
        if len(records) >= CHUNK * 5:
            write_records(records)
            sliced += slices.contributions(LAYOUT, map(_slice_row, records))
            records = []
    write_records(records)
    sliced += slices.contributions(LAYOUT, map(_slice_row, records))
    slices.replace(source, sliced)
    tallies.replace(source, LAYOUT, slices.as_tallies(sliced))
    table, cases = ProjectedCase._meta.db_table, Case._meta.db_table
    with connection.cursor() as cursor:
        # Names from the models' metadata, no values: one statement instead of a row each.
        cursor.execute(f"INSERT INTO {table} (case_id, updated) SELECT id, updated FROM {cases}")  # noqa: S608


def _changed_since(before: dict, now: dict) -> set:
    changed = set()
    if before["last"]:
        since = Case.updated.field.to_python(before["last"]) - MARGIN
        changed |= set(Case.objects.filter(updated__gte=since).values_list("pk", flat=True))
    research = Consent.objects.filter(item=ConsentItem.RESEARCH)
    marks = [before[key] for key in ("consent_recorded", "consent_withdrawn") if before[key]]
    if marks:
        since = Case.updated.field.to_python(max(marks)) - MARGIN
        answered = research.filter(Q(recorded_at__gte=since) | Q(withdrawn_at__gte=since))
        changed |= set(answered.values_list("case_id", flat=True))
    elif now["consent_recorded"]:  # the first research answers of all
        changed |= set(research.values_list("case_id", flat=True))
    return changed


def refresh_cases(force: bool = False) -> Source:
    """The `cases` source, its records rebuilt first for whatever changed since last time.

    It reads the primary database: a replica's lag would make it build from stale rows."""
    with primary_reads():
        return _refresh_cases(force)


def _refresh_cases(force: bool) -> Source:
    source, _created = Source.objects.get_or_create(name=CASES, defaults={"format": Format.CASES})
    now = fingerprint()
    if now == source.fingerprint and not force:
        return source
    with transaction.atomic():
        source = Source.objects.select_for_update().get(pk=source.pk)
        if now == source.fingerprint and not force:
            return source  # another process has just done it
        before = json.loads(source.fingerprint) if source.fingerprint else None
        if before is None or force or not source.sliced:
            _project_all(source)
        else:
            orphans = Record.objects.filter(source=source, case__isnull=True)
            gone = slices.contributions(LAYOUT, orphans.values_list(*slices.COLUMNS))
            if gone:
                gone = Counter({key: -n for key, n in gone.items()})
                slices.adjust(source, gone)
                tallies.adjust(source, slices.as_tallies(gone))
                orphans.delete()
            _project(source, sorted(_changed_since(before, json.loads(now))))
            if ProjectedCase.objects.count() != json.loads(now)["n"]:
                same = ProjectedCase.objects.filter(
                    case=OuterRef("pk"), updated=OuterRef("updated")
                )
                _project(
                    source, list(Case.objects.exclude(Exists(same)).values_list("pk", flat=True))
                )
        source.fingerprint = now
        source.version += 1
        rows = tallies.total(source, published=False)
        source.rows_read = source.rows_loaded = rows
        source.save()
    return source
