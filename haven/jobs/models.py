"""The periodic schedule's memory: which period of each periodic job was last enqueued."""

from django.db import models


class PeriodicRun(models.Model):
    """One row per periodic job; moving `period` forward is what claims a period."""

    name = models.CharField(max_length=64, primary_key=True)
    period = models.BigIntegerField(default=-1)  # periods since 1970-01-01 00:00 UTC
    enqueued_at = models.DateTimeField(null=True)
    result_id = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return self.name
