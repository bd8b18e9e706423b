"""The triage queue: which reports, in which order, with what a triager needs at a glance."""

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from haven.reports.access import reports_visible_to
from haven.reports.models import Exploitation, Message, Status

STATUS_ORDER = [Status.NEW, Status.IN_TRIAGE, Status.REFERRED, Status.ACCEPTED, Status.CLOSED]


def in_queue_order(reports):
    """Danger now on top, then new before everything else, then the longest waiting first."""
    priority = Case(
        *[When(status=status, then=Value(rank)) for rank, status in enumerate(STATUS_ORDER)],
        output_field=IntegerField(),
    )
    return reports.order_by("-danger_now", priority, "created")


def with_waiting(reports):
    """Annotate `waiting`: the reporter wrote after the last reply the reporter could read."""
    last_reply = (
        Message.objects.filter(report=OuterRef(OuterRef("pk")), author=Message.Author.STAFF)
        .filter(internal=False)
        .order_by("-created")
        .values("created")[:1]
    )
    unanswered = Message.objects.filter(
        report=OuterRef("pk"), author=Message.Author.REPORTER
    ).filter(
        Q(created__gt=Subquery(last_reply))
        | ~Exists(
            Message.objects.filter(
                report=OuterRef(OuterRef("pk")), author=Message.Author.STAFF, internal=False
            )
        )
    )
    return reports.annotate(waiting=Exists(unanswered))


def awaiting_staff_reply(reports):
    """Only the reports whose reporter wrote after the last reply they could read."""
    return with_waiting(reports).filter(waiting=True)


def filtered_queue(user, params):
    """The reports of `user`'s queue filtered by the query `params`, in queue order, and the
    filters as understood (unknown values are ignored rather than refused, as in a search form)."""
    reports = with_waiting(reports_visible_to(user).select_related("assigned_to"))
    filters = {
        "status": params.get("status", "open"),
        "country": params.get("country", "").upper(),
        "kind": params.get("kind", ""),
        "waiting": params.get("waiting") == "1",
        "assigned": params.get("assigned", ""),
    }
    if filters["status"] == "open":
        reports = reports.exclude(status=Status.CLOSED)
    elif filters["status"] in Status.values:
        reports = reports.filter(status=filters["status"])
    if filters["country"]:
        reports = reports.filter(country=filters["country"])
    if filters["kind"] in Exploitation.values:
        # JSON containment differs by engine; a quoted match on the list works on both.
        reports = reports.filter(exploitation_types__icontains=f'"{filters["kind"]}"')
    if filters["waiting"]:
        reports = reports.filter(waiting=True)
    if filters["assigned"] == "me":
        reports = reports.filter(assigned_to=user)
    elif filters["assigned"] == "none":
        reports = reports.filter(assigned_to__isnull=True)
    return in_queue_order(reports), filters


def queue_countries(user) -> list[str]:
    """The countries the user's reports come from, for the filter's choices."""
    return sorted(set(reports_visible_to(user).order_by().values_list("country", flat=True)) - {""})


def waited(since, now=None) -> str:
    """How long a report has waited, in the words a triager says it: minutes, hours, days."""
    minutes = int(((now or timezone.now()) - since).total_seconds() // 60)
    if minutes < 60:
        return gettext("waiting under an hour") if minutes >= 1 else gettext("just arrived")
    if minutes < 48 * 60:
        hours = minutes // 60
        return ngettext("waiting %(n)d hour", "waiting %(n)d hours", hours) % {"n": hours}
    days = minutes // (24 * 60)
    return ngettext("waiting %(n)d day", "waiting %(n)d days", days) % {"n": days}
