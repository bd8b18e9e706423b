"""Reading CTDC's published data sets: which one a file is, what its values mean, loading it.

Three formats (CTDC-NOTES.md §3): the victim-perpetrator synthetic file (16 columns), the global
synthetic data set (27 columns, ISO-3 countries, flags `1` or empty; v2025 renames
`typeOf*` to `sectorOf*`; older files have k-anon style `meansOfControl*` columns), and the
k-anonymised global data set (63 columns behind a terms-of-use banner column, ISO-2 countries,
flags `1`/`0`, missing as `-99` up to 2020 and empty or NULL after). Either `,` or `;`.
"""

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from haven.audit.services import record_event
from haven.stats import tallies
from haven.stats.models import CASES, SLOTS, Format, Source, write_records
from haven.stats.variables import COUNTRY, LAYOUTS, YEAR, YEAR_BAND, Layout

MISSING = {"", "-99", "null", "na", "n/a", "unknown"}
UNKNOWN_COUNTRIES = {"00", "ZZ", "ZZZ"}
YES = {"1", "1.0", "true", "yes"}
NO = {"0", "0.0", "false", "no"}
BATCH = 5000

# Other names the same column has had (v2025 synthetic, the codebook's spelling).
ALIASES = {"meansWithholdDocuments": "meansWithholdDocs"}
RENAMED_PREFIXES = {"sectorOfLabour": "typeOfLabour", "sectorOfSex": "typeOfSex"}
# Older synthetic files kept the 18 k-anon flags; the current ones merge them into 8.
MERGED_MEANS = {
    "meansDebtBondageEarnings": ["DebtBondage", "TakesEarnings"],
    "meansThreats": ["Threats", "UsesChildren", "ThreatOfLawEnforcement"],
    "meansAbusePsyPhySex": ["PsychologicalAbuse", "PhysicalAbuse", "SexualAbuse"],
    "meansFalsePromises": ["FalsePromises"],
    "meansDrugsAlcohol": ["PsychoactiveSubstances"],
    "meansDenyBasicNeeds": [
        "RestrictsFinancialAccess",
        "RestrictsMovement",
        "RestrictsMedicalCare",
        "WithholdsNecessities",
    ],
    "meansExcessiveWorkHours": ["ExcessiveWorkingHours"],
    "meansWithholdDocs": ["WithholdsDocuments"],
}
# Columns a release may lack (isSlaveryAndPractices came in 2020): read as all missing.
OPTIONAL = {"isSlaveryAndPractices"}


class CTDCError(ValueError):
    """The file cannot be loaded at all; the message says why."""


class Refused(ValueError):
    """One row cannot be loaded; the message is the reason, counted in the import report."""


@dataclass
class ImportResult:
    source: Source
    format: str
    delimiter: str
    rows_read: int = 0
    rows_loaded: int = 0
    refusals: Counter = field(default_factory=Counter)

    @property
    def rows_refused(self) -> int:
        return sum(self.refusals.values())


def canonical(name: str) -> str:
    name = ALIASES.get(name, name)
    for old, new in RENAMED_PREFIXES.items():
        if name.startswith(old):
            return new + name[len(old) :]
    return name


def detect_format(header: list[str]) -> str:
    names = set(header)
    if {"yearRegister", "IP_Exploiter"} <= names:
        return Format.VICTIM_PERPETRATOR
    if {"yearOfRegistration", "Datasource"} <= names:
        return Format.KANON
    if "yearOfRegistration" in names and "isForcedLabour" in names:
        return Format.SYNTHETIC
    raise CTDCError(
        _(
            "This is not a CTDC data set Haven knows: expected the columns of the "
            "victim-perpetrator, global synthetic or k-anonymised global data set."
        )
    )


def _column_sources(layout: Layout, header: list[str]) -> dict[str, list[int]]:
    """For each variable, the file columns it is read from (several are OR-ed together)."""
    where = {name: index for index, name in enumerate(header)}
    sources, missing = {}, []
    for variable in layout.categories + layout.flags:
        name = variable.name
        if name in where:
            sources[name] = [where[name]]
        elif name in MERGED_MEANS and any(
            f"meansOfControl{m}" in where for m in MERGED_MEANS[name]
        ):
            sources[name] = [
                where[f"meansOfControl{m}"]
                for m in MERGED_MEANS[name]
                if f"meansOfControl{m}" in where
            ]
        elif name in OPTIONAL:
            sources[name] = []
        else:
            missing.append(name)
    if missing:
        raise CTDCError(_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)})
    return sources


def _normal(text: str) -> str:
    """Age bands: `18-20` and `18\u201320` (the codebook's dash) are CTDC's `18--20`."""
    return re.sub(r"^(\d+)\s*[-\u2013\u2014]+\s*", r"\1--", text)


def parse_category(variable, raw: str) -> str | None:
    value = raw.strip()
    if value.lower() in MISSING:
        return None
    check = variable.check
    if check == YEAR:
        match = re.fullmatch(r"(\d{4})(\.0+)?", value)
        if not match or not 1900 <= int(match[1]) <= 2100:
            raise Refused(f"{variable.name}: not a year")
        return match[1]
    if check == YEAR_BAND:
        if not re.fullmatch(r"\d{4}(-\d{4})?", value):
            raise Refused(f"{variable.name}: not a year or a range of years")
        return value
    if check == COUNTRY:
        code = value.upper()
        if code in UNKNOWN_COUNTRIES:
            return None
        alpha2 = countries.alpha2(code) if len(code) in (2, 3) else ""
        if not alpha2:
            raise Refused(f"{variable.name}: unknown country code")
        return alpha2
    accepted = {item.lower(): item for item in check}
    parts = value.split(";") if variable.multiple else [value]
    known = []
    for part in parts:
        item = accepted.get(_normal(part.strip()).lower())
        if item is None:
            raise Refused(f"{variable.name}: unexpected value")
        known.append(item)
    return ";".join(sorted(set(known)))


def parse_flag(variable, raw: str) -> bool | None:
    value = raw.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    if value in MISSING:
        return None
    raise Refused(f"{variable.name}: expected 1, 0 or empty")


def parse_row(layout: Layout, sources: dict, row: list[str]) -> tuple:
    """The record's values in `models.COLUMNS` order, less the source and case columns."""
    slots = dict.fromkeys(SLOTS)
    for variable in layout.categories:
        slots[variable.slot] = parse_category(variable, row[sources[variable.name][0]])
    flags = known = 0
    for variable in layout.flags:
        answers = [parse_flag(variable, row[index]) for index in sources[variable.name]]
        if any(answer is not None for answer in answers):
            known |= 1 << variable.bit
        if any(answers):
            flags |= 1 << variable.bit
    return (*slots.values(), flags, known)


def _not_utf8() -> CTDCError:
    return CTDCError(_("The file is not UTF-8 text: save it as a UTF-8 CSV."))


def _rows(handle, delimiter: str):
    """The rows after the header; a bad byte past the first read refuses the whole file."""
    try:
        yield from csv.reader(handle, delimiter=delimiter)
    except UnicodeDecodeError:
        raise _not_utf8() from None


def _open_rows(path: Path):
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
        first = handle.readline()
    except UnicodeDecodeError:
        raise _not_utf8() from None
    except OSError as error:
        raise CTDCError(_("The file cannot be read: %(error)s") % {"error": error}) from None
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = [cell.strip() for cell in next(csv.reader([first], delimiter=delimiter))]
    # The k-anonymised downloads start with a column whose header is the terms-of-use banner.
    banner = bool(header) and (not header[0] or "terms of use" in header[0].lower())
    return handle, delimiter, header, banner


def set_published(source: Source, published: bool, *, actor=None, via: str) -> bool:
    """Publish an imported source to the public, or withdraw it; audited. False: no change."""
    if source.name == CASES or source.published == published:
        return False
    with transaction.atomic():
        source.published = published
        source.save(update_fields=["published"])
        record_event(
            "stats.source_published" if published else "stats.source_withdrawn",
            actor=actor,
            obj=source,
            summary={"source": source.name, "version": source.version, "via": via},
        )
    return True


def import_file(path, name: str, *, replace: bool = False, publish: bool = False) -> ImportResult:
    """Load a CTDC file as the named source; rows that break the format are counted, not loaded.

    A replaced source is published again only when `publish` says so."""
    path = Path(path)
    if name == CASES:
        raise CTDCError(_("The name 'cases' is kept for Haven's own cases."))
    handle, delimiter, header, banner = _open_rows(path)
    with handle:
        if banner:
            header = header[1:]
        header = [canonical(column) for column in header]
        format = detect_format(header)
        layout = LAYOUTS[format]
        sources = _column_sources(layout, header)
        with transaction.atomic():
            existing = Source.objects.select_for_update().filter(name=name).first()
            if existing and not replace:
                raise CTDCError(
                    _("A source named %(name)s exists: add --replace.") % {"name": name}
                )
            version = existing.version + 1 if existing else 1
            if existing:
                existing.delete()
            source = Source.objects.create(
                name=name, format=format, file_name=path.name[:200], version=version
            )
            result = ImportResult(source, format, delimiter)
            batch, tally = [], Counter()
            for row in _rows(handle, delimiter):
                if not any(cell.strip() for cell in row):
                    continue
                result.rows_read += 1
                if banner:
                    row = row[1:]
                if len(row) != len(header):
                    result.refusals["wrong number of columns"] += 1
                    continue
                try:
                    record = parse_row(layout, sources, row)
                except Refused as reason:
                    result.refusals[str(reason)] += 1
                    continue
                batch.append((source.pk, *record, None, None, None, False))
                if len(batch) >= BATCH:
                    write_records(batch)
                    tally += tallies.contributions(layout, ((False, *row[1:15]) for row in batch))
                    batch = []
            write_records(batch)
            tally += tallies.contributions(layout, ((False, *row[1:15]) for row in batch))
            tallies.replace(source, layout, tally)
            result.rows_loaded = result.rows_read - result.rows_refused
            source.rows_read, source.rows_loaded = result.rows_read, result.rows_loaded
            source.rows_refused = result.rows_refused
            source.refusals = dict(result.refusals.most_common())
            source.loaded_at = timezone.now()
            source.save()
            if publish:
                set_published(source, True, via="import")
    return result
