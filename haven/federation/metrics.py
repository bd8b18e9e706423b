"""The outbox's gauges for /metrics: messages waiting and failed, per peer address."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from haven.federation.models import OutboxMessage, OutboxState


class OutboxCollector:
    def collect(self):
        families = {
            OutboxState.PENDING: GaugeMetricFamily(
                "haven_federation_outbox_pending",
                "Messages to a peer not yet delivered",
                labels=["peer"],
            ),
            OutboxState.FAILED: GaugeMetricFamily(
                "haven_federation_outbox_failed",
                "Messages to a peer given up after every attempt",
                labels=["peer"],
            ),
        }
        rows = (
            OutboxMessage.objects.filter(state__in=list(families))
            .values("peer__base_url", "state")
            .annotate(count=Count("pk"))
        )
        for row in rows:
            families[row["state"]].add_metric([row["peer__base_url"]], row["count"])
        yield from families.values()
