"""The queue's gauges for /metrics, read from the database at each scrape."""

from prometheus_client.core import GaugeMetricFamily

from haven.jobs.models import PeriodicRun
from haven.jobs.queue import queue_summary


class QueueCollector:
    def collect(self):
        summary = queue_summary()
        for name, help_text, value in (
            ("haven_jobs_ready", "Jobs due now, not yet started", summary.ready),
            ("haven_jobs_waiting", "Jobs waiting for their time (retries)", summary.waiting),
            ("haven_jobs_running", "Jobs running", summary.running),
            ("haven_jobs_failed", "Jobs failed for good (no attempt left)", summary.failed),
            (
                "haven_jobs_oldest_ready_age_seconds",
                "How long the oldest job due has waited",
                summary.oldest_ready_age.total_seconds(),
            ),
        ):
            yield GaugeMetricFamily(name, help_text, value=value)
        last = GaugeMetricFamily(
            "haven_periodic_last_enqueued_timestamp_seconds",
            "When each periodic job was last enqueued (Unix time)",
            labels=["job"],
        )
        for name, when in PeriodicRun.objects.exclude(enqueued_at=None).values_list(
            "name", "enqueued_at"
        ):
            last.add_metric([name], when.timestamp())
        yield last
