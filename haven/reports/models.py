"""Anonymous reports, their follow-up messages and attachments; personal content encrypted."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from haven.accounts.models import Organisation
from haven.lib.crypto import EncryptedBinaryField, EncryptedTextField


class Exploitation(models.TextChoices):
    """HTCDS 2.0 `vic_TypeOfExploitation`, in plain words for the public."""

    FORCED_LABOUR = "ForcedLabour", _("Forced to work (no pay, cannot leave, debts)")
    SEXUAL = "SexualExploitation", _("Forced into sex work or sexual abuse")
    CHILD_LABOUR = "ChildLabour", _("Children made to work")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced or arranged marriage abroad")
    SERVITUDE = "Servitude", _("Kept as a servant in a home")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Forced to join an armed group")
    ORGAN_REMOVAL = "OrganRemoval", _("Made to sell or give an organ")
    FORCED_BEGGING = "ForcedBegging", _("Forced to beg")
    FORCED_ADOPTION = "ForcedAdoption", _("A child sold or given for adoption")
    SURROGACY = "Surrogacy", _("Forced to carry a baby for others")
    OTHER = "Other", _("Something else, or I am not sure")


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_TRIAGE = "in_triage", _("In triage")
    ACCEPTED = "accepted", _("Accepted")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")


class ClosedReason(models.TextChoices):
    RESOLVED = "resolved", _("Help was given or the situation is resolved")
    NOT_TRAFFICKING = "not_trafficking", _("Not a trafficking situation")
    DUPLICATE = "duplicate", _("Already reported")
    NOT_ENOUGH = "not_enough", _("Not enough information to act")
    OTHER = "other", _("Other reason")


def new_reference() -> str:
    """A short code for staff to name a report by; random, so it says nothing about the count."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "R-" + "".join(secrets.choice(alphabet) for _ in range(7))


class Report(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(max_length=5, default="vi")
    country = CountryField(_("country"))
    province = EncryptedTextField(_("province or city"), blank=True)
    description = EncryptedTextField(_("what happened"))
    when = EncryptedTextField(_("when"), blank=True)
    people_count = models.PositiveIntegerField(_("people at risk"), null=True, blank=True)
    children_involved = models.BooleanField(_("children among them"), null=True, blank=True)
    exploitation_types = models.JSONField(_("kinds of exploitation"), default=list, blank=True)
    danger_now = models.BooleanField(_("in danger now"), default=False)
    contact = EncryptedTextField(_("contact details"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    closed_reason = models.CharField(max_length=20, choices=ClosedReason.choices, blank=True)
    recipients = models.ManyToManyField(Organisation, related_name="reports", blank=True)
    referred_to = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    last_activity = models.DateTimeField(default=timezone.now, db_index=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    purge_warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-danger_now", "-created"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["status", "-danger_now", "-created"])]

    def __str__(self) -> str:
        return self.reference


class Message(models.Model):
    """A message between reporter and staff, or (internal) a note only staff see."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Reporter")
        STAFF = "staff", _("Staff")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=Author.choices)
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    internal = models.BooleanField(default=False)
    body = EncryptedTextField()
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return f"{self.report} {self.author} {self.created:%Y-%m-%d}"


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
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
        return f"{self.report} {self.kind}"
