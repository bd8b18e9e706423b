"""The one aggregation behind the dashboard, the public page, the API and the exports.

`figure(query)` counts a source's records by one or two variables, under filters, and returns
cells that are safe to show: small ones hidden (with their complements), noise added to
published ones when the deployment sets an epsilon. Published figures (the public page, the
API without a token) leave out victims whose current research consent was refused, and accept
no filters (docs/stats.md explains why).
"""

import hashlib
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db.models import Count, F, Q
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext as _

from haven.lib.replica import primary_reads, replica_configured, statistics_reads_on
from haven.stats import privacy, slices, tallies
from haven.stats.models import CASES, Record, Source
from haven.stats.projection import refresh_cases
from haven.stats.variables import CATEGORY, FLAG, GROUP, LAYOUTS, PUBLIC_VARIABLES, Variable

MAX_BY = 2
CACHE_SECONDS = 24 * 3600  # keys carry the data version: a change makes new keys at once
STAFF_PARAMETERS = {"from", "to", "organisation"}
RESERVED = {"source", "by", "format"}


class StatsError(ValueError):
    """A query that cannot be answered; `errors` lists (field, message) pairs for people."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors))
        self.errors = errors


class NotPublished(StatsError):
    """The public asked for a source that is not published (or does not exist): a 404."""


@dataclass
class Query:
    source: Source
    by: list[Variable]
    filters: list[tuple[Variable, list[str]]] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    organisations: list | None = None  # None: every organisation
    published: bool = False

    @property
    def layout(self):
        return LAYOUTS[self.source.format]

    def key(self) -> str:
        """Stable text for the question asked, for caches and for seeding noise."""
        filters = sorted(
            (variable.name, tuple(sorted(values))) for variable, values in self.filters
        )
        organisations = sorted(str(o) for o in self.organisations or []) or None
        parts = [v.name for v in self.by], filters, self.date_from, self.date_to, organisations
        return repr((self.source.name, self.source.version, self.published, *parts))


@dataclass
class Figure:
    source: str
    by: list[Variable]
    denominator: int | None
    cells: list[dict]  # {name: value, ..., "count": int | None, "suppressed": bool, "hidden": ...}
    published: bool
    epsilon: float | None = None

    def as_dict(self) -> dict:
        names = [variable.name for variable in self.by]
        return {
            "source": self.source,
            "by": names,
            "denominator": self.denominator,
            "cells": [
                {**{name: cell[name] for name in names}, "count": cell["count"],
                 "suppressed": cell["suppressed"]}
                for cell in self.cells
            ],
        }  # fmt: skip


def sources_for(published: bool):
    """What a reader may ask about: everything for staff; Haven's own cases and the open data
    sets an administrator published for the public."""
    names = Source.objects.order_by("name")
    return names.filter(Q(name=CASES) | Q(published=True)) if published else names


def _source(name: str, published: bool) -> Source:
    if name == CASES:
        return refresh_cases()
    source = sources_for(published).filter(name=name).first()
    if source is None:
        known = ", ".join(
            [CASES, *sources_for(published).exclude(name=CASES).values_list("name", flat=True)]
        )
        error = NotPublished if published else StatsError
        raise error([("source", _("unknown source; known sources: %(names)s") % {"names": known})])
    return source


def _date(params, name, errors):
    value = params.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append((name, _("expected a date as YYYY-MM-DD")))


def parse_query(params, *, published: bool, organisations=None, source=None) -> Query:
    """A query from request parameters ({name: value}); StatsError names every problem.

    `organisations` limits a staff member to what their role may count (None: all).
    """
    errors = []
    source = source or _source(params.get("source") or CASES, published)
    layout = LAYOUTS[source.format]
    names = [name.strip() for name in (params.get("by") or "").split(",") if name.strip()]
    by = []
    if not names:
        errors.append(("by", _("name one or two variables to count by")))
    elif len(names) > MAX_BY or len(set(names)) != len(names):
        errors.append(("by", _("name one or two different variables")))
    for name in names:
        # Haven's own cases publish a chosen few variables; a published open data set, all of
        # its format's (its publisher chose them).
        public_only = published and source.name == CASES
        if name not in layout or (public_only and name not in PUBLIC_VARIABLES):
            errors.append(("by", _("unknown variable %(name)s") % {"name": name}))
        else:
            by.append(layout[name])
    query = Query(source, by, published=published, organisations=organisations)
    for name, value in params.items():
        if name in RESERVED:
            continue
        if published:
            errors.append((name, _("published figures take no filters")))
        elif name in STAFF_PARAMETERS:
            if source.name != CASES:
                errors.append((name, _("only Haven's own cases can be filtered by this")))
        elif name not in layout:
            errors.append((name, _("unknown field")))
        else:
            values = [item.strip() for item in value.split(",") if item.strip()]
            problem = _check_filter(layout[name], values)
            if problem:
                errors.append((name, problem))
            else:
                query.filters.append((layout[name], values))
    if not published and source.name == CASES:
        query.date_from = _date(params, "from", errors)
        query.date_to = _date(params, "to", errors)
        if params.get("organisation"):
            query.organisations = _organisations(params["organisation"], organisations, errors)
    if errors:
        raise StatsError(errors)
    return query


def _organisations(value, allowed, errors):
    try:
        chosen = uuid.UUID(value)
    except ValueError:
        errors.append(("organisation", _("expected an organisation's id")))
        return allowed
    if allowed is not None and chosen not in allowed:
        errors.append(("organisation", _("not an organisation you can see")))
        return allowed
    return [chosen]


def _check_filter(variable: Variable, values: list[str]) -> str | None:
    if not values:
        return _("give a value")
    if variable.kind == FLAG and not set(values) <= {"0", "1"}:
        return _("expected 1 or 0")
    if variable.kind == GROUP and not set(values) <= set(variable.members):
        return _("expected one of %(values)s") % {"values": ", ".join(variable.members)}
    return None


def _bit(layout, name: str, column: str = "flags"):
    return GreaterThan(F(column).bitand(1 << layout[name].bit), 0)


def _records(query: Query):
    layout = query.layout
    records = Record.objects.filter(source=query.source)
    if query.published:
        records = records.filter(research_refused=False)
    if query.organisations is not None:
        records = records.filter(organisation__in=query.organisations)
    if query.date_from:
        records = records.filter(registered__gte=query.date_from)
    if query.date_to:
        records = records.filter(registered__lte=query.date_to)
    for variable, values in query.filters:
        if variable.kind == CATEGORY:
            records = records.filter(**{f"{variable.slot}__in": values})
        elif variable.kind == GROUP:
            mask = layout.mask(values)
            records = records.filter(GreaterThan(F("flags").bitand(mask), 0))
        else:
            records = records.filter(_bit(layout, variable.name, "known"))
            wanted = _bit(layout, variable.name)
            records = records.filter(wanted) if values == ["1"] else records.exclude(wanted)
    for variable in query.by:
        if variable.kind == CATEGORY:
            records = records.filter(**{f"{variable.slot}__isnull": False})
        else:
            members = variable.members or (variable.name,)
            records = records.filter(GreaterThan(F("known").bitand(layout.mask(members)), 0))
    return records


def _choices(layout, variable: Variable) -> list[tuple[str, object]]:
    """(value, condition) pairs of a group or a flag variable, counted as separate cells."""
    if variable.kind == GROUP:
        return [(member, _bit(layout, member)) for member in variable.members]
    yes = _bit(layout, variable.name)
    no = GreaterThan(F("known").bitand(1 << variable.bit), F("flags").bitand(1 << variable.bit))
    return [("1", yes), ("0", no)]


@statistics_reads_on
def count(query: Query) -> tuple[int, dict]:
    """The true denominator and {(value, value): count} for non-zero cells (read from the
    replica when there is one and it has caught up with the source's version: a figure is
    cached under that version, so it must not be counted from older data)."""
    if replica_configured():
        seen = Source.objects.filter(pk=query.source.pk).values_list("version", flat=True)
        if (seen.first() or 0) < query.source.version:
            with primary_reads():
                return _count(query)
    return _count(query)


def _count(query: Query) -> tuple[int, dict]:
    unfiltered = not query.filters and query.organisations is None
    if unfiltered and query.date_from is None and query.date_to is None:
        kept = tallies.read(query.source, query.by, query.published)
        if kept is not None:
            return kept
    kept = slices.read(query, count_records)
    return count_records(query) if kept is None else kept


def count_records(query: Query) -> tuple[int, dict]:
    """`count`, from the records themselves."""
    layout = query.layout
    slots = [v.slot for v in query.by if v.kind == CATEGORY]
    multi = [v for v in query.by if v.kind != CATEGORY]
    combos = list(itertools.product(*[_choices(layout, v) for v in multi]))
    annotations = {"n": Count("pk")}
    for index, combo in enumerate(combos):
        conditions = [condition for _value, condition in combo]
        if not conditions:
            annotations[f"m{index}"] = Count("pk")
            continue
        both = conditions[0]
        for extra in conditions[1:]:
            both = both & extra
        annotations[f"m{index}"] = Count("pk", filter=both)
    records = _records(query)
    rows = (
        records.values(*slots).annotate(**annotations)
        if slots
        else [records.aggregate(**annotations)]
    )
    denominator, counts = 0, {}
    for row in rows:
        denominator += row["n"] or 0
        categorical = {v.name: row[v.slot] for v in query.by if v.kind == CATEGORY}
        for index, combo in enumerate(combos):
            number = row[f"m{index}"]
            if not number:
                continue
            chosen = {
                **categorical,
                **{v.name: value for v, (value, _c) in zip(multi, combo, strict=True)},
            }
            counts[tuple(chosen[v.name] for v in query.by)] = number
    return denominator, counts


def _lines(query: Query, counts: dict, denominator: int) -> list[privacy.Line]:
    partition = all(v.kind == CATEGORY for v in query.by)
    lines = [privacy.Line(tuple(counts), denominator, partition)]
    if len(query.by) == 2:
        for axis in (0, 1):
            for value in {key[axis] for key in counts}:
                keys = tuple(key for key in counts if key[axis] == value)
                other = query.by[1 - axis]
                total = sum(counts[key] for key in keys)
                lines.append(privacy.Line(keys, total, other.kind == CATEGORY))
    return lines


def cached_figure(query: Query) -> Figure:
    """The figure, from the cache while the source's data has not changed."""
    key = "stats:figure:" + hashlib.sha256(query.key().encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = figure(query)
        cache.set(key, result, CACHE_SECONDS)
    return result


def figure(query: Query) -> Figure:
    denominator, counts = count(query)
    budget = privacy.epsilon() if query.published else None
    if budget:
        sensitivity = 1
        for variable in query.by:
            if variable.kind == GROUP:
                sensitivity *= len(variable.members)
            elif variable.kind == FLAG:
                sensitivity *= 2
        partition = sensitivity == 1
        share = budget if partition else budget / 2
        seed = query.key()
        counts = {key: privacy.noisy(n, share, sensitivity, seed, key) for key, n in counts.items()}
        counts = {key: n for key, n in counts.items() if n > 0}
        if partition:
            denominator = sum(counts.values())
        else:
            denominator = privacy.noisy(denominator, share, 1, seed, "denominator")
    lines = _lines(query, counts, denominator)
    hidden = privacy.protect(counts, lines)
    total_hidden = denominator < privacy.THRESHOLD or (
        counts and all(key in hidden for key in counts) and privacy.pinned(lines[0], counts, hidden)
    )
    cells = []
    for key in sorted(counts):  # by value: an order by count would hint at hidden ones
        cell = {v.name: value for v, value in zip(query.by, key, strict=True)}
        cell.update(
            count=None if key in hidden else counts[key],
            suppressed=key in hidden,
            hidden=hidden.get(key),
        )
        cells.append(cell)
    return Figure(
        source=query.source.name,
        by=query.by,
        denominator=None if total_hidden else denominator,
        cells=cells,
        published=query.published,
        epsilon=budget,
    )
