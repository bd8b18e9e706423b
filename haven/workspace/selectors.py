"""The dashboard's numbers: what waits for a member, per role, and their team's workload.

Each number is one COUNT on an indexed filter, and each links to the list that shows the same
rows. Pages and the API (`GET /api/v1/dashboard`) both read `dashboard_for()`.
"""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from haven.accounts.access import has_capability
from haven.accounts.models import User
from haven.accounts.roles import Capability
from haven.cases import htcds
from haven.cases.access import tasks_for
from haven.cases.models import Case, Referral, ReferralState, Task
from haven.cases.templatetags.referral_nav import awaiting_answer
from haven.reports.models import Report, Status
from haven.reports.queue import awaiting_staff_reply

OPEN_CASE = [htcds.CaseStatus.ACTIVE, htcds.CaseStatus.FOLLOW_UP]


@dataclass
class Figure:
    key: str
    count: int
    url: str


@dataclass
class Dashboard:
    counts: list[Figure] = field(default_factory=list)
    team: list[dict] | None = None

    def as_dict(self) -> dict:
        return {
            "counts": {item.key: item.count for item in self.counts},
            "links": {item.key: item.url for item in self.counts},
            "team": self.team,
        }


def _url(name: str, **params) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


def _reports_for(user):
    return Report.objects.filter(recipients=user.organisation_id)


def overdue_tasks():
    return Task.objects.filter(done_at__isnull=True, due__lt=timezone.localdate())


def report_counts(user) -> list[Figure]:
    reports = _reports_for(user)
    waiting = awaiting_staff_reply(reports.exclude(status=Status.CLOSED))
    return [
        Figure(
            "new_reports",
            reports.filter(status=Status.NEW).count(),
            _url("reports_staff:queue", status=Status.NEW),
        ),
        Figure("waiting_reports", waiting.count(), _url("reports_staff:queue", waiting=1)),
    ]


def case_counts(user) -> list[Figure]:
    mine = Case.objects.filter(case_worker=user, status__in=OPEN_CASE)
    # A receiving organisation's own tasks on the cases it accepted count as well.
    tasks = tasks_for(user.organisation_id).filter(
        assigned_to=user, done_at__isnull=True, due__lt=timezone.localdate()
    )
    outgoing = Referral.objects.filter(
        from_organisation=user.organisation_id, state=ReferralState.PENDING
    )
    referrals = "cases:referrals"
    return [
        Figure("my_open_cases", mine.count(), _url("cases:list", scope="mine")),
        Figure("overdue_tasks", tasks.count(), _url("cases:tasks", scope="mine", when="overdue")),
        Figure(
            "incoming_referrals",
            awaiting_answer(user),
            _url(referrals, direction="incoming", state=ReferralState.PENDING),
        ),
        Figure(
            "outgoing_referrals",
            outgoing.count(),
            _url(referrals, direction="outgoing", state=ReferralState.PENDING),
        ),
    ]


def team_workload(organisation_id) -> list[dict]:
    """Open cases and overdue tasks per active member, by display name: two subqueries, one query."""
    cases = (
        Case.objects.filter(case_worker=OuterRef("pk"), status__in=OPEN_CASE)
        .order_by()
        .values("case_worker")
        .annotate(n=Count("pk"))
        .values("n")
    )
    tasks = (
        overdue_tasks()
        .filter(assigned_to=OuterRef("pk"))
        .order_by()
        .values("assigned_to")
        .annotate(n=Count("pk"))
        .values("n")
    )
    members = (
        User.objects.filter(organisation=organisation_id, is_active=True)
        .annotate(open_cases=Subquery(cases), overdue_tasks=Subquery(tasks))
        .only("id", "username", "first_name", "last_name")
        .order_by("first_name", "last_name", "username")
    )
    return [
        {
            "id": str(member.pk),
            "name": member.display_name(),
            "open_cases": member.open_cases or 0,
            "overdue_tasks": member.overdue_tasks or 0,
        }
        for member in members
    ]


def dashboard_for(user) -> Dashboard:
    """What waits for this member: only what their role may read, only their organisation's."""
    dashboard = Dashboard()
    if user.organisation_id is None:  # a system administrator works in the admin pages
        return dashboard
    if has_capability(user, Capability.REPORT_TRIAGE):
        dashboard.counts += report_counts(user)
    if has_capability(user, Capability.CASE_READ):
        dashboard.counts += case_counts(user)
    if has_capability(user, Capability.ORG_ADMIN):
        dashboard.team = team_workload(user.organisation_id)
    return dashboard
