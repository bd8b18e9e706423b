"""The case itself, in HTCDS 2.0 terms: a case, the people in it, what happened, the help, the consent.

Field names follow the standard (`cas_Status` is `Case.status`, `vic_MethodsOfControl` is
`Participant.control_methods`); codes are stored as HTCDS system names. Multi-select picklists
are JSON lists of codes. Anything that names, locates or describes a person is encrypted, and
list pages show a case's reference and a person's pseudonym only.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from haven.accounts.models import Organisation
from haven.cases import htcds
from haven.lib.crypto import EncryptedTextField

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_case_reference() -> str:
    """Random like report references, so it says nothing about how many cases exist."""
    return "C-" + "".join(secrets.choice(ALPHABET) for _ in range(7))


def new_pseudonym() -> str:
    return "P-" + "".join(secrets.choice(ALPHABET) for _ in range(5))


def work_owner():  # a note's, task's or service's: the owner's (or empty), or a receiver's own
    return models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True, related_name="+")


class Source(models.TextChoices):
    REPORT = "report", _("Community report")
    SCREENING = "screening", _("Screening")
    REFERRAL = "referral", _("Incoming referral")
    HOTLINE = "hotline", _("Hotline call")
    WALK_IN = "walk_in", _("Walk-in")
    IMPORT = "import", _("Imported")


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_case_reference, editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=htcds.CaseStatus.choices, default="Active"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("owner")
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("case worker"),
    )
    opened = models.DateField(_("opened"), default=timezone.localdate)
    closed = models.DateField(_("closed"), null=True, blank=True)
    closure_reason = EncryptedTextField(_("reason for closure"), blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.WALK_IN
    )
    source_report = models.ForeignKey(
        "reports.Report",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("report"),
    )
    country = CountryField(_("country"))
    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices, default=Risk.MEDIUM)
    summary = EncryptedTextField(_("summary"), blank=True)
    # The union of the victims' exploitation types, kept by the services for list filters.
    exploitation_types = models.JSONField(_("kinds of exploitation"), default=list, blank=True)
    # An incoming referral from outside Haven (cas_ReferringOrganisation and its fields).
    referring_organisation = models.CharField(
        _("referring organisation"), max_length=200, blank=True
    )
    referring_case_worker = EncryptedTextField(_("referring case worker"), blank=True)
    incoming_referral_date = models.DateField(_("incoming referral date"), null=True, blank=True)
    incoming_referral_reason = models.CharField(
        _("reason for incoming referral"),
        max_length=40,
        choices=htcds.ReferralReason.choices,
        blank=True,
    )
    incoming_referral_details = EncryptedTextField(_("incoming referral details"), blank=True)
    # An outgoing referral recorded elsewhere and imported; referrals made in Haven are Referral rows.
    external_referred_organisation = models.CharField(max_length=200, blank=True)
    external_referred_case_worker = EncryptedTextField(blank=True)
    external_referral_reason = models.CharField(
        max_length=40, choices=htcds.ReferralReason.choices, blank=True
    )
    external_referral_date = models.DateField(null=True, blank=True)
    external_referral_details = EncryptedTextField(blank=True)
    # Handed over for good to an organisation of another deployment (haven.federation.handover):
    # the case stays here read-only, as the record of what was sent.
    handed_abroad = models.DateTimeField(_("handed over abroad"), null=True, blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened", "-created"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["organisation", "-opened", "-created"]),
            # The capped count of a filtered list reads only this index: without the filtered
            # columns, it read one table page per case (bench/cases.py). Key columns rather
            # than INCLUDE, which SQLite lacks.
            models.Index(
                fields=[
                    *("organisation", "status", "-opened", "-created", "id"),
                    *("country", "risk", "exploitation_types"),
                ],
                name="case_list_filters",
            ),
            models.Index(fields=["case_worker", "status", "-opened"]),
            # Statistics find the cases changed since their last build by this column.
            models.Index(fields=["updated"], name="case_updated"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in (htcds.CaseStatus.ACTIVE, htcds.CaseStatus.FOLLOW_UP)
