"""The queries that case lists share, for the pages and the JSON API alike."""

from datetime import date

from django.db import connection
from django.utils.translation import gettext as _

from haven.cases import htcds
from haven.cases.access import referred_case_ids
from haven.cases.models import Case, Risk

LIST_COLUMNS = (
    "id",
    "reference",
    "status",
    "country",
    "risk",
    "opened",
    "closed",
    "created",
    "exploitation_types",
    "organisation__name",
    "case_worker__username",
    "case_worker__first_name",
    "case_worker__last_name",
)
SCOPES = ("organisation", "mine", "referred")


def _date(value: str):
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def cases_in_list_scope(scope: str, user):
    """Each scope starts from its own narrow query (never the owner-or-referred union, which the
    planner cannot use an index for)."""
    if scope == "referred":
        return Case.objects.filter(pk__in=referred_case_ids(user.organisation_id))
    cases = Case.objects.filter(organisation=user.organisation_id)
    if scope == "mine":
        cases = cases.filter(case_worker=user)
    return cases


def _with_kind(cases, kind: str):
    if connection.vendor == "postgresql":  # JSON containment: the planner estimates it well
        return cases.filter(exploitation_types__contains=[kind])
    return cases.filter(exploitation_types__icontains=f'"{kind}"')  # SQLite: the list's text


def filter_cases(params, user):
    """The cases a list shows; unknown filter values are ignored, as a form would refuse them.

    The caller checks `case.read`.
    """
    cases = cases_in_list_scope(params.get("scope", "organisation"), user)
    status = params.get("status", "open")
    if status == "open":
        cases = cases.filter(status__in=[htcds.CaseStatus.ACTIVE, htcds.CaseStatus.FOLLOW_UP])
    elif status in htcds.CaseStatus.values:
        cases = cases.filter(status=status)
    if (kind := params.get("kind", "")) in htcds.ExploitationType.values:
        cases = _with_kind(cases, kind)
    if country := params.get("country", "").strip().upper():
        cases = cases.filter(country=country)
    if (risk := params.get("risk", "")) in Risk.values:
        cases = cases.filter(risk=risk)
    if opened_from := _date(params.get("opened_from", "")):
        cases = cases.filter(opened__gte=opened_from)
    if opened_to := _date(params.get("opened_to", "")):
        cases = cases.filter(opened__lte=opened_to)
    if reference := params.get("q", "").strip().upper():
        reference = reference if reference.startswith("C-") else f"C-{reference}"
        cases = cases.filter(reference=reference)
    return cases


def ordered_for_list(cases):
    """Newest first, with what a list row shows and nothing more."""
    cases = cases.select_related("organisation", "case_worker").only(*LIST_COLUMNS)
    return cases.order_by("-opened", "-created")


def filter_errors(params) -> list[dict]:
    """What the API refuses in a list's filters, where the page would ignore it."""
    choices = [
        ("scope", SCOPES),
        ("status", ("open", "all", *htcds.CaseStatus.values)),
        ("kind", ("", *htcds.ExploitationType.values)),
        ("risk", ("", *Risk.values)),
    ]
    return [
        {
            "loc": ("query", name),
            "msg": _("must be one of: %s") % ", ".join(value for value in allowed if value),
        }
        for name, allowed in choices
        if params.get(name, allowed[0]) not in allowed
    ]
