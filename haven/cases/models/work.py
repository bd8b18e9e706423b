"""The work on a case: services (`spl_`), notes, files, tasks, screenings and field history."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Organisation
from haven.cases import htcds
from haven.cases.models.case import Case, work_owner
from haven.cases.models.people import Participant
from haven.lib.crypto import EncryptedBinaryField, EncryptedTextField


class ServiceOutcome(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined by the person")
    NOT_AVAILABLE = "not_available", _("Not available")


class SupportService(models.Model):
    """`spl_`: a support plan item, who provides it, when, and how it ended."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="services"
    )
    type = models.CharField(_("type"), max_length=40, choices=htcds.SupportType.choices)
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("provider"),
    )
    objectives = EncryptedTextField(_("objectives"), blank=True)
    action_plan = EncryptedTextField(_("action plan"), blank=True)
    planned_end = models.DateField(_("planned end date"), null=True, blank=True)
    actual_end = models.DateField(_("actual end date"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=ServiceOutcome.choices, default=ServiceOutcome.PLANNED
    )
    # A service an organisation of another deployment provides on a referral sent abroad: its
    # name and country, as its deployment reported it (haven.federation.thread); read-only here.
    provided_elsewhere = models.CharField(max_length=200, blank=True)
    organisation = work_owner()
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return f"{self.case} {self.type}"


class Note(models.Model):
    """`cco_CaseComment`, encrypted, never referred; a receiver's reaches the owner if shared."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = EncryptedTextField(_("note"))
    organisation = work_owner()
    shared_with_owner = models.BooleanField(_("shared with the owner"), default=False)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.case} note {self.created:%Y-%m-%d}"


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=60)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    data = EncryptedBinaryField()
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class Task(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("task"))
    due = models.DateField(_("due"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_tasks",
        verbose_name=_("assigned to"),
    )
    done_at = models.DateTimeField(null=True, blank=True)
    organisation = work_owner()
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        # Open tasks first on every database: PostgreSQL puts nulls last in ascending order.
        ordering = [models.F("done_at").asc(nulls_first=True), "due"]
        indexes = [
            # With the case in it, the overdue list is found from this index alone.
            models.Index(
                fields=["due", "case"],
                condition=models.Q(done_at__isnull=True),
                name="open_task_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} task {self.due}"


class Change(models.Model):
    """Field-level history: who changed which field of what, from what to what (encrypted)."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    section = models.CharField(max_length=24)
    object_id = models.CharField(max_length=40)
    field = models.CharField(max_length=40)
    old = EncryptedTextField(blank=True)
    new = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.section}.{self.field}"


class Screening(models.Model):
    """A frontline questionnaire run for a person in the case, with the version it used.

    The record (answers, dimensions, outcome) is encrypted: the answers say what happened.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="screenings")
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="screenings"
    )
    questionnaire = models.CharField(max_length=40)
    version = models.PositiveIntegerField()
    outcome = models.CharField(max_length=24)
    record = EncryptedTextField()
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    screened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-screened_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.questionnaire} v{self.version}"
