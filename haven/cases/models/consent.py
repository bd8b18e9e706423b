"""Consent (`con_`): each item answered per person and case, withdrawn but never edited."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.models.case import Case
from haven.cases.models.people import Person


class ConsentItem(models.TextChoices):
    """The seven things HTCDS 2.0 `con_Consent` says a person must agree to or be told."""

    INTERVIEW = "interview", _("Agrees to the interview")
    PURPOSE = "purpose", _("Told the purpose of the interview")
    USE_OF_DATA = "use_of_data", _("Told how the data is and may be used, sharing included")
    RESEARCH = "research", _("Agrees to non-identifying data being used for research")
    ACCESS = "access", _("Told of the right to see their data at any time")
    RETENTION = "retention", _("Told how long the data is kept")
    WITHDRAWAL = "withdrawal", _("Told how to withdraw consent")
    CROSS_BORDER = "cross_border", _("Agrees to sharing with an organisation in another country")


class Consent(models.Model):
    """One answer about one item, for one person in one case; withdrawn, never edited."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    item = models.CharField(_("item"), max_length=16, choices=ConsentItem.choices)
    given = models.BooleanField(_("given"))
    information_version = models.CharField(_("information version"), max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at"]
        indexes = [
            models.Index(fields=["case", "person", "item"]),
            # Statistics check the latest research answers and withdrawals from index ends.
            models.Index(fields=["item", "recorded_at"], name="consent_item_recorded"),
            models.Index(fields=["item", "withdrawn_at"], name="consent_item_withdrawn"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.item} {self.given}"
