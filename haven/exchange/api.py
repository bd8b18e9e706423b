"""HTCDS exchange through the JSON API: export your organisation's cases, import a file.

Mounted in `haven/api.py` before the cases router, whose `/cases/{case_id}` would otherwise
take `/cases/export` and `/cases/import` for a case id.
"""

from typing import Literal

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from haven.accounts.access import require_capability
from haven.accounts.roles import Capability
from haven.exchange.export import cases_for_export, export_csv, export_json, record_export
from haven.exchange.importer import import_bytes

router = Router(tags=["case exchange"])

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


class ProblemOut(Schema):
    row: int | None = Field(description="The file's row (CSV: the header is row 1); null: the file")
    field: str
    message: str


class ImportOut(Schema):
    format: str
    dry_run: bool
    written: bool
    rows: int
    invalid_rows: int
    cases: int
    people: int
    events: int
    services: int
    consents: int
    references: dict[str, str]
    errors: list[ProblemOut]


class ImportErrorOut(Schema):
    detail: str
    errors: list[ProblemOut]


def _member(request, capability: Capability):
    user = request.auth
    require_capability(user, capability)
    if user.organisation_id is None:
        raise PermissionDenied
    return user


@router.get(
    "/cases/export",
    summary="Your organisation's cases as HTCDS CSV (38 CORE columns; more with extended) "
    "or JSON, streamed as a download (audited)",
)
def export_cases(request, format: Literal["csv", "json"] = "csv", extended: bool = False):
    user = _member(request, Capability.CASE_READ)
    cases = cases_for_export(user.organisation)
    record_export(
        actor=user,
        organisation=user.organisation,
        format=format,
        extended=extended and format == "csv",
        count=cases.count(),
        via="api",
    )
    pieces = export_csv(cases, extended=extended) if format == "csv" else export_json(cases)
    response = StreamingHttpResponse(pieces, content_type=CONTENT_TYPES[format])
    filename = f"haven-cases-{timezone.localdate():%Y-%m-%d}.{format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


def _upload(request) -> tuple[bytes, str]:
    """The file: a multipart field `file`, or the whole body (CSV or JSON)."""
    try:
        if (request.content_type or "").startswith("multipart/form-data"):
            upload = request.FILES.get("file")
            if upload is None:
                raise HttpError(422, _("Send the file in a multipart field named “file”."))
            if getattr(upload, "too_large", False):
                raise RequestDataTooBig
            return upload.read(), upload.name or ""
        content = request.body
    except RequestDataTooBig:
        raise HttpError(
            413,
            _("The file is too large for the API; import it with the command haven import_htcds."),
        ) from None
    if not content.strip():
        raise HttpError(422, _("Send a CSV or JSON file."))
    names = {"application/json": "upload.json", "text/csv": "upload.csv"}
    return content, names.get(request.content_type or "", "")


FILE = {"type": "string", "format": "binary"}
IMPORT_BODY = {  # read by hand in `_upload`, so the document says it here
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {"type": "object", "properties": {"file": FILE}, "required": ["file"]}
        },
        "text/csv": {"schema": FILE},
        "application/json": {"schema": FILE},
    },
}


@router.post(
    "/cases/import",
    response={200: ImportOut, 422: ImportErrorOut},
    openapi_extra={"requestBody": IMPORT_BODY},
    summary="Import HTCDS CSV or JSON into your organisation: all or nothing, unless "
    "skip_invalid; dry_run checks without writing",
)
def import_cases(request, dry_run: bool = False, skip_invalid: bool = False):
    user = _member(request, Capability.CASE_WRITE)
    content, filename = _upload(request)
    result = import_bytes(
        content,
        filename=filename,
        organisation=user.organisation,
        actor=user,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )
    errors = [problem.as_dict() for problem in result.problems]
    if result.blocked:
        detail = (
            _("The file has errors: nothing would be imported.")
            if dry_run
            else _("The file has errors: nothing was imported.")
        )
        return Status(422, {"detail": detail, "errors": errors})
    return {
        "format": result.format,
        "dry_run": result.dry_run,
        "written": result.written,
        **result.counts(),
        "references": result.references,
        "errors": errors,
    }
