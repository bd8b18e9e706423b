"""Who may see, submit and validate progress reports; the only writers of ProgressReport."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.access import has_capability
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.participation.models import Commitment, ProgressReport, Status, Validation

PERIOD = re.compile(r"(20\d\d)-H([12])")
MAX_TEXT = 5000


class InvalidProgress(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.errors = errors


def reports_visible_to(user):
    """Validated reports for everyone; pending and sent-back ones for validators and the
    organisation that submitted them."""
    reports = ProgressReport.objects.select_related("commitment__instrument", "organisation")
    if user is None or not user.is_authenticated:
        return reports.filter(validation=Validation.VALIDATED)
    if has_capability(user, Capability.COMMITMENT_VALIDATE):
        return reports
    return reports.filter(
        Q(validation=Validation.VALIDATED) | Q(organisation_id=user.organisation_id)
    )


def with_latest_status(commitments):
    """Each commitment with the status and period of its latest validated report."""
    latest = ProgressReport.objects.filter(
        commitment=OuterRef("pk"), validation=Validation.VALIDATED
    ).order_by("-period", "-validated_at")
    return commitments.annotate(
        latest_status=Subquery(latest.values("status")[:1]),
        latest_period=Subquery(latest.values("period")[:1]),
    )


def check_progress(period: str, status: str, text: str, evidence: str) -> list[tuple[str, str]]:
    errors = []
    if not PERIOD.fullmatch(period or ""):
        errors.append(("period", _("must be a half-year such as 2026-H1")))
    if status not in Status.values:
        errors.append(("status", _("must be one of: %s") % ", ".join(Status.values)))
    if not (text or "").strip():
        errors.append(("text", _("is required")))
    elif len(text) > MAX_TEXT:
        errors.append(("text", _("must have at most %s characters") % MAX_TEXT))
    if evidence and not evidence.startswith(("https://", "http://")):
        errors.append(("evidence", _("must be a web address starting with https://")))
    return errors


def _number(value):
    """A finite number from JSON (not true/false) or from a spreadsheet cell ("1 200,5" too)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        value = value.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and abs(number) < 10**12 else None


def check_indicators(commitment: Commitment, values) -> tuple[dict, list[tuple[str, str]]]:
    """{indicator code: number} for the commitment's own indicators; errors name the field
    (`indicators.<code>`)."""
    if values in (None, ""):
        return {}, []
    if not isinstance(values, dict):
        return {}, [("indicators", _("must map each indicator's code to a number"))]
    known = set(commitment.indicators.values_list("code", flat=True))
    clean, errors = {}, []
    for code, value in values.items():
        if code not in known:
            errors.append((f"indicators.{code}", _("is not an indicator of this commitment")))
            continue
        number = _number(value)
        if number is None:
            errors.append((f"indicators.{code}", _("must be a number")))
        else:
            clean[code] = int(number) if number == number.to_integral_value() else float(number)
    return clean, errors


def submit_progress(
    user, commitment: Commitment, *, period, status, text, evidence="", indicators=None
):
    if not has_capability(user, Capability.COMMITMENT_REPORT):
        raise PermissionDenied
    if commitment.lead_organisation_id not in (None, user.organisation_id):
        raise PermissionDenied  # another organisation leads this commitment and reports on it
    errors = check_progress(period, status, text, evidence)
    values, more = check_indicators(commitment, indicators)
    errors += more
    if errors:
        raise InvalidProgress(errors)
    with transaction.atomic():
        report = ProgressReport.objects.create(
            commitment=commitment,
            period=period,
            status=status,
            text=text.strip(),
            evidence=evidence,
            indicators=values,
            organisation=user.organisation,
            submitted_by=user,
        )
        record_event(
            "commitment.progress_submitted",
            actor=user,
            obj=report,
            summary={"commitment": commitment.code, "period": period, "status": status},
        )
    return report


def valid_id(value) -> bool:
    """A number a database integer key can hold: anything else is simply not found."""
    try:
        return 0 < int(value) < 2**31
    except (TypeError, ValueError):
        return False


def access_report(user, report_id) -> ProgressReport:
    if not valid_id(report_id):
        raise Http404
    try:
        return reports_visible_to(user).get(pk=report_id)
    except (ProgressReport.DoesNotExist, ValueError):
        raise Http404 from None


def validate_progress(user, report: ProgressReport, *, decision: str, reason: str):
    """Validate a report, or send it back; a reason is always given and the decision audited."""
    if not has_capability(user, Capability.COMMITMENT_VALIDATE):
        raise PermissionDenied
    if report.submitted_by_id == user.pk:
        raise PermissionDenied  # nobody validates what they submitted
    errors = []
    if decision not in ("validate", "send_back"):
        errors.append(("decision", _("must be one of: %s") % "validate, send_back"))
    if not (reason or "").strip():
        errors.append(("reason", _("is required")))
    elif len(reason) > MAX_TEXT:
        errors.append(("reason", _("must have at most %s characters") % MAX_TEXT))
    if report.validation != Validation.PENDING:
        errors.append(("decision", _("this report has already been decided")))
    if errors:
        raise InvalidProgress(errors)
    with transaction.atomic():
        report.validation = Validation.VALIDATED if decision == "validate" else Validation.SENT_BACK
        report.validated_by = user
        report.validated_at = timezone.now()
        report.reason = reason.strip()
        report.save(update_fields=["validation", "validated_by", "validated_at", "reason"])
        record_event(
            "commitment.progress_validated",
            actor=user,
            obj=report,
            organisation=user.organisation,
            summary={"decision": decision, "commitment": report.commitment.code},
        )
    return report
