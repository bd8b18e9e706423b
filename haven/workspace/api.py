"""The dashboard through the JSON API: the same numbers as the staff home."""

from ninja import Router, Schema

from haven.accounts.api import StaffSessionAuth, TokenAuth
from haven.workspace.selectors import dashboard_for

router = Router(tags=["workspace"], auth=[TokenAuth(), StaffSessionAuth()])


class MemberLoad(Schema):
    id: str
    name: str
    open_cases: int
    overdue_tasks: int


class DashboardOut(Schema):
    counts: dict[str, int]
    links: dict[str, str]
    team: list[MemberLoad] | None


@router.get(
    "/dashboard",
    response=DashboardOut,
    summary="What waits for you, per your role; the team's workload for administrators",
)
def dashboard(request):
    return dashboard_for(request.auth).as_dict()
