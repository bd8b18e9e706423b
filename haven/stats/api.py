"""Statistics in the JSON API: published figures for anyone, staff figures with a token.

Without a token (or with one whose role lacks `stats.read`) the answers are the published
figures of Haven's own cases and of the open data sets an administrator published: no filters,
research refusals left out, noise when configured; any other source is a 404.
With `stats.read` every source and filter is open, within the role's organisations.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import ValidationError

from haven.accounts.access import has_capability
from haven.accounts.api import TokenAuth
from haven.accounts.roles import Capability
from haven.stats import dashboard, privacy, tallies
from haven.stats.figures import NotPublished, StatsError, cached_figure, parse_query, sources_for
from haven.stats.models import CASES, Record
from haven.stats.projection import refresh_cases


def public_reader(request):
    """Lets a request without an Authorization header through as the public."""
    return None if "HTTP_AUTHORIZATION" in request.META else "public"


router = Router(tags=["statistics"], auth=[TokenAuth(), public_reader])


def _staff(request):
    user = request.auth
    return user if user != "public" and has_capability(user, Capability.STATS_READ) else None


def _invalid(error: StatsError):
    raise ValidationError(
        [{"loc": ("query", name), "msg": message} for name, message in error.errors]
    )


@router.get("/stats", summary="Count victims by one or two variables")
def stats(request):
    """`?source=cases|NAME&by=FIELD[,FIELD]&FIELD=VALUE...`: cells under 10 come back as
    `{"count": null, "suppressed": true}`. Fields are CTDC's variable names."""
    user = _staff(request)
    params = request.GET.dict()
    try:
        if user is None:
            query = parse_query(params, published=True)
        else:
            organisations = dashboard.scope_for(user, {}).organisations
            query = parse_query(params, published=False, organisations=organisations)
    except NotPublished:
        raise Http404 from None
    except StatsError as error:
        _invalid(error)
    return cached_figure(query).as_dict()


@router.get("/stats/sources", summary="The sources of statistics and how many records each has")
def sources(request):
    user = _staff(request)
    refresh_cases()
    result = []
    for source in sources_for(published=user is None):
        rows = source.rows_loaded
        if user is None:  # the public gets the published total: consent respected, small hidden
            rows = tallies.total(source, published=True)
            if rows is None:
                rows = Record.objects.filter(source=source, research_refused=False).count()
            budget = privacy.epsilon()
            if budget:
                rows = privacy.noisy(rows, budget, 1, source.name, source.version, "rows")
            rows = rows if rows >= privacy.THRESHOLD else None
        result.append(
            {
                "name": source.name,
                "format": source.format,
                "description": str(source.get_format_display()),
                "rows": rows,
                "loaded": source.loaded_at,
                "title": source.title,
                "own_cases": source.name == CASES,
            }
        )
    if not result:
        _invalid(StatsError([("source", _("no source yet"))]))
    return result
