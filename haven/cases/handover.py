"""What a hand-over (transfer of ownership) gives the new owner of its sender's own records.

The case itself always moves: its summary, people and their consent, what happened, support,
referrals and tasks. The sender's internal notes, files and history (field changes and the
log of who opened the case) move only when the sender ticks them in the transfer form; by
default they stay behind: kept, encrypted, under the case's retention, and shown to no one.

The rule is by time, so it holds across a chain of hand-overs: a kind of record written before
the latest hand-over that did not include it is hidden. A → B without notes → C with notes: C
sees B's notes, not A's (B never had them to give).
"""

from django.db.models import Max, Q

from haven.cases.models import Handover

KINDS = ("notes", "attachments", "history")


def cutoffs(case) -> dict:
    """{kind: the time before which that kind is hidden, or None when nothing is hidden}."""
    found = Handover.objects.filter(case=case).aggregate(
        **{kind: Max("at", filter=_left_behind(kind)) for kind in KINDS}
    )
    return {kind: found[kind] for kind in KINDS}


def _left_behind(kind: str) -> Q:
    return Q(**{kind: False})


def _after(rows, field: str, cutoff):
    return rows if cutoff is None else rows.filter(**{f"{field}__gt": cutoff})


def visible_notes(case, hidden=None):
    """Notes under the rule, except the owner's own: a receiver that became the owner keeps the
    notes it wrote while it worked the referral."""
    cutoff = (hidden or cutoffs(case))["notes"]
    if cutoff is None:
        return case.notes.all()
    return case.notes.filter(Q(created__gt=cutoff) | Q(organisation=case.organisation_id))


def visible_attachments(case, hidden=None):
    return _after(case.attachments.all(), "created", (hidden or cutoffs(case))["attachments"])


def visible_changes(case, hidden=None):
    return _after(case.changes.all(), "at", (hidden or cutoffs(case))["history"])


def visible_events(events, hidden):
    """Audit events of the case (who opened it) under the history rule."""
    return _after(events, "created", hidden["history"])
