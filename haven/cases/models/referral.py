"""Referrals between organisations, and hand-overs of a case's ownership."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Organisation
from haven.cases import htcds
from haven.cases.models.case import Case
from haven.lib.crypto import EncryptedTextField


class Section(models.TextChoices):
    """What a referral can share. Notes, attachments and history are never shared."""

    SUMMARY = "summary", _("Case summary (no names or contacts)")
    EXPLOITATION = "exploitation", _("What happened: exploitation and events")
    SUPPORT = "support", _("Support plan and services")
    IDENTITY = "identity", _("Identity: names, birth date, identity number")
    CONTACT = "contact", _("Contact details and address")


class ReferralState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


# While a referral is in one of these states, the receiving organisation sees what it shares.
VISIBLE_STATES = (ReferralState.PENDING, ReferralState.ACCEPTED, ReferralState.COMPLETED)
LIVE_STATES = (ReferralState.PENDING, ReferralState.ACCEPTED)


class Referral(models.Model):
    """`cas_ReferredOrganisation`: one referral, what it shares (one side a peer's when abroad)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, related_name="+")
    to_organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        related_name="incoming_referrals",
        verbose_name=_("to"),
    )
    reason = models.CharField(_("reason"), max_length=40, choices=htcds.ReferralReason.choices)
    details = EncryptedTextField(_("details"), blank=True)
    sections = models.JSONField(_("shared"), default=list)
    state = models.CharField(
        _("state"), max_length=12, choices=ReferralState.choices, default=ReferralState.PENDING
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    receiving_case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = EncryptedTextField(_("response"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["to_organisation", "state", "-sent_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "to_organisation"],
                condition=models.Q(state__in=["pending", "accepted"]),
                name="one_live_referral_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_organisation}"


class Handover(models.Model):
    """A transfer of ownership, and which of the sender's own records went with it.

    Notes, files and history written before a hand-over stay hidden from the new owner unless
    the sender ticked them (`haven.cases.handover`); the rest of the case always moves.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    notes = models.BooleanField(_("internal notes"), default=False)
    attachments = models.BooleanField(_("files"), default=False)
    history = models.BooleanField(_("history"), default=False)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.case} handed over {self.at:%Y-%m-%d}"
