"""The append-only, hash-chained audit and access log."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    pass


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")


class Event(models.Model):
    """One thing that happened. The summary never holds personal data.

    Actor and organisation are plain identifiers, not foreign keys, so that deleting a user
    neither changes nor removes the record of what they did.
    """

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    created = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    actor_id = models.UUIDField(null=True, blank=True, db_index=True, editable=False)
    actor_username = models.CharField(max_length=150, blank=True, editable=False)
    organisation_id = models.UUIDField(null=True, blank=True, db_index=True, editable=False)
    action = models.CharField(max_length=64, db_index=True, editable=False)
    object_type = models.CharField(max_length=64, blank=True, editable=False)
    object_id = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    summary = models.JSONField(default=dict, blank=True, editable=False)
    previous_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)
    # Which HAVEN_AUDIT_KEY signed this event: keys rotate, old ones stay to verify.
    key_id = models.CharField(max_length=16, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
