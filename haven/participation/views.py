"""Public pages: the instruments and their commitments, and each commitment's validated progress."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from haven.lib.vocabulary import country_name
from haven.participation import services
from haven.participation.models import Area, Commitment, Instrument, Meeting, Status


@require_safe
def commitments(request):
    """Every instrument with its commitments and the latest validated status of each."""
    found = services.with_latest_status(Commitment.objects.select_related("instrument"))
    by_instrument = {}
    labels = dict(Status.choices)
    for commitment in found:
        commitment.status_label = labels.get(commitment.latest_status)
        by_instrument.setdefault(commitment.instrument_id, []).append(commitment)
    instruments = [
        (instrument, by_instrument.get(instrument.pk, []))
        for instrument in Instrument.objects.all()
    ]
    language = (get_language() or "en")[:2]
    countries = sorted(
        {c.country for c in found if c.country}, key=lambda code: country_name(code, language)
    )
    context = {
        "instruments": instruments,
        "countries": [(code, country_name(code, language)) for code in countries],
        "areas": Area.choices,
        "meetings": Meeting.objects.all(),
    }
    return render(request, "participation/commitments.html", context)


@require_safe
def commitment(request, code: str):
    """One commitment and its validated progress, newest period first."""
    found = get_object_or_404(
        Commitment.objects.select_related("instrument", "recommendation__meeting").prefetch_related(
            "indicators"
        ),
        code=code,
    )
    reports = services.reports_visible_to(None).filter(commitment=found)
    context = {"commitment": found, "reports": reports}
    return render(request, "participation/commitment.html", context)
