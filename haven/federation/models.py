"""Federation: this deployment's keys, its peers, and the messages exchanged with them."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.lib.crypto import EncryptedTextField


class KeyUse(models.TextChoices):
    SIGN = "sig", _("signing (Ed25519)")
    ENCRYPT = "enc", _("encryption (X25519)")


class FederationKey(models.Model):
    """One of this deployment's key pairs; the private half is encrypted at rest.

    Each rotation adds a generation holding one signing and one encryption key. The newest
    generation signs; every generation not retired is published, verifies and decrypts. Keys
    belong to the public address they were made for (HAVEN_PUBLIC_URL): peers know a deployment
    by it, so a new address is a new identity (and two demo deployments can share a database).
    """

    owner = models.URLField()
    kid = models.CharField(max_length=64, unique=True)
    use = models.CharField(max_length=3, choices=KeyUse.choices)
    generation = models.PositiveIntegerField()
    public_jwk = models.JSONField()
    private_jwk = EncryptedTextField()
    created = models.DateTimeField(default=timezone.now)
    retired = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-generation", "use"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "use", "generation"], name="federation_key_generation"
            )
        ]
        verbose_name = _("federation key")
        verbose_name_plural = _("federation keys")

    def __str__(self) -> str:
        return f"{self.use} #{self.generation}"


class PeerState(models.TextChoices):
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")


class Peer(models.Model):
    """Another Haven deployment, pinned by its signed identity document."""

    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    base_url = models.URLField(_("address"), unique=True)
    document = models.JSONField(_("identity document"))
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    state = models.CharField(
        _("state"), max_length=10, choices=PeerState.choices, default=PeerState.ACTIVE
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    refreshed = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("peer deployment")
        verbose_name_plural = _("peer deployments")

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"

    @property
    def active(self) -> bool:
        return self.state == PeerState.ACTIVE

    def public_keys(self, use: str) -> dict[str, dict]:
        return {key["kid"]: key for key in self.document.get("keys", []) if key.get("use") == use}


class InboxMessage(models.Model):
    """A message accepted from a peer. Its id is remembered: the same id again is a replay."""

    message_id = models.UUIDField()
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="inbox")
    kind = models.CharField(max_length=64)
    body = EncryptedTextField()  # the verified claims, JSON
    received = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-received"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "message_id"], name="federation_inbox_once")
        ]
        verbose_name = _("received message")
        verbose_name_plural = _("received messages")

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"


class OutboxState(models.TextChoices):
    PENDING = "pending", _("waiting to be delivered")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed, no more attempts")


class OutboxMessage(models.Model):
    """A message for a peer, written in the transaction of the change that causes it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbox")
    kind = models.CharField(max_length=64)
    body = EncryptedTextField()  # JSON
    state = models.CharField(
        max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.CharField(max_length=64, blank=True)  # a reason code, never a message
    created = models.DateTimeField(default=timezone.now, editable=False)
    delivered = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created"]
        verbose_name = _("message to send")
        verbose_name_plural = _("messages to send")

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


class PeerReferral(models.Model):
    """A referral one side of which is another deployment's organisation.

    Outgoing: the local Referral has no `to_organisation`; the peer's organisation is named here.
    Incoming: the local Referral has no `from_organisation`; what the sender shared is kept here,
    encrypted, until the sender revokes. `thread` is the sender's referral id, known to both.
    """

    referral = models.OneToOneField(
        "cases.Referral", on_delete=models.CASCADE, related_name="peer_link"
    )
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="referrals")
    incoming = models.BooleanField(default=False)
    thread = models.UUIDField()
    organisation_code = models.CharField(max_length=64)  # the other side's organisation id
    organisation_name = models.CharField(max_length=200)
    shared = EncryptedTextField(blank=True)  # incoming: the shared sections, HTCDS JSON
    told_state = models.CharField(max_length=12, blank=True)  # the last state sent to the peer
    # Hand-over of the case (haven.federation.handover). The sender: when, by which message, the
    # sections sent, the receiver's confirmation and its reference. The receiver: when received.
    handed_over = models.DateTimeField(null=True, blank=True)
    handover_message = models.UUIDField(null=True, blank=True)
    handover_sections = models.JSONField(default=list, blank=True)
    handover_confirmed = models.DateTimeField(null=True, blank=True)
    remote_reference = models.CharField(max_length=12, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "thread", "incoming"], name="federation_referral_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name} ({self.peer.country})"
