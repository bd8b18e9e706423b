"""Reports in the JSON API: anonymous submission and follow-up, and triage for staff."""

import json
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import ValidationError
from pydantic import Field
from pydantic import ValidationError as PydanticError

from haven.accounts.access import require_capability
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.lib.ratelimit import RateLimited, begin_attempt, forgive, hit
from haven.lib.schemas import form_data, invalid, schema_from_form, validated_form
from haven.reports import services
from haven.reports.access import access_report, reports_visible_to
from haven.reports.forms import (
    ReportApiForm,
    ReporterMessageForm,
    StaffMessageForm,
    StatusForm,
)
from haven.reports.models import Status as ReportStatus
from haven.reports.receipts import RECEIPT_LIMITS, RECEIPT_SCOPE, BadReceipt, normalize_receipt
from haven.reports.uploads import AttachmentError, clean_attachments

public = Router(tags=["anonymous reports"], auth=None)
staff = Router(tags=["triage"])


ReportIn = schema_from_form(ReportApiForm, name="ReportIn")
FILES = {
    "type": "array",
    "items": {"type": "string", "format": "binary"},
    "description": "Photos, documents or recordings (multipart only)",
}


def _report_body() -> dict:
    """The body in the document: the form's fields as JSON, or as multipart with files."""
    schema = ReportIn.json_schema()
    multipart = {**schema, "properties": {**schema["properties"], "files": FILES}}
    return {
        "required": True,
        "content": {
            "application/json": {"schema": schema},
            "multipart/form-data": {"schema": multipart},
        },
    }


def _invalid(errors: list[tuple[str, str]]) -> ValidationError:
    return ValidationError(
        [{"loc": ("body", "report", field), "msg": msg} for field, msg in errors]
    )


def _payload(request) -> tuple[dict, list]:
    """The fields (types checked for JSON) and the uploaded files."""
    if (request.content_type or "").startswith("multipart/form-data"):
        return request.POST, request.FILES.getlist("files")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError([{"loc": ("body",), "msg": _("is not valid JSON")}]) from None
    if not isinstance(data, dict):
        raise ValidationError([{"loc": ("body",), "msg": _("must be a JSON object")}])
    if isinstance(data.get("country"), str):
        data["country"] = data["country"].upper()
    try:
        return form_data(ReportIn.model_validate(data)), []
    except PydanticError as error:
        raise ValidationError(
            [{**problem, "loc": ("body", "report", *problem["loc"])} for problem in error.errors()]
        ) from None


def _clean_files(uploads) -> list:
    try:
        return clean_attachments(uploads)
    except AttachmentError as error:
        location = ("body", "report", "files", *([error.number] if error.number else []))
        raise ValidationError([{"loc": location, "msg": str(error)}]) from None


class ReceiptOut(Schema):
    receipt: str


@public.post(
    "/reports",
    response={201: ReceiptOut},
    summary="File an anonymous report (JSON or multipart)",
    openapi_extra={"requestBody": _report_body()},
)
def submit(request):
    verdict = hit(request, "report", settings.HAVEN_REPORTS_PER_HOUR, 3600)
    if not verdict.allowed:
        raise RateLimited(
            _("Too many reports from this connection; try again later."), verdict.retry_after
        )
    data, uploads = _payload(request)
    form = ReportApiForm(data)
    if not form.is_valid():
        raise _invalid([(name, str(msg)) for name, msgs in form.errors.items() for msg in msgs])
    files = _clean_files(uploads)
    _report, receipt = services.submit_report(services.NewReport.of(form.cleaned_data), files)
    return Status(201, {"receipt": receipt})


class MessageOut(Schema):
    author: str
    body: str
    created: datetime


class MineOut(Schema):
    status: str
    status_text: str
    messages: list[MessageOut]


def _mine(request):
    verdict = begin_attempt(request, RECEIPT_SCOPE, **RECEIPT_LIMITS)
    if not verdict.allowed:
        raise RateLimited(
            _("Too many wrong receipts; try again in %(seconds)d seconds.")
            % {"seconds": verdict.retry_after},
            verdict.retry_after,
        )
    try:
        report = services.find_by_receipt(normalize_receipt(request.headers.get("X-Receipt", "")))
    except BadReceipt:
        report = None
    if report is None:
        raise Http404
    forgive(request, RECEIPT_SCOPE)
    return report


@public.get(
    "/reports/mine", response=MineOut, summary="A report's status and replies (header X-Receipt)"
)
def mine(request):
    report = _mine(request)
    return {
        "status": report.status,
        "status_text": services.reporter_status(report),
        "messages": report.messages.filter(internal=False),
    }


ReporterMessageIn = schema_from_form(ReporterMessageForm, name="ReporterMessageIn")


@public.post(
    "/reports/mine/messages",
    response={201: MessageOut},
    summary="Add to a report (header X-Receipt)",
)
def reporter_message(request, message: ReporterMessageIn):
    report = _mine(request)
    body = validated_form(ReporterMessageForm, message).cleaned_data["body"]
    return Status(201, services.add_reporter_message(report, body, []))


class TriageItemOut(Schema):
    id: UUID
    reference: str
    country: str
    status: str
    danger_now: bool
    children_involved: bool | None
    exploitation_types: list[str]
    created: datetime
    assigned_to: str | None

    @staticmethod
    def resolve_country(obj) -> str:
        return str(obj.country)

    @staticmethod
    def resolve_assigned_to(obj) -> str | None:
        return obj.assigned_to.username if obj.assigned_to else None


class StaffMessageOut(Schema):
    author: str
    internal: bool
    body: str
    created: datetime
    staff_user: str | None

    @staticmethod
    def resolve_staff_user(obj) -> str | None:
        return obj.staff_user.username if obj.staff_user else None


class TriageDetailOut(TriageItemOut):
    language: str
    province: str
    description: str
    when: str
    people_count: int | None
    contact: str
    closed_reason: str
    messages: list[StaffMessageOut]
    attachments: int

    @staticmethod
    def resolve_messages(obj, context):
        return services.thread_for(obj, context["request"].auth)

    @staticmethod
    def resolve_attachments(obj) -> int:
        return obj.attachments.count()


def _triager(request):
    require_capability(request.auth, Capability.REPORT_TRIAGE)
    return request.auth


@staff.get("/triage", response=list[TriageItemOut], summary="Reports routed to your organisation")
def triage_list(request, status: str = "open", limit: int = 50, offset: int = 0):
    user = _triager(request)
    reports = (
        reports_visible_to(user).select_related("assigned_to").order_by("-danger_now", "-created")
    )
    if status == "open":
        reports = reports.exclude(status=ReportStatus.CLOSED)
    elif status in ReportStatus.values:
        reports = reports.filter(status=status)
    elif status != "all":
        raise ValidationError([{"loc": ("query", "status"), "msg": _("unknown status")}])
    limit = max(1, min(limit, 200))
    return list(reports[max(0, offset) : max(0, offset) + limit])


@staff.get(
    "/triage/{report_id}", response=TriageDetailOut, summary="One report (the access is audited)"
)
def triage_detail(request, report_id: str):
    report = access_report(request.auth, report_id)
    record_event("report.viewed", actor=request.auth, obj=report, summary={"via": "api"})
    return report


StatusIn = schema_from_form(
    StatusForm,
    name="StatusIn",
    fields={"referred_to": (UUID | None, Field(None, description="An organisation's id"))},
)


@staff.post(
    "/triage/{report_id}/status", response=TriageItemOut, summary="Change a report's status"
)
def triage_status(request, report_id: str, change: StatusIn):
    report = access_report(request.auth, report_id)
    form = validated_form(StatusForm, change, report=report)
    try:
        services.change_status(
            report,
            actor=request.auth,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
            referred_to=form.cleaned_data["referred_to"],
        )
    except services.TransitionError as error:
        invalid([("status", str(error))])
    return report


StaffMessageIn = schema_from_form(StaffMessageForm, name="StaffMessageIn")


@staff.post(
    "/triage/{report_id}/messages", response={201: StaffMessageOut}, summary="Reply or add a note"
)
def triage_message(request, report_id: str, message: StaffMessageIn):
    report = access_report(request.auth, report_id)
    form = validated_form(StaffMessageForm, message)
    return Status(201, services.add_staff_message(report, actor=request.auth, **form.cleaned_data))
