"""Reports in the JSON API: anonymous submission and follow-up, and triage for staff."""

import json
from datetime import datetime
from typing import Literal
from uuid import UUID

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import ValidationError
from pydantic import Field, field_validator
from pydantic import ValidationError as PydanticError

from haven.accounts.access import require_capability
from haven.accounts.models import Organisation
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.hub.content import ASEAN
from haven.lib.ratelimit import RateLimited, begin_attempt, forgive, hit
from haven.reports import services
from haven.reports.access import access_report, reports_visible_to
from haven.reports.models import ClosedReason, Exploitation
from haven.reports.models import Status as ReportStatus
from haven.reports.receipts import BadReceipt, normalize_receipt
from haven.reports.uploads import AttachmentError, clean_attachments
from haven.reports.views import RECEIPT_LIMITS, RECEIPT_SCOPE

public = Router(tags=["anonymous reports"], auth=None)
staff = Router(tags=["triage"])


class ReportIn(Schema):
    country: str = Field(min_length=2, max_length=2)
    description: str = Field(min_length=1, max_length=10_000)
    when: str = Field("", max_length=200)
    people_count: int | None = Field(None, ge=1, le=10_000)
    children_involved: bool | None = None
    exploitation_types: list[Exploitation] = []
    danger_now: bool = False
    contact: str = Field("", max_length=300)
    language: Literal["vi", "en"] = "vi"
    province: str = Field("", max_length=100)

    @field_validator("country")
    @classmethod
    def known_country(cls, value: str) -> str:
        if value.upper() not in ASEAN:
            raise ValueError(_("must be one of %(codes)s") % {"codes": " ".join(ASEAN)})
        return value.upper()

    @field_validator("description")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(_("must not be empty"))
        return value


def _validation_error(errors) -> ValidationError:
    return ValidationError(
        [{"loc": ("body", "report", *error["loc"]), "msg": error["msg"]} for error in errors]
    )


def _payload(request) -> tuple[dict, list]:
    content_type = request.content_type or ""
    if content_type.startswith("multipart/form-data"):
        data = {key: request.POST.get(key) for key in request.POST}
        data["exploitation_types"] = request.POST.getlist("exploitation_types")
        for key in ("danger_now", "children_involved"):
            if key in data:
                data[key] = {"true": True, "false": False, "": None}.get(
                    str(data[key]).lower(), data[key]
                )
        if data.get("people_count") == "":
            data["people_count"] = None
        return data, request.FILES.getlist("files")
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ValidationError([{"loc": ("body",), "msg": _("is not valid JSON")}]) from None
    if not isinstance(data, dict):
        raise ValidationError([{"loc": ("body",), "msg": _("must be a JSON object")}])
    return data, []


def _clean_files(uploads) -> list:
    try:
        return clean_attachments(uploads)
    except AttachmentError as error:
        location = ("body", "report", "files", *([error.number] if error.number else []))
        raise ValidationError([{"loc": location, "msg": str(error)}]) from None


class ReceiptOut(Schema):
    receipt: str


@public.post(
    "/reports", response={201: ReceiptOut}, summary="File an anonymous report (JSON or multipart)"
)
def submit(request):
    verdict = hit(request, "report", settings.HAVEN_REPORTS_PER_HOUR, 3600)
    if not verdict.allowed:
        raise RateLimited(
            _("Too many reports from this connection; try again later."), verdict.retry_after
        )
    data, uploads = _payload(request)
    try:
        report = ReportIn(**data)
    except PydanticError as error:
        raise _validation_error(error.errors()) from None
    files = _clean_files(uploads)
    _report, receipt = services.submit_report(
        services.NewReport.of(report.model_dump(mode="json")), files
    )
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


class ReporterMessageIn(Schema):
    body: str = Field(min_length=1, max_length=10_000)


@public.post(
    "/reports/mine/messages",
    response={201: MessageOut},
    summary="Add to a report (header X-Receipt)",
)
def reporter_message(request, message: ReporterMessageIn):
    report = _mine(request)
    return Status(201, services.add_reporter_message(report, message.body, []))


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


class StatusIn(Schema):
    status: Literal["in_triage", "accepted", "referred", "closed"]
    reason: ClosedReason | None = None
    referred_to: UUID | None = None


@staff.post(
    "/triage/{report_id}/status", response=TriageItemOut, summary="Change a report's status"
)
def triage_status(request, report_id: str, change: StatusIn):
    report = access_report(request.auth, report_id)
    referred = None
    if change.referred_to:
        referred = Organisation.objects.filter(pk=change.referred_to).first()
        if referred is None:
            raise ValidationError(
                [{"loc": ("body", "change", "referred_to"), "msg": _("unknown organisation")}]
            )
    try:
        services.change_status(
            report,
            actor=request.auth,
            status=change.status,
            reason=change.reason.value if change.reason else "",
            referred_to=referred,
        )
    except services.TransitionError as error:
        raise ValidationError([{"loc": ("body", "change", "status"), "msg": str(error)}]) from None
    return report


class StaffMessageIn(Schema):
    body: str = Field(min_length=1, max_length=10_000)
    internal: bool = False


@staff.post(
    "/triage/{report_id}/messages", response={201: StaffMessageOut}, summary="Reply or add a note"
)
def triage_message(request, report_id: str, message: StaffMessageIn):
    report = access_report(request.auth, report_id)
    return Status(
        201,
        services.add_staff_message(
            report, actor=request.auth, body=message.body, internal=message.internal
        ),
    )
