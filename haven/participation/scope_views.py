"""Public pages for one instrument, one country, one area, and one meeting: validated progress
only, charts drawn on the server with their tables."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from haven.lib.vocabulary import ASEAN, country_name
from haven.participation import services, tracking
from haven.participation.models import (
    Area,
    Commitment,
    Instrument,
    Meeting,
    ProgressReport,
    Status,
    Validation,
)


def _commitments():
    validated = ProgressReport.objects.filter(validation=Validation.VALIDATED)
    return services.with_latest_status(
        Commitment.objects.select_related("instrument", "recommendation__meeting")
    ).prefetch_related("indicators", Prefetch("progress_reports", queryset=validated))


def _render(request, title: str, found, extra=None):
    found = list(found)
    labels = dict(Status.choices)
    for commitment in found:
        commitment.status_label = labels.get(commitment.latest_status)
    context = {
        "title": title,
        "counts": tracking.status_counts(found),
        "tracks": tracking.commitment_tracks(found),
        **(extra or {}),
    }
    return render(request, "participation/scope.html", context)


@require_safe
def instrument(request, slug: str):
    found = get_object_or_404(Instrument, slug=slug)
    return _render(
        request, found.name, _commitments().filter(instrument=found), {"instrument": found}
    )


@require_safe
def country(request, code: str):
    code = code.upper()
    if code not in ASEAN:
        raise Http404
    name = country_name(code, (get_language() or "en")[:2])
    return _render(request, name, _commitments().filter(country=code), {"country": code})


@require_safe
def area(request, area: str):
    if area not in Area.values:
        raise Http404
    return _render(request, Area(area).label, _commitments().filter(area=area), {"area": area})


@require_safe
def meeting(request, slug: str):
    found = get_object_or_404(Meeting, slug=slug)
    recommendations = found.recommendations.prefetch_related("serves__instrument")
    actions = _commitments().filter(recommendation__meeting=found)
    return _render(
        request, found.name, actions, {"meeting": found, "recommendations": recommendations}
    )
