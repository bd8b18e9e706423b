"""The staff dashboard's working figures: caseload, overdue tasks, referrals, reports.

These count work, not people, and go only to staff who hold `stats.read`, so they are not
suppressed. An organisation administrator sees their own organisation, per case worker; an
analyst or a system administrator sees every organisation, per organisation (never per worker
of another organisation).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F
from django.utils import timezone

from haven.cases import htcds
from haven.cases.models import Case, Referral, Task
from haven.reports.models import Report

OPEN = (htcds.CaseStatus.ACTIVE, htcds.CaseStatus.FOLLOW_UP)


@dataclass
class Scope:
    organisations: list | None  # None: every organisation
    per_worker: bool
    country: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _cases(scope: Scope, prefix: str = ""):
    conditions = {}
    if scope.organisations is not None:
        conditions[f"{prefix}organisation__in"] = scope.organisations
    if scope.country:
        conditions[f"{prefix}country"] = scope.country
    return conditions


def _within(scope: Scope, field: str) -> dict:
    conditions = {}
    if scope.date_from:
        conditions[f"{field}__date__gte"] = scope.date_from
    if scope.date_to:
        conditions[f"{field}__date__lte"] = scope.date_to
    return conditions


def workload(scope: Scope) -> list[tuple[str, int]]:
    """Open cases per case worker (own organisation) or per organisation."""
    group = "case_worker__username" if scope.per_worker else "organisation__name"
    rows = (
        Case.objects.filter(status__in=OPEN, **_cases(scope))
        .values(group)
        .annotate(n=Count("pk"))
        .order_by("-n", group)
    )
    return [(row[group] or "", row["n"]) for row in rows]


def overdue_tasks(scope: Scope) -> list[tuple[str, int]]:
    group = "assigned_to__username" if scope.per_worker else "case__organisation__name"
    rows = (
        Task.objects.filter(
            done_at__isnull=True, due__lt=timezone.localdate(), **_cases(scope, "case__")
        )
        .values(group)
        .annotate(n=Count("pk"))
        .order_by("-n", group)
    )
    return [(row[group] or "", row["n"]) for row in rows]


def referrals(scope: Scope) -> dict:
    """{"sent": {state: n}, "received": {state: n}} in the period."""
    result = {}
    for direction, field in (
        ("sent", "from_organisation__in"),
        ("received", "to_organisation__in"),
    ):
        rows = Referral.objects.filter(**_within(scope, "sent_at"))
        if scope.organisations is not None:
            rows = rows.filter(**{field: scope.organisations})
        if scope.country:
            rows = rows.filter(case__country=scope.country)
        counts = dict(rows.values_list("state").annotate(n=Count("pk")))
        result[direction] = counts
        if scope.organisations is None:
            break  # across every organisation, what is sent is what is received
    return result


def reports(scope: Scope) -> dict:
    """Reports received in the period, how many were triaged, and the mean time to triage."""
    rows = Report.objects.filter(**_within(scope, "created"))
    if scope.organisations is not None:
        rows = rows.filter(recipients__in=scope.organisations).distinct()
    if scope.country:
        rows = rows.filter(country=scope.country)
    wait = ExpressionWrapper(F("triaged_at") - F("created"), output_field=DurationField())
    figures = rows.aggregate(received=Count("pk", distinct=True))
    triaged = rows.filter(triaged_at__isnull=False).aggregate(
        n=Count("pk", distinct=True), mean=Avg(wait)
    )
    mean = triaged["mean"]
    if isinstance(mean, (int, float)):  # some backends give microseconds
        mean = timedelta(microseconds=mean)
    return {"received": figures["received"], "triaged": triaged["n"], "mean_to_triage": mean}
