"""The referral thread: what the sending and the receiving organisation write to each other."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Organisation
from haven.lib.crypto import EncryptedTextField


class ReferralMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        "cases.Referral", on_delete=models.CASCADE, related_name="messages"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = EncryptedTextField(_("message"))
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        app_label = "cases"
        ordering = ["created"]

    def __str__(self) -> str:
        return f"{self.referral} message {self.created:%Y-%m-%d}"
