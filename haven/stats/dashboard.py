"""The staff dashboard's working figures: caseload, overdue tasks, referrals, reports.

These count work, not people, and go only to staff who hold `stats.read`, so they are not
suppressed. An organisation administrator sees their own organisation, per case worker; an
analyst or a system administrator sees every organisation, per organisation (never per worker
of another organisation).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef
from django.utils import timezone

from haven.accounts.access import has_capability, organisations_visible_to
from haven.accounts.models import Organisation, User
from haven.accounts.roles import Capability, Role
from haven.cases import htcds
from haven.cases.models import Case, Referral, Task
from haven.lib.replica import statistics_reads_on
from haven.reports.models import Report
from haven.stats.models import CASES

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


def _named(rows, key: str, names: dict) -> list[tuple[str, int]]:
    named = [(names.get(row[key], "") if row[key] else "", row["n"]) for row in rows]
    return sorted(named, key=lambda item: (-item[1], item[0]))


def _names(scope: Scope) -> dict:
    if scope.per_worker:
        return dict(
            User.objects.filter(organisation__in=scope.organisations).values_list("pk", "username")
        )
    return dict(Organisation.objects.values_list("pk", "name"))


@statistics_reads_on
def workload(scope: Scope) -> list[tuple[str, int]]:
    """Open cases per case worker (own organisation) or per organisation."""
    # Grouped by id and named afterwards: joining a million cases to their names costs more.
    group = "case_worker_id" if scope.per_worker else "organisation_id"
    rows = (
        Case.objects.filter(status__in=OPEN, **_cases(scope))
        .values(group)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _named(rows, group, _names(scope))


@statistics_reads_on
def overdue_tasks(scope: Scope) -> list[tuple[str, int]]:
    group = "assigned_to_id" if scope.per_worker else "case__organisation_id"
    rows = (
        Task.objects.filter(
            done_at__isnull=True, due__lt=timezone.localdate(), **_cases(scope, "case__")
        )
        .values(group)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _named(rows, group, _names(scope))


@statistics_reads_on
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
        counts = dict(rows.values_list("state").annotate(n=Count("pk")).order_by())
        result[direction] = counts
        if scope.organisations is None:
            break  # across every organisation, what is sent is what is received
    return result


@statistics_reads_on
def reports(scope: Scope) -> dict:
    """Reports received in the period, how many were triaged, and the mean time to triage."""
    rows = Report.objects.filter(**_within(scope, "created"))
    if scope.organisations is not None:
        received_by = Report.recipients.through.objects.filter(
            report=OuterRef("pk"), organisation__in=scope.organisations
        )
        rows = rows.filter(Exists(received_by))
    if scope.country:
        rows = rows.filter(country=scope.country)
    wait = ExpressionWrapper(F("triaged_at") - F("created"), output_field=DurationField())
    figures = rows.aggregate(received=Count("pk"), triaged=Count("triaged_at"), mean=Avg(wait))
    mean = figures["mean"]
    if isinstance(mean, (int, float)):  # some backends give microseconds
        mean = timedelta(microseconds=mean)
    return {"received": figures["received"], "triaged": figures["triaged"], "mean_to_triage": mean}


def sees_every_organisation(user) -> bool:
    """Analysts (a ministry, a national coordinator) and system administrators count them all."""
    return has_capability(user, Capability.SYSTEM_ADMIN) or user.role == Role.ANALYST


def scope_for(user, data: dict) -> Scope:
    """What the user may count: their organisation, or every one for analysts and system admins."""
    everything = sees_every_organisation(user)
    if everything:
        chosen = data.get("organisation")
        organisations = [chosen.pk] if chosen else None
    else:
        organisations = list(organisations_visible_to(user).values_list("pk", flat=True))
    return Scope(
        organisations=organisations,
        per_worker=not everything,
        country=data.get("country") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


def victim_params(scope: Scope, source: str) -> dict:
    params = {"source": source}
    if source == CASES:
        if scope.date_from:
            params["from"] = scope.date_from.isoformat()
        if scope.date_to:
            params["to"] = scope.date_to.isoformat()
        if scope.country:
            params["caseCountry"] = scope.country
    return params
