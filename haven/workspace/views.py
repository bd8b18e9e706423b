"""The staff home: what waits for the member, per role, and the team's workload."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from haven.accounts.access import staff_view
from haven.workspace.selectors import dashboard_for

# What each number counts, in words.
LABELS = {
    "new_reports": _("New reports for your organisation"),
    "waiting_reports": _("Reports with a reporter's message not yet answered"),
    "my_open_cases": _("Your open cases"),
    "overdue_tasks": _("Your overdue tasks"),
    "incoming_referrals": _("Referrals to your organisation waiting for an answer"),
    "outgoing_referrals": _("Referrals you sent still waiting for an answer"),
}


@staff_view()
def home(request):
    dashboard = dashboard_for(request.user)
    figures = [
        {"label": LABELS[item.key], "count": item.count, "url": item.url, "key": item.key}
        for item in dashboard.counts
    ]
    return render(request, "workspace/home.html", {"figures": figures, "team": dashboard.team})
