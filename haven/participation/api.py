"""Commitments in the JSON API: instruments, commitments and validated progress for anyone;
submitting progress (commitment.report) and validating it (commitment.validate) with a token."""

import io
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError, ValidationError

from haven.accounts.api import TokenAuth
from haven.lib.spreadsheets import SafeWriter
from haven.participation import services, spreadsheets
from haven.participation.models import Commitment, Instrument

router = Router(tags=["commitments"])


def public_reader(request):
    """Lets a request without an Authorization header through as the public."""
    return None if "HTTP_AUTHORIZATION" in request.META else "public"


READERS = [TokenAuth(), public_reader]


def _user(request):
    return None if request.auth == "public" else request.auth


def _invalid(error: services.InvalidProgress):
    raise ValidationError([{"loc": ("body", "payload", f), "msg": m} for f, m in error.errors])


def _instrument(instrument: Instrument) -> dict:
    return {
        "slug": instrument.slug,
        "name": {"en": instrument.name_en, "vi": instrument.name_vi},
        "summary": {"en": instrument.summary_en, "vi": instrument.summary_vi},
        "adopted": instrument.adopted,
        "sources": instrument.sources,
    }


def _indicator(indicator) -> dict:
    return {
        "code": indicator.code,
        "name": {"en": indicator.name_en, "vi": indicator.name_vi},
        "unit": {"en": indicator.unit_en, "vi": indicator.unit_vi},
        "baseline": None if indicator.baseline is None else float(indicator.baseline),
        "target": None if indicator.target is None else float(indicator.target),
    }


def _commitment(commitment) -> dict:
    recommendation = commitment.recommendation
    return {
        "code": commitment.code,
        "instrument": commitment.instrument.slug,
        "reference": commitment.reference,
        "area": commitment.area,
        "title": {"en": commitment.title_en, "vi": commitment.title_vi},
        "summary": {"en": commitment.summary_en, "vi": commitment.summary_vi},
        "responsible_body": commitment.responsible_body,
        "lead_organisation": getattr(commitment.lead_organisation, "name", None),
        "verified": commitment.verified,
        "country": commitment.country or None,
        "recommendation": recommendation.code if recommendation else None,
        "indicators": [_indicator(i) for i in commitment.indicators.all()],
        "latest_status": commitment.latest_status,
        "latest_period": commitment.latest_period,
    }


def _report(report) -> dict:
    return {
        "id": report.pk,
        "commitment": report.commitment.code,
        "period": report.period,
        "status": report.status,
        "text": report.text,
        "narrative": report.text,
        "indicators": report.indicators,
        "evidence": report.evidence,
        "organisation": report.organisation.name,
        "submitted_at": report.submitted_at,
        "validation": report.validation,
        "validated_at": report.validated_at,
        "reason": report.reason,
    }


@router.get("/instruments", auth=READERS, summary="The instruments whose commitments are tracked")
def instruments(request):
    items = [_instrument(i) for i in Instrument.objects.all()]
    return {"items": items, "count": len(items)}


class CommitmentFilters(Schema):
    instrument: str | None = None
    country: str | None = None
    area: str | None = None
    status: str | None = None


@router.get("/commitments", auth=READERS, summary="Commitments, with their latest validated status")
def commitments(request, filters: Query[CommitmentFilters]):
    found = services.with_latest_status(
        Commitment.objects.select_related(
            "instrument", "lead_organisation", "recommendation"
        ).prefetch_related("indicators")
    )
    if filters.instrument:
        found = found.filter(instrument__slug=filters.instrument)
    if filters.country:
        found = found.filter(country=filters.country.upper())
    if filters.area:
        found = found.filter(area=filters.area)
    if filters.status:
        found = found.filter(latest_status=filters.status)
    items = [_commitment(c) for c in found]
    return {"items": items, "count": len(items)}


@router.get("/progress", auth=READERS, summary="Progress reports you may see (validated for all)")
def progress(request, commitment: str | None = None, validation: str | None = None):
    reports = services.reports_visible_to(_user(request))
    if commitment:
        reports = reports.filter(commitment__code=commitment)
    if validation:
        reports = reports.filter(validation=validation)
    items = [_report(r) for r in reports]
    return {"items": items, "count": len(items)}


CSV_COLUMNS = ["instrument", "commitment", "reference", "period", "status", "organisation",
               "text", "evidence", "validated_at", "indicators"]  # fmt: skip


@router.get("/progress.csv", auth=READERS, summary="Validated progress reports as CSV")
def progress_csv(request):
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(CSV_COLUMNS)
    for r in services.reports_visible_to(None):
        writer.writerow(
            [r.commitment.instrument.slug, r.commitment.code, r.commitment.reference, r.period,
             r.status, r.organisation.name, r.text, r.evidence, r.validated_at.isoformat(),
             spreadsheets.format_values(r.indicators)]
        )  # fmt: skip
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="progress.csv"'
    return response


def _csv(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/commitments.csv", auth=READERS, summary="Commitments and indicators as CSV")
def commitments_csv(request):
    return _csv(spreadsheets.export_commitments(Commitment.objects.all()), "commitments.csv")


CSV_FILE = {"type": "string", "format": "binary"}
CSV_BODY = {  # read by hand in `_import`: the CSV as the body, or as the form's `file`
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {"type": "object", "properties": {"file": CSV_FILE}, "required": ["file"]}
        },
        "text/csv": {"schema": CSV_FILE},
    },
}


def _import(request, importer):
    if (request.content_type or "").startswith("multipart/form-data"):
        upload = request.FILES.get("file")
        if upload is None:
            raise HttpError(422, _("Send the file in a multipart field named “file”."))
        data = upload.read()
    else:
        data = request.body
    try:
        count = importer(request.auth, data)
    except spreadsheets.ImportErrors as problems:
        raise ValidationError(
            [
                {"loc": ("body", "csv", "rows", row, column), "msg": message}
                for row, column, message in problems.errors
            ]
        ) from None
    return Status(201, {"imported": count})


@router.post(
    "/commitments/import",
    response={201: dict},
    openapi_extra={"requestBody": CSV_BODY},
    summary="Import commitments from CSV (all or none)",
)
def import_commitments(request):
    return _import(request, spreadsheets.import_commitments)


@router.post(
    "/progress/import",
    response={201: dict},
    openapi_extra={"requestBody": CSV_BODY},
    summary="Import progress reports from CSV (all or none)",
)
def import_progress(request):
    return _import(request, spreadsheets.import_progress)


class ProgressIn(Schema):
    commitment: str
    period: str
    status: str
    text: str
    evidence: str = ""
    indicators: dict[str, Any] | None = None


@router.post("/progress", response={201: dict}, summary="Submit a progress report")
def submit(request, payload: ProgressIn):
    commitment = get_object_or_404(Commitment, code=payload.commitment)
    try:
        report = services.submit_progress(
            request.auth,
            commitment,
            period=payload.period,
            status=payload.status,
            text=payload.text,
            evidence=payload.evidence,
            indicators=payload.indicators,
        )
    except services.InvalidProgress as error:
        _invalid(error)
    return Status(201, _report(report))


@router.get(
    "/commitments/{code}/progress", auth=READERS, summary="A commitment's progress you may see"
)
def commitment_progress(request, code: str):
    commitment = get_object_or_404(Commitment, code=code)
    items = [
        _report(r)
        for r in services.reports_visible_to(_user(request)).filter(commitment=commitment)
    ]
    return {"items": items, "count": len(items)}


class CommitmentProgressIn(Schema):
    period: str
    status: str
    narrative: str
    indicators: dict[str, Any] | None = None
    evidence: str = ""


@router.post(
    "/commitments/{code}/progress", response={201: dict}, summary="Submit a progress report"
)
def submit_commitment_progress(request, code: str, payload: CommitmentProgressIn):
    commitment = get_object_or_404(Commitment, code=code)
    try:
        report = services.submit_progress(
            request.auth,
            commitment,
            period=payload.period,
            status=payload.status,
            text=payload.narrative,
            evidence=payload.evidence,
            indicators=payload.indicators,
        )
    except services.InvalidProgress as error:
        errors = [("narrative" if f == "text" else f, m) for f, m in error.errors]
        _invalid(services.InvalidProgress(errors))
    return Status(201, _report(report))


class ValidationIn(Schema):
    decision: str
    reason: str


@router.post("/progress/{report_id}/validate", summary="Validate a report or send it back")
def validate(request, report_id: int, payload: ValidationIn):
    report = services.access_report(request.auth, report_id)
    try:
        services.validate_progress(
            request.auth, report, decision=payload.decision, reason=payload.reason
        )
    except services.InvalidProgress as error:
        _invalid(error)
    return _report(report)
