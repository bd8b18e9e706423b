"""The referral thread: what the sending and the receiving organisation write to each other."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Organisation
from haven.accounts.roles import Capability
from haven.lib.crypto import EncryptedTextField
from haven.notifications.models import Kind
from haven.notifications.services import notify


class ReferralMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        "cases.Referral", on_delete=models.CASCADE, related_name="messages"
    )
    # The author's organisation; none for a message written on another deployment, whose
    # organisation is named in `written_elsewhere` (haven.federation.thread).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+"
    )
    written_elsewhere = models.CharField(max_length=200, blank=True)
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

    @property
    def organisation_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.written_elsewhere


def tell_the_other_side(message: ReferralMessage) -> int:
    """A new message in a referral's thread: the other organisation hears of it (the receiver's
    `case.write` members, or the sender and the case worker), with a link to the case page where
    both read the thread; never a word of the message. Across a border, the local side hears of
    a message that arrived; one written here goes to the peer (haven.federation.thread)."""
    referral = message.referral
    link = reverse("cases:detail", args=[referral.case_id])
    if referral.to_organisation_id is None:  # sent abroad: the other side is on another deployment
        if message.organisation_id:
            return 0
        others = {referral.sent_by, referral.case.case_worker} - {None}
        return notify(others, Kind.REFERRAL_MESSAGE, link, obj=referral)
    if message.organisation_id == referral.to_organisation_id:
        others = {referral.sent_by, referral.case.case_worker} - {None}
        return notify(others, Kind.REFERRAL_MESSAGE, link, obj=referral, exclude=message.author)
    return notify(
        referral.to_organisation,
        Kind.REFERRAL_MESSAGE,
        link,
        obj=referral,
        capability=Capability.CASE_WRITE,
        exclude=message.author,
    )
