"""Commitments and progress reports as CSV, for the people who work in spreadsheets.

Exports go through `haven.lib.spreadsheets.SafeWriter` (a cell a spreadsheet would run is written
as text); imports `unguard` every cell, so an export read back gives the same values. An import
checks every row first and writes nothing if any row is wrong; each error names the row (as the
spreadsheet numbers it, the header being row 1) and the column, in the reader's language."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from haven.accounts.access import has_capability
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.lib.spreadsheets import SafeWriter, unguard
from haven.lib.vocabulary import ASEAN
from haven.participation import services
from haven.participation.models import Area, Commitment, Indicator, Instrument

MAX_BYTES = 2_000_000
MAX_ROWS = 5000
COMMITMENT_COLUMNS = [
    "instrument", "code", "reference", "area", "country", "title_en", "title_vi", "summary_en",
    "summary_vi", "responsible_body", "indicator", "indicator_name_en", "indicator_name_vi",
    "unit_en", "unit_vi", "baseline", "target",
]  # fmt: skip
PROGRESS_COLUMNS = ["commitment", "period", "status", "narrative", "evidence", "indicators"]


@dataclass
class ImportErrors(Exception):
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append((row, column, message))

    def messages(self) -> list[str]:
        return [
            _("Row %(row)s, column “%(column)s”: %(message)s")
            % {"row": row, "column": column, "message": message}
            for row, column, message in self.errors
        ]


def _number(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


def export_commitments(commitments) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(COMMITMENT_COLUMNS)
    for c in commitments.select_related("instrument").prefetch_related("indicators"):
        common = [c.instrument.slug, c.code, c.reference, c.area, c.country, c.title_en,
                  c.title_vi, c.summary_en, c.summary_vi, c.responsible_body]  # fmt: skip
        indicators = list(c.indicators.all())
        if not indicators:
            writer.writerow(common + [""] * 7)
        for i in indicators:
            writer.writerow([*common, i.code, i.name_en, i.name_vi, i.unit_en, i.unit_vi,
                             _number(i.baseline), _number(i.target)])  # fmt: skip
    return out.getvalue()


def format_values(values: dict) -> str:
    return "; ".join(f"{code}={value}" for code, value in (values or {}).items())


def export_progress(reports) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow([*PROGRESS_COLUMNS, "organisation", "validation", "validated_at"])
    for r in reports.select_related("commitment", "organisation"):
        writer.writerow([r.commitment.code, r.period, r.status, r.text, r.evidence,
                         format_values(r.indicators), r.organisation.name, r.validation,
                         r.validated_at.isoformat() if r.validated_at else ""])  # fmt: skip
    return out.getvalue()


def _rows(data: bytes, required: list[str]):
    """(row number, {column: unguarded text}) for each row; the header is row 1."""
    problems = ImportErrors()
    if len(data) > MAX_BYTES:
        problems.add(1, "-", _("the file is larger than 2 MB"))
        raise problems
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add(1, "-", _("the file is not UTF-8 text: save it as “CSV UTF-8”"))
        raise problems from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in required if c not in header]
    for column in missing:
        problems.add(1, column, _("this column is missing"))
    if missing:
        raise problems
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            problems.add(number, "-", _("at most %s rows at once") % MAX_ROWS)
            raise problems
        cells = cells + [""] * (len(header) - len(cells))
        rows.append((number, {h: unguard(c).strip() for h, c in zip(header, cells, strict=False)}))
    if not rows:
        problems.add(2, "-", _("the file has no rows"))
        raise problems
    return rows


def parse_values(text: str) -> tuple[dict | None, str]:
    values = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        code, sign, value = part.partition("=")
        if not sign or not code.strip():
            return None, part
        values[code.strip()] = value.strip()
    return values, ""


def import_progress(user, data: bytes) -> int:
    """Progress reports, one a row, submitted as `user`; all or nothing."""
    if not has_capability(user, Capability.COMMITMENT_REPORT):
        raise PermissionDenied
    problems = ImportErrors()
    rows = _rows(data, PROGRESS_COLUMNS[:4])
    codes = {row["commitment"] for _number_, row in rows}
    commitments = {c.code: c for c in Commitment.objects.filter(code__in=codes)}
    checked = []
    for number, row in rows:
        commitment = commitments.get(row["commitment"])
        if commitment is None:
            problems.add(number, "commitment", _("no commitment has this code"))
            continue
        if commitment.lead_organisation_id not in (None, user.organisation_id):
            problems.add(number, "commitment", _("another organisation reports on this commitment"))
            continue
        errors = services.check_progress(
            row["period"], row["status"], row["narrative"], row.get("evidence", "")
        )
        values, bad = parse_values(row.get("indicators", ""))
        if values is None:
            message = _("write each value as code=number, separated by “;” (%s)") % bad
            errors.append(("indicators", message))
        else:
            values, more = services.check_indicators(commitment, values)
            errors += more
        for column, message in errors:
            column, _dot, indicator = column.partition(".")
            column = "narrative" if column == "text" else column
            problems.add(number, column, f"{indicator}: {message}" if indicator else message)
        checked.append((commitment, row, values))
    if problems.errors:
        raise problems
    with transaction.atomic():
        for commitment, row, values in checked:
            services.submit_progress(
                user, commitment, period=row["period"], status=row["status"],
                text=row["narrative"], evidence=row.get("evidence", ""), indicators=values,
            )  # fmt: skip
    return len(checked)


def _decimal(text: str):
    return services._number(text) if text else None


def _check_commitment(number, row, instruments, problems) -> None:
    if row["instrument"] not in instruments:
        problems.add(number, "instrument", _("no instrument has this code"))
    if not row["code"] or len(row["code"]) > 60 or not row["code"].replace("-", "").isalnum():
        problems.add(number, "code", _("letters, digits and hyphens only, at most 60"))
    for column in ("reference", "title_en", "responsible_body"):
        if not row.get(column):
            problems.add(number, column, _("is required"))
    if row.get("area") and row["area"] not in Area.values:
        problems.add(number, "area", _("must be one of: %s") % ", ".join(Area.values))
    if row.get("country") and row["country"].upper() not in ASEAN:
        problems.add(number, "country", _("must be one of: %s") % ", ".join(ASEAN))
    for column, limit in (("reference", 60), ("title_en", 200), ("title_vi", 200),
                          ("responsible_body", 200)):  # fmt: skip
        if len(row.get(column, "")) > limit:
            problems.add(number, column, _("must have at most %s characters") % limit)
    if row.get("indicator"):
        if len(row["indicator"]) > 40 or not row["indicator"].replace("-", "").isalnum():
            problems.add(number, "indicator", _("letters, digits and hyphens only, at most 40"))
        for column in ("indicator_name_en", "unit_en"):
            if not row.get(column):
                problems.add(number, column, _("is required"))
        for column in ("baseline", "target"):
            if row.get(column) and _decimal(row[column]) is None:
                problems.add(number, column, _("must be a number"))


def import_commitments(user, data: bytes) -> int:
    """Commitments and their indicators, one indicator a row (a commitment's columns repeated);
    a commitment already on Haven is updated, its lead organisation kept. All or nothing."""
    if not has_capability(user, Capability.COMMITMENT_VALIDATE):
        raise PermissionDenied
    problems = ImportErrors()
    rows = _rows(data, COMMITMENT_COLUMNS[:10])
    instruments = {i.slug: i for i in Instrument.objects.all()}
    first = {}
    for number, row in rows:
        _check_commitment(number, row, instruments, problems)
        seen = first.setdefault(row["code"], row)
        if seen["instrument"] != row["instrument"]:
            problems.add(number, "instrument", _("differs from an earlier row of this commitment"))
    if problems.errors:
        raise problems
    with transaction.atomic():
        done = {}
        for row in (row for _n, row in rows):
            code = row["code"]
            if code not in done:
                done[code], _created = Commitment.objects.update_or_create(
                    code=code,
                    defaults={
                        "instrument": instruments[row["instrument"]],
                        "reference": row["reference"], "area": row.get("area", ""),
                        "country": row.get("country", "").upper(),
                        "title_en": row["title_en"], "title_vi": row.get("title_vi", ""),
                        "summary_en": row.get("summary_en", ""),
                        "summary_vi": row.get("summary_vi", ""),
                        "responsible_body": row["responsible_body"],
                    },
                )  # fmt: skip
            if row.get("indicator"):
                Indicator.objects.update_or_create(
                    commitment=done[code],
                    code=row["indicator"][:40],
                    defaults={
                        "name_en": row["indicator_name_en"][:200],
                        "name_vi": row.get("indicator_name_vi", "")[:200],
                        "unit_en": row["unit_en"][:60], "unit_vi": row.get("unit_vi", "")[:60],
                        "baseline": _decimal(row.get("baseline", "")),
                        "target": _decimal(row.get("target", "")),
                    },
                )  # fmt: skip
        record_event(
            "commitment.imported",
            actor=user,
            organisation=user.organisation,
            summary={"commitments": len(done)},
        )
    return len(done)
