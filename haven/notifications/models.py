"""In-app notifications: who is told, of what kind, and where to look; never what it says."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What happened, in words the list shows; the details stay behind the link."""

    REPORT_NEW = "report.new", _("A new report arrived for your organisation")
    REPORT_MESSAGE = "report.message", _("A reporter wrote a new message")
    REPORT_ASSIGNED = "report.assigned", _("A report was given to you")
    REFERRAL_RECEIVED = "referral.received", _("Your organisation received a referral")
    REFERRAL_ACCEPTED = "referral.accepted", _("A referral you sent was accepted")
    REFERRAL_DECLINED = "referral.declined", _("A referral you sent was declined")
    REFERRAL_REVOKED = "referral.revoked", _("A referral to your organisation was withdrawn")
    REFERRAL_MESSAGE = "referral.message", _("A new message in a referral's thread")
    TASK_ASSIGNED = "task.assigned", _("A task was given to you")
    TASK_OVERDUE = "task.overdue", _("A task of yours is overdue")
    CASE_ASSIGNED = "case.assigned", _("A case was given to you")
    PROPOSAL_ANSWERED = "proposal.answered", _("Your proposal to a consultation was answered")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # The object it is about (a report, case, task or referral id) and the staff page to open,
    # without the language prefix: identifiers only, never a name or a word of content.
    object_type = models.CharField(max_length=20, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    link = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at", "-created"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.created:%Y-%m-%d}"


class DigestSubscription(models.Model):
    """A member's choice of a daily e-mail that says how many things wait (never what)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    enabled = models.BooleanField(_("daily e-mail"), default=False)
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")

    def __str__(self) -> str:
        return f"digest {self.user_id} {self.enabled}"
