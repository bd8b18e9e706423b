"""What the public pages per instrument, country and area show: how many commitments are in each
status, each indicator's validated values over the periods (a chart and its table), and each
commitment's validated history. Only validated reports count."""

from collections import defaultdict

from django.utils.translation import gettext as _

from haven.lib.charts import bar_chart, time_series
from haven.participation.models import Status, Validation

NO_REPORT = ""


def _cell(value) -> dict:
    return {"count": value, "hidden": None}


def status_counts(commitments) -> dict:
    """commitments: annotated with latest_status (services.with_latest_status)."""
    counts = defaultdict(int)
    for commitment in commitments:
        counts[commitment.latest_status or NO_REPORT] += 1
    rows = [(label, counts[value]) for value, label in Status.choices]
    rows.append((_("No validated report yet"), counts[NO_REPORT]))
    return {
        "rows": rows,
        "total": sum(counts.values()),
        "chart": bar_chart([(label, _cell(count)) for label, count in rows]),
    }


def _history(commitment) -> list:
    """Validated reports, one per period (the latest validated), oldest period first."""
    by_period = {}
    for report in sorted(
        commitment.progress_reports.all(),
        key=lambda r: (r.period, r.validated_at or r.submitted_at),
    ):
        if report.validation == Validation.VALIDATED:
            by_period[report.period] = report
    return [by_period[p] for p in sorted(by_period)]


def commitment_tracks(commitments) -> list[dict]:
    """For each commitment: its validated history (newest first) and, per indicator, the values
    over the periods with a chart. commitments must prefetch indicators and progress_reports."""
    tracks = []
    for commitment in commitments:
        history = _history(commitment)
        indicators = []
        for indicator in commitment.indicators.all():
            points = [
                (report.period, report.indicators[indicator.code])
                for report in history
                if isinstance(report.indicators, dict) and indicator.code in report.indicators
            ]
            indicators.append(
                {
                    "indicator": indicator,
                    "points": points,
                    "chart": time_series([(p, _cell(v)) for p, v in points]) if points else "",
                }
            )
        tracks.append(
            {
                "commitment": commitment,
                "history": list(reversed(history)),
                "indicators": indicators,
            }
        )
    return tracks
