"""Statistics pages: the public figures, the staff dashboard, and their CSV files."""

import io
from datetime import date

from django import forms
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from haven.accounts.access import staff_view
from haven.accounts.models import Organisation
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.models import ReferralState
from haven.lib import vocabulary
from haven.stats import charts, dashboard, export, privacy
from haven.stats.figures import (
    CACHE_SECONDS,
    NotPublished,
    StatsError,
    cached_figure,
    parse_query,
    sources_for,
)
from haven.stats.labels import value_label
from haven.stats.models import CASES, Format, Source
from haven.stats.projection import refresh_cases
from haven.stats.variables import AGE_BANDS, FLAG, LAYOUTS, TRAFFICK_MONTHS

IN_ORDER = {value: index for index, value in enumerate(AGE_BANDS + TRAFFICK_MONTHS)}
PUBLIC_FIGURES = [
    ("yearOfRegistration", "series", gettext_lazy("Identified victims by year of registration")),
    ("gender", "bar", gettext_lazy("Identified victims by gender")),
    ("ageBroadAtEntry", "bar", gettext_lazy("Age on entering trafficking")),
    ("citizenship", "bar", gettext_lazy("Citizenship")),
    ("CountryOfExploitation", "bar", gettext_lazy("Country of exploitation")),
    ("typeOfExploitConcatenated", "bar", gettext_lazy("Type of exploitation")),
    ("meansOfControlConcatenated", "bar", gettext_lazy("Means of control")),
    ("RecruiterRelationship", "bar", gettext_lazy("Relationship to the recruiter")),
    ("citizenship,CountryOfExploitation", "flow", gettext_lazy("From citizenship to country of exploitation")),
]  # fmt: skip
STAFF_FIGURES = [
    ("yearOfRegistration", "series", gettext_lazy("Victims by year of registration")),
    ("gender", "bar", gettext_lazy("Victims by gender")),
    ("majorityEntry", "bar", gettext_lazy("Adult or minor on entering trafficking")),
    ("citizenship", "bar", gettext_lazy("Citizenship")),
    ("CountryOfExploitation", "bar", gettext_lazy("Country of exploitation")),
    ("typeOfExploitConcatenated", "bar", gettext_lazy("Type of exploitation")),
    ("meansOfControlConcatenated", "bar", gettext_lazy("Means of control")),
    ("RecruiterRelationship", "bar", gettext_lazy("Relationship to the recruiter")),
    ("citizenship,CountryOfExploitation", "flow", gettext_lazy("From citizenship to country of exploitation")),
]  # fmt: skip


def present(figure, kind: str, title, by: str) -> dict:
    """What a template needs to draw a figure: rows with labels and shares, a chart, a table."""
    first = figure.by[0]
    rows = [
        {"label": value_label(first, cell[first.name]), "cell": cell, "share": _share(cell, figure)}
        for cell in figure.cells
    ]
    result = {"title": title, "by": by, "kind": kind, "figure": figure, "rows": rows}
    if kind == "series":
        result["chart"] = charts.time_series([(row["label"], row["cell"]) for row in rows])
    elif kind == "bar":
        values = [cell[first.name] for cell in figure.cells]
        if values and all(value in IN_ORDER for value in values):
            # Age bands and durations read in their own order, youngest first.
            order = {id(cell): IN_ORDER[cell[first.name]] for cell in figure.cells}
            rows.sort(key=lambda row: order[id(row["cell"])])
        else:
            rows.sort(
                key=lambda row: (
                    row["cell"]["count"] is None,
                    -(row["cell"]["count"] or 0),
                    row["label"],
                )
            )
        result["chart"] = charts.bar_chart([(row["label"], row["cell"]) for row in rows])
    else:
        result.update(_flow(figure))
    return result


def _share(cell, figure) -> str:
    if cell["count"] is None or not figure.denominator:
        return ""
    # 31,2 % in Vietnamese, 31.2 % in English: the locale's decimal mark, a space that never breaks.
    return f"{number_format(100 * cell['count'] / figure.denominator, 1)}\u00a0%"


def _flow(figure) -> dict:
    origin, destination = figure.by
    columns = sorted({cell[destination.name] for cell in figure.cells})
    lines = {}
    for cell in figure.cells:
        lines.setdefault(cell[origin.name], {})[cell[destination.name]] = cell
    top = max((cell["count"] or 0 for cell in figure.cells), default=0)
    return {
        "columns": [value_label(destination, value) for value in columns],
        "lines": [
            {
                "label": value_label(origin, value),
                "cells": [
                    {"cell": cells.get(column), "heat": charts.heat(cells.get(column), top)}
                    for column in columns
                ],
            }
            for value, cells in sorted(lines.items())
        ],
    }


def _public_source(request) -> Source:
    """The source the public page shows: Haven's cases, or a published open data set (or 404)."""
    name = request.GET.get("source") or CASES
    if name == CASES:
        return refresh_cases()
    return get_object_or_404(Source.objects.exclude(name=CASES), name=name, published=True)


def _public_figures(source: Source) -> list:
    """Haven's own cases: the chosen figures; a published data set: every variable it has."""
    if source.name == CASES:
        return PUBLIC_FIGURES
    layout = LAYOUTS[source.format]
    return [(v.name, "bar", v.label) for v in layout.variables.values() if v.kind != FLAG]


@require_safe
def public(request):
    """The published figures; drawn once per source, data version and language, then cached."""
    source = _public_source(request)
    epsilon = privacy.epsilon()
    key = f"stats:page:{get_language()}:{source.name}:{source.version}:{epsilon}"
    page = cache.get(key)
    if page is None:
        figures = [
            present(
                cached_figure(parse_query({"by": by}, published=True, source=source)),
                kind,
                title,
                by,
            )
            for by, kind, title in _public_figures(source)
        ]
        context = {
            "source": source,
            "sources": sources_for(published=True),
            "query": "" if source.name == CASES else f"?source={source.name}",
            "figures": figures,
            "epsilon": epsilon,
            "threshold": privacy.THRESHOLD,
            "as_of": timezone.localdate(),
        }
        page = render_to_string("stats/public.html", context, request=request)
        cache.set(key, page, CACHE_SECONDS)
    return HttpResponse(page)


def _csv_response(figure, name: str) -> HttpResponse:
    out = io.StringIO()
    export.write_figure(out, figure)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="haven-{name}.csv"'
    return response


def _errors(error: StatsError) -> HttpResponseBadRequest:
    text = "\n".join(f"{name}: {message}" for name, message in error.errors)
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


@require_safe
def public_csv(request):
    try:
        query = parse_query(request.GET.dict(), published=True)
    except NotPublished:
        raise Http404 from None
    except StatsError as error:
        return _errors(error)
    return _csv_response(cached_figure(query), "-".join(variable.name for variable in query.by))


class DashboardForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("Source"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # "Haven cases", not the reserved name "cases"; imported sources keep the name given them.
        self.fields["source"].choices = [
            (name, Format.CASES.label if name == CASES else name)
            for name in sources_for(False).values_list("name", flat=True)
        ] or [(CASES, Format.CASES.label)]
        self.fields["country"].choices = [("", "—"), *vocabulary.country_choices(get_language())]
        if dashboard.sees_every_organisation(user):
            self.fields["organisation"].queryset = Organisation.objects.all()
        else:
            del self.fields["organisation"]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def _figures_of(name: str) -> list:
    """The dashboard's figures for Haven's cases; every variable of an imported data set."""
    if name == CASES:
        return STAFF_FIGURES
    source = Source.objects.filter(name=name).first()
    if source is None:
        return []
    layout = LAYOUTS[source.format]
    return [(v.name, "bar", v.label) for v in layout.variables.values() if v.kind != FLAG]


def _staff_figures(scope: dashboard.Scope, source: str) -> tuple[list, str | None]:
    """The dashboard's charts, or the reason they cannot be drawn."""
    params = dashboard.victim_params(scope, source)
    figures = []
    try:
        for by, kind, title in STAFF_FIGURES:
            query = parse_query(
                {**params, "by": by}, published=False, organisations=scope.organisations
            )
            if by in {v.name for v in query.layout.variables.values()} or "," in by:
                figures.append(present(cached_figure(query), kind, title, by))
    except StatsError as error:
        return figures, "; ".join(message for _name, message in error.errors)
    return figures, None


def _referral_rows(scope: dashboard.Scope) -> list:
    referrals = dashboard.referrals(scope)
    directions = [("sent", _("Referrals sent")), ("received", _("Referrals received"))]
    if scope.organisations is None:
        directions = [("sent", _("Referrals"))]
    return [
        (key, label, [referrals[key].get(state, 0) for state in ReferralState.values])
        for key, label in directions
    ]


@staff_view(Capability.STATS_READ)
def staff_dashboard(request):
    form = DashboardForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    scope = dashboard.scope_for(request.user, data)
    figures, problem = _staff_figures(scope, data.get("source") or CASES)
    reports = dashboard.reports(scope)
    mean = reports["mean_to_triage"]
    reports["hours"] = None if mean is None else round(mean.total_seconds() / 3600, 1)
    query = request.GET.copy()
    query.pop("by", None)
    context = {
        "form": form,
        "scope": scope,
        "workload": dashboard.workload(scope),
        "overdue": dashboard.overdue_tasks(scope),
        "states": ReferralState.choices,
        "referral_rows": _referral_rows(scope),
        "reports": reports,
        "figures": figures,
        "problem": problem,
        "query": "?" + query.urlencode() if query else "",
        "threshold": privacy.THRESHOLD,
    }
    return render(request, "stats/dashboard.html", context)


@staff_view(Capability.STATS_READ)
def staff_csv(request):
    form = DashboardForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    scope = dashboard.scope_for(request.user, data)
    params = {
        **dashboard.victim_params(scope, data.get("source") or CASES),
        "by": request.GET.get("by", ""),
    }
    try:
        query = parse_query(params, published=False, organisations=scope.organisations)
    except StatsError as error:
        return _errors(error)
    record_event(
        "stats.exported",
        actor=request.user,
        summary={"by": params["by"], "source": query.source.name},
    )
    return _csv_response(cached_figure(query), "-".join(variable.name for variable in query.by))


@staff_view(Capability.STATS_READ)
def ctdc_export(request):
    out = io.StringIO()
    withheld = export.write_ctdc(out)
    record_event("stats.ctdc_exported", actor=request.user, summary={"withheld": withheld})
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="haven-ctdc-{date.today():%Y%m%d}.csv"'
    return response
