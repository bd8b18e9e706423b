"""Everything that changes a report: submission, follow-up, triage, retention. Each audited."""

from dataclasses import dataclass, fields
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.accounts.models import Organisation, User
from haven.accounts.roles import CAPABILITIES, Capability
from haven.audit.services import record_event
from haven.lib.metrics import REPORTS_RECEIVED
from haven.lib.uploads import CleanFile
from haven.notifications.models import Kind
from haven.notifications.services import notify as notify_members
from haven.reports.models import Attachment, ClosedReason, Message, Report, Status
from haven.reports.receipts import hash_receipt, new_receipt

TRIAGE_ROLES = [
    role for role, capabilities in CAPABILITIES.items() if Capability.REPORT_TRIAGE in capabilities
]


@dataclass
class NewReport:
    country: str
    description: str
    language: str = "vi"
    province: str = ""
    when: str = ""
    people_count: int | None = None
    children_involved: bool | None = None
    exploitation_types: list[str] | None = None
    danger_now: bool = False
    contact: str = ""

    @classmethod
    def of(cls, values: dict) -> "NewReport":
        """From a form's or an API call's values, ignoring anything else they hold."""
        names = {field.name for field in fields(cls)}
        return cls(**{name: value for name, value in values.items() if name in names})


def recipients_for(country: str) -> list[Organisation]:
    """Who receives reports about a country: its receiving organisations, else the fallback."""
    organisations = list(Organisation.objects.filter(country=country, receives_public_reports=True))
    if organisations:
        return organisations
    if settings.HAVEN_REPORT_FALLBACK_ORGANISATION:
        fallback = Organisation.objects.filter(name=settings.HAVEN_REPORT_FALLBACK_ORGANISATION)
        if fallback.exists():
            return list(fallback)
    return list(
        Organisation.objects.filter(country=settings.HAVEN_COUNTRY, receives_public_reports=True)
    )


def _attach(report: Report, files: list[CleanFile], message: Message | None = None) -> None:
    Attachment.objects.bulk_create(
        [
            Attachment(
                report=report,
                message=message,
                kind=clean.kind,
                content_type=clean.content_type,
                extension=clean.extension,
                size=len(clean.data),
                data=clean.data,
            )
            for clean in files
        ]
    )


def submit_report(new: NewReport, files: list[CleanFile]) -> tuple[Report, str]:
    """Store the report whole, or not at all; return it with its receipt (shown once)."""
    receipt = new_receipt()
    with transaction.atomic():
        report = Report.objects.create(
            receipt_hash=hash_receipt(receipt),
            language=new.language,
            country=new.country,
            province=new.province,
            description=new.description,
            when=new.when,
            people_count=new.people_count,
            children_involved=new.children_involved,
            exploitation_types=sorted(set(new.exploitation_types or [])),
            danger_now=new.danger_now,
            contact=new.contact,
        )
        recipients = recipients_for(new.country)
        report.recipients.set(recipients)
        if not recipients:
            # Stored all the same (nothing accepted is lost), but nobody can see it yet: say so.
            record_event("report.unrouted")
            _enqueue("warn_unrouted")
        _attach(report, files)
        record_event(
            "report.received",
            obj=report,
            summary={
                "country": new.country,
                "danger_now": new.danger_now,
                "attachments": len(files),
                "recipients": len(recipients),
            },
        )
        _enqueue("send_notification", "new", report_id=str(report.pk))
        for organisation in recipients:
            _tell(organisation, Kind.REPORT_NEW, report)
        transaction.on_commit(REPORTS_RECEIVED.inc)
    return report, receipt


def find_by_receipt(receipt: str) -> Report | None:
    return Report.objects.filter(receipt_hash=hash_receipt(receipt)).first()


def record_reporter_visit(report: Report) -> None:
    """The reporter opened their report with the receipt: audited like any view of a report."""
    record_event("report.reporter_opened", obj=report)


def _tell(users_or_org, kind: str, report: Report, actor: User | None = None) -> None:
    """An in-app notification for triage staff: the report's page, never its content."""
    link = reverse("reports_staff:detail", args=[report.pk])
    notify_members(
        users_or_org, kind, link, obj=report, capability=Capability.REPORT_TRIAGE, exclude=actor
    )


def _touch(report: Report, **fields) -> None:
    fields = {"last_activity": timezone.now(), "purge_warned_at": None, **fields}
    for name, value in fields.items():
        setattr(report, name, value)
    report.save(update_fields=list(fields))


@transaction.atomic
def add_reporter_message(report: Report, body: str, files: list[CleanFile]) -> Message:
    message = Message.objects.create(report=report, author=Message.Author.REPORTER, body=body)
    _attach(report, files, message)
    _touch(report)
    record_event("report.reporter_message", obj=report, summary={"attachments": len(files)})
    _enqueue("send_notification", "message", report_id=str(report.pk))
    if report.assigned_to_id:
        _tell(report.assigned_to, Kind.REPORT_MESSAGE, report)
    else:
        for organisation in report.recipients.all():
            _tell(organisation, Kind.REPORT_MESSAGE, report)
    return message


@transaction.atomic
def add_staff_message(report: Report, *, actor: User, body: str, internal: bool) -> Message:
    message = Message.objects.create(
        report=report, author=Message.Author.STAFF, staff_user=actor, body=body, internal=internal
    )
    _touch(report)
    record_event("report.note" if internal else "report.reply", actor=actor, obj=report)
    return message


class TransitionError(ValueError):
    pass


@transaction.atomic
def change_status(
    report: Report,
    *,
    actor: User,
    status: str,
    reason: str = "",
    referred_to: Organisation | None = None,
) -> None:
    old = report.status
    if status == old or status == Status.NEW or status not in Status.values:
        raise TransitionError(_("Choose a different status."))
    if status == Status.CLOSED and reason not in ClosedReason.values:
        raise TransitionError(_("Say why the report is closed."))
    if status == Status.REFERRED:
        if Capability.CASE_REFER not in actor.capabilities:
            raise PermissionDenied
        if referred_to is None or report.recipients.filter(pk=referred_to.pk).exists():
            raise TransitionError(_("Choose the organisation the report is referred to."))
    changes = {"status": status, "closed_reason": reason if status == Status.CLOSED else ""}
    if report.triaged_at is None:
        changes["triaged_at"] = timezone.now()
    changes["closed_at"] = timezone.now() if status == Status.CLOSED else None
    if status == Status.REFERRED:
        changes["referred_to"] = referred_to
        report.recipients.add(referred_to)
    _touch(report, **changes)
    summary = {"from": old, "to": status}
    if reason and status == Status.CLOSED:
        summary["reason"] = reason
    if referred_to is not None and status == Status.REFERRED:
        summary["referred_to"] = str(referred_to.pk)
    record_event("report.status_changed", actor=actor, obj=report, summary=summary)
    if status == Status.REFERRED:
        _enqueue(
            "send_notification",
            "new",
            report_id=str(report.pk),
            organisation_ids=[str(referred_to.pk)],
        )
        _tell(referred_to, Kind.REPORT_NEW, report)


def thread_for(report: Report, user: User):
    """Messages a staff member may read: internal notes only from their own organisation."""
    return report.messages.filter(
        Q(internal=False) | Q(staff_user__organisation_id=user.organisation_id)
    ).select_related("staff_user")


def triage_members(organisations):
    """Active colleagues in `organisations` whose role triages reports (a queryset)."""
    return User.objects.filter(
        organisation__in=organisations, role__in=TRIAGE_ROLES, is_active=True
    )


def triage_staff(organisations) -> list[User]:
    return list(triage_members(organisations))


@transaction.atomic
def assign(report: Report, *, actor: User, member: User | None) -> None:
    if member is not None and member not in triage_staff(report.recipients.all()):
        raise TransitionError(_("That person cannot work on this report."))
    _touch(report, assigned_to=member)
    record_event(
        "report.assigned",
        actor=actor,
        obj=report,
        summary={"to": str(member.pk) if member else None},
    )
    if member is not None:
        _tell(member, Kind.REPORT_ASSIGNED, report, actor=actor)


@transaction.atomic
def assign_many(reports, *, actor: User, member: User | None) -> None:
    """All or none: one report the colleague cannot work on leaves every report as it was."""
    for report in reports:
        try:
            assign(report, actor=actor, member=member)
        except TransitionError:
            raise TransitionError(
                _("%(name)s cannot work on report %(reference)s; nothing was assigned.")
                % {"name": member.display_name(), "reference": report.reference}
            ) from None


MESSAGES = {
    "new": (
        gettext_lazy("New report in Haven"),
        gettext_lazy(
            "A new report has arrived for %(organisation)s. Sign in to Haven to read it:\n%(url)s\n"
        ),
    ),
    "message": (
        gettext_lazy("New message on a report in Haven"),
        gettext_lazy(
            "A reporter has added to a report of %(organisation)s. "
            "Sign in to Haven to read it:\n%(url)s\n"
        ),
    ),
    "purge": (
        gettext_lazy("Reports will be deleted in Haven"),
        gettext_lazy(
            "%(count)d report(s) of %(organisation)s will be deleted in 7 days unless someone "
            "works on them:\n%(url)s\n"
        ),
    ),
}


def _enqueue(job_name: str, *args, **kwargs) -> None:
    """Queue a job in the change's transaction, so it exists exactly when the change does."""
    from haven.reports import tasks  # tasks call back into this module

    getattr(tasks, job_name).enqueue(*args, **kwargs)


def notify(report: Report | None, kind: str, only=None, count: int = 0) -> int:
    """E-mail the triage staff that something arrived: never what it says.

    Run by the `send_notification` job, which retries it when the mail server fails.
    `only`: ids of the organisations to tell, instead of the report's recipients.
    """
    if only is not None:
        organisations = list(Organisation.objects.filter(pk__in=only).order_by("name"))
    else:
        organisations = list(report.recipients.all())
    mails = []
    for organisation in organisations:
        staff = [user for user in triage_staff([organisation]) if user.email]
        if not staff:
            continue
        subject, text = MESSAGES[kind]
        with translation.override(settings.LANGUAGE_CODE):
            subject = str(subject)
            if kind == "new" and report is not None and report.danger_now:
                subject = _("Urgent: %(subject)s") % {"subject": subject}
            url = f"{settings.HAVEN_SITE_URL}/{settings.LANGUAGE_CODE}/staff/triage/"
            body = str(text) % {"organisation": organisation.name, "url": url, "count": count}
        mails.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email for user in staff]))
    # A failure raises: the job logs its kind only (SMTP errors quote addresses) and retries.
    return send_mass_mail(mails, fail_silently=False) if mails else 0


def notify_unrouted() -> int:
    """Tell the system administrators that a report reached no organisation (never its content)."""
    from haven.accounts.roles import Role

    administrators = User.objects.filter(role=Role.SYSADMIN, is_active=True).exclude(email="")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A report reached no organisation in Haven")
        body = _(
            "A report was stored, but no organisation receives public reports for its country, "
            "and no fallback is set. Mark an organisation as receiving public reports, or set "
            "HAVEN_REPORT_FALLBACK_ORGANISATION."
        )
    if not administrators:
        return 0
    addresses = [user.email for user in administrators]
    return send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)])


def expiry_cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=settings.HAVEN_REPORT_RETENTION_DAYS)


def _expiring(before):
    return Report.objects.exclude(status=Status.ACCEPTED).filter(last_activity__lt=before)


@dataclass
class PurgeReport:
    deleted: int
    warned: int


def purge_expired_reports(now=None) -> PurgeReport:
    """Delete reports closed or untouched for the retention period; warn 7 days before."""
    now = now or timezone.now()
    cutoff = expiry_cutoff(now)
    deleted = 0
    for report in _expiring(cutoff).only("pk", "reference", "status"):
        with transaction.atomic():
            record_event("report.purged", obj=report, summary={"status": report.status})
            report.delete()
            deleted += 1
    warned = 0
    soon = list(
        _expiring(cutoff + timedelta(days=7))
        .filter(purge_warned_at__isnull=True)
        .prefetch_related("recipients")
    )
    by_organisation: dict = {}
    for report in soon:
        for organisation in report.recipients.all():
            by_organisation.setdefault(organisation, []).append(report)
    if soon:
        with transaction.atomic():
            Report.objects.filter(pk__in=[report.pk for report in soon]).update(purge_warned_at=now)
            warned = len(soon)
            record_event("report.purge_warning", summary={"reports": warned})
            for organisation, reports in by_organisation.items():
                _enqueue(
                    "send_notification",
                    "purge",
                    organisation_ids=[str(organisation.pk)],
                    count=len(reports),
                )
    return PurgeReport(deleted, warned)


def reporter_status(report: Report) -> str:
    """The status in words the reporter understands."""
    return {
        Status.NEW: _("Received. Nobody has read it yet; it will be read soon."),
        Status.IN_TRIAGE: _("A case worker is looking at your report."),
        Status.ACCEPTED: _("Your report is being acted on."),
        Status.REFERRED: _("Your report was passed to another organisation that can help."),
        Status.CLOSED: _("This report is closed."),
    }[report.status]
