"""Everything that changes a case. Each write is atomic, audited, and kept in the field history.

Referrals and consent live in `haven.cases.referrals`; this module holds the case, its people,
events, services, notes, attachments and tasks.
"""

import json
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import User
from haven.audit.services import record_event
from haven.cases import htcds
from haven.cases.models import (
    Attachment,
    Case,
    Change,
    Note,
    Participant,
    ParticipantRole,
    Person,
    Risk,
    Source,
    SupportService,
    Task,
    TraffickingEvent,
    new_case_reference,
)
from haven.lib.uploads import CleanFile
from haven.notifications.models import Kind
from haven.notifications.services import notify


class CaseError(ValueError):
    """A change that the rules refuse; the message is for the user, in their language."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def _empty(value) -> bool:
    # Not `value in (None, "", [], False)`: 0 == False, and a zero (no children) is a fact.
    return value is None or value is False or value in ("", [])


def record_changes(case, obj, *, actor, section: str, values: dict, created=False) -> list[str]:
    """Set the values, save the object, and write one history row per field that changed.

    For a new object (`created`), every non-empty value counts as a change from nothing.
    """
    changed = []
    rows = []
    for name, value in values.items():
        old = None if created else getattr(obj, name)
        setattr(obj, name, value)
        if (created and _empty(value)) or (not created and old == value):
            continue
        changed.append(name)
        rows.append(
            Change(
                case=case,
                actor=actor,
                section=section,
                object_id=str(obj.pk),
                field=name,
                old=_text(old),
                new=_text(value),
            )
        )
    if created:
        obj.save()
    elif changed:
        obj.save(update_fields=changed)
    Change.objects.bulk_create(rows)
    return sorted(changed)


def _touch(case: Case) -> None:
    case.updated = timezone.now()
    Case.objects.filter(pk=case.pk).update(updated=case.updated)


def refresh_exploitation(case: Case) -> None:
    """Keep the case's list of exploitation types equal to the union of its victims'."""
    kinds = set()
    for values in case.participants.filter(role=ParticipantRole.VICTIM).values_list(
        "exploitation_types", flat=True
    ):
        kinds.update(values or [])
    kinds = sorted(kinds)
    if kinds != case.exploitation_types:
        case.exploitation_types = kinds
        Case.objects.filter(pk=case.pk).update(exploitation_types=kinds)


CASE_FIELDS = (
    "status",
    "case_worker",
    "country",
    "risk",
    "summary",
    "opened",
    "referring_organisation",
    "referring_case_worker",
    "incoming_referral_date",
    "incoming_referral_reason",
    "incoming_referral_details",
)


def free_reference() -> str:
    """A reference no case has: at a million cases, one new one in 34,000 would collide."""
    while True:
        reference = new_case_reference()
        if not Case.objects.filter(reference=reference).exists():
            return reference


@transaction.atomic
def open_case(*, actor: User, organisation=None, **values) -> Case:
    """A new case owned by the actor's organisation (or `organisation`, for imports)."""
    organisation = organisation or actor.organisation
    values.setdefault("case_worker", actor if actor and actor.organisation_id else None)
    source = values.pop("source", Source.WALK_IN)
    source_report = values.pop("source_report", None)
    case = Case(
        reference=free_reference(),
        organisation=organisation,
        source=source,
        source_report=source_report,
    )
    record_changes(case, case, actor=actor, section="case", values=values, created=True)
    record_event(
        "case.opened",
        actor=actor,
        obj=case,
        organisation=organisation,
        summary={"source": source, "country": str(case.country)},
    )
    tell_case_worker(case, actor)
    return case


def tell_case_worker(case: Case, actor: User | None) -> None:
    """The member given the case hears of it, unless they gave it to themselves."""
    if case.case_worker_id:
        link = reverse("cases:detail", args=[case.pk])
        notify(case.case_worker, Kind.CASE_ASSIGNED, link, obj=case, exclude=actor)


# Kinds of exploitation a report names that make a case urgent whatever else it says.
URGENT_KINDS = {"OrganRemoval", "ChildLabour", "ForcedAdoption", "ForcedMilitaryByNonStateActors"}


def risk_from_report(report) -> str:
    """High when someone is in danger now, children are involved, or the kind of harm is grave;
    medium otherwise. The case worker raises or lowers it after the first contact."""
    if (
        report.danger_now
        or report.children_involved
        or URGENT_KINDS & set(report.exploitation_types)
    ):
        return Risk.HIGH
    return Risk.MEDIUM


def _carry_thread(case: Case, report) -> int:
    """The report's messages as case notes, in their order and with their times."""
    from haven.reports.models import Message

    notes = []
    for message in report.messages.select_related("staff_user"):
        if message.author == Message.Author.REPORTER:
            heading = _("The reporter wrote (report %(reference)s):")
        elif message.internal:
            heading = _("Internal note on report %(reference)s:")
        else:
            heading = _("Reply to the reporter (report %(reference)s):")
        notes.append(
            Note(
                case=case,
                author=message.staff_user,
                body=heading % {"reference": report.reference} + "\n\n" + message.body,
                created=message.created,
            )
        )
    Note.objects.bulk_create(notes)
    return len(notes)


def _carry_attachments(case: Case, report) -> int:
    """The report's files, copied one at a time: decrypted from the report, encrypted anew as
    the case's (each encrypted field has its own associated data)."""
    count = 0
    for attachment in report.attachments.iterator(chunk_size=1):
        Attachment.objects.create(
            case=case,
            uploaded_by=None,
            kind=attachment.kind,
            content_type=attachment.content_type,
            extension=attachment.extension,
            size=attachment.size,
            data=attachment.data,
            created=attachment.created,
        )
        count += 1
    return count


@transaction.atomic
def open_case_from_report(report, *, actor: User) -> Case:
    """Turn a triaged report into a case: its facts, files and messages carried over, its risk
    read from what the reporter said, the report linked and accepted."""
    from haven.reports import services as reports
    from haven.reports.models import Status

    if report.cases.filter(organisation=actor.organisation_id).exists():
        raise CaseError(_("This report is already a case of your organisation."))
    facts = [report.description]
    if report.province or report.when:
        facts.append(
            _("Where: %(where)s. When: %(when)s.")
            % {
                "where": report.province or "—",
                "when": report.when or "—",
            }
        )
    if report.people_count:
        facts.append(_("People at risk: %(count)d.") % {"count": report.people_count})
    if report.children_involved:
        facts.append(_("Children are among them."))
    if report.danger_now:
        facts.append(_("The reporter said someone is in danger now."))
    case = open_case(
        actor=actor,
        source=Source.REPORT,
        source_report=report,
        country=str(report.country),
        risk=risk_from_report(report),
        summary="\n\n".join(facts),
    )
    case.exploitation_types = sorted(report.exploitation_types)
    Case.objects.filter(pk=case.pk).update(exploitation_types=case.exploitation_types)
    carried = {
        "attachments": _carry_attachments(case, report),
        "notes": _carry_thread(case, report),
    }
    if report.status != Status.ACCEPTED:
        reports.change_status(report, actor=actor, status=Status.ACCEPTED)
    record_event(
        "report.made_case", actor=actor, obj=report, summary={"case": str(case.pk), **carried}
    )
    return case


@transaction.atomic
def update_case(case: Case, *, actor: User, values: dict) -> list[str]:
    unknown = set(values) - set(CASE_FIELDS)
    if unknown:
        raise CaseError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    worker = values.get("case_worker")
    if worker is not None and worker.organisation_id != case.organisation_id:
        raise CaseError(_("The case worker must belong to the organisation that owns the case."))
    status = values.get("status", case.status)
    if status != case.status and status in (
        htcds.CaseStatus.CLOSED,
        htcds.CaseStatus.CLOSED_REFERRED,
    ):
        raise CaseError(_("Close a case with its reason, on the closing form."))
    if status != case.status and not case.is_open:
        # Reopening clears the closing date and is audited as such: it has its own action.
        raise CaseError(_("Reopen the case before changing its status."))
    changed = record_changes(case, case, actor=actor, section="case", values=values)
    if changed:
        _touch(case)
        record_event("case.updated", actor=actor, obj=case, summary={"fields": changed})
    if "case_worker" in changed:
        tell_case_worker(case, actor)
    return changed


@transaction.atomic
def close_case(case: Case, *, actor: User, reason: str, referred: bool = False) -> None:
    if not reason.strip():
        raise CaseError(_("Say why the case is closed."))
    if not case.is_open:
        raise CaseError(_("The case is already closed."))
    status = htcds.CaseStatus.CLOSED_REFERRED if referred else htcds.CaseStatus.CLOSED
    record_changes(
        case,
        case,
        actor=actor,
        section="case",
        values={"status": status, "closure_reason": reason.strip(), "closed": timezone.localdate()},
    )
    _touch(case)
    record_event("case.closed", actor=actor, obj=case, summary={"status": status})


@transaction.atomic
def reopen_case(case: Case, *, actor: User) -> None:
    if case.is_open:
        raise CaseError(_("The case is already open."))
    record_changes(
        case,
        case,
        actor=actor,
        section="case",
        values={"status": htcds.CaseStatus.ACTIVE, "closed": None},
    )
    _touch(case)
    record_event("case.reopened", actor=actor, obj=case)


PERSON_FIELDS = tuple(
    field.name
    for field in Person._meta.concrete_fields
    if field.name not in ("id", "organisation", "pseudonym", "created")
)
PARTICIPANT_FIELDS = tuple(
    field.name
    for field in Participant._meta.concrete_fields
    if field.name not in ("id", "case", "person", "role", "created")
)


@transaction.atomic
def add_participant(
    case: Case, *, actor: User, role: str, person: dict, details: dict | None = None
) -> Participant:
    """A new person in the case, with their role and the `vic_`/`per_` fields."""
    if role not in ParticipantRole.values:
        raise CaseError(_("Choose the person's role in the case."))
    record = Person(organisation=case.organisation)
    record_changes(case, record, actor=actor, section="person", values=person, created=True)
    participant = Participant(case=case, person=record, role=role)
    details = {"registered": case.opened, **(details or {})} if role == "victim" else details or {}
    record_changes(
        case, participant, actor=actor, section="participant", values=details, created=True
    )
    refresh_exploitation(case)
    if role != ParticipantRole.PERPETRATOR:
        # Their consent is not recorded yet, and a referral shares only what everyone's allows.
        from haven.cases.referrals import _narrow_live_referrals

        _narrow_live_referrals(case, actor=actor)
    _touch(case)
    record_event("case.person_added", actor=actor, obj=case, summary={"role": role})
    return participant


@transaction.atomic
def update_participant(
    participant: Participant, *, actor: User, person: dict, details: dict
) -> list[str]:
    case = participant.case
    changed = record_changes(case, participant.person, actor=actor, section="person", values=person)
    changed += record_changes(case, participant, actor=actor, section="participant", values=details)
    if changed:
        refresh_exploitation(case)
        _touch(case)
        record_event(
            "case.person_updated", actor=actor, obj=case, summary={"fields": sorted(changed)}
        )
    return changed


def _add_child(case, model, section, *, actor, values, action):
    obj = model(case=case)
    record_changes(case, obj, actor=actor, section=section, values=values, created=True)
    _touch(case)
    record_event(action, actor=actor, obj=case, summary={section: str(obj.pk)})
    return obj


@transaction.atomic
def add_event(case: Case, *, actor: User, values: dict) -> TraffickingEvent:
    if values.get("type") not in htcds.EventType.values:
        raise CaseError(_("Choose the type of event."))
    return _add_child(
        case, TraffickingEvent, "event", actor=actor, values=values, action="case.event_added"
    )


@transaction.atomic
def add_service(case: Case, *, actor: User, values: dict) -> SupportService:
    if values.get("type") not in htcds.SupportType.values:
        raise CaseError(_("Choose the type of support."))
    return _add_child(
        case, SupportService, "service", actor=actor, values=values, action="case.service_added"
    )


@transaction.atomic
def update_service(service: SupportService, *, actor: User, values: dict) -> list[str]:
    changed = record_changes(service.case, service, actor=actor, section="service", values=values)
    if changed:
        _touch(service.case)
        record_event(
            "case.service_updated", actor=actor, obj=service.case, summary={"fields": changed}
        )
    return changed


@transaction.atomic
def add_note(case: Case, *, actor: User, body: str) -> Note:
    if not body.strip():
        raise CaseError(_("Write the note first."))
    note = Note.objects.create(case=case, author=actor, body=body.strip())
    _touch(case)
    record_event("case.note_added", actor=actor, obj=case)
    return note


@transaction.atomic
def add_attachment(case: Case, *, actor: User, file: CleanFile) -> Attachment:
    attachment = Attachment.objects.create(
        case=case,
        uploaded_by=actor,
        kind=file.kind,
        content_type=file.content_type,
        extension=file.extension,
        size=len(file.data),
        data=file.data,
    )
    _touch(case)
    record_event("case.attachment_added", actor=actor, obj=case, summary={"kind": file.kind})
    return attachment


@transaction.atomic
def add_task(case: Case, *, actor: User, title: str, due: date, assigned_to=None) -> Task:
    if not title.strip():
        raise CaseError(_("Say what is to be done."))
    if assigned_to is not None and assigned_to.organisation_id != case.organisation_id:
        raise CaseError(_("Tasks go to members of the organisation that owns the case."))
    task = Task.objects.create(case=case, title=title.strip(), due=due, assigned_to=assigned_to)
    _touch(case)
    record_event("case.task_added", actor=actor, obj=case)
    if assigned_to is not None:
        link = reverse("cases:detail", args=[case.pk])
        notify(assigned_to, Kind.TASK_ASSIGNED, link, obj=task, exclude=actor)
    return task


@transaction.atomic
def complete_task(task: Task, *, actor: User) -> None:
    if task.done_at is not None:
        raise CaseError(_("The task is already done."))
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    _touch(task.case)
    record_event("case.task_done", actor=actor, obj=task.case)


@transaction.atomic
def save_screening(case: Case, *, actor: User, result, participant=None):
    """Keep a scored questionnaire (haven.screening.scoring.Result) in the case."""
    from haven.cases.models import Screening

    if participant is not None and participant.case_id != case.pk:
        raise CaseError(_("That person is not in this case."))
    screening = Screening.objects.create(
        case=case,
        participant=participant,
        questionnaire=result.questionnaire,
        version=result.version,
        outcome=str(result.outcome),
        record=json.dumps(result.to_dict(), ensure_ascii=False),
        screened_by=actor,
    )
    _touch(case)
    record_event(
        "case.screened",
        actor=actor,
        obj=case,
        summary={
            "questionnaire": result.questionnaire,
            "version": result.version,
            "outcome": str(result.outcome),
        },
    )
    return screening
