"""Reads behind the dashboard, the drill-downs and the exports. Every figure
comes from the registry (``jahesh.reports.figures.kpi_values``); records come
from the registry's records selectors and then ``scoped_nested()``."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache as memoize
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jahesh.accounts.roles import Module, Role, ScopeKind
from jahesh.accounts.scoping import (
    COUNTRY,
    Area,
    Nested,
    area_for,
    can_use_module,
    effective_role,
    policy_for,
    scope_kind,
    scoped_nested,
)
from jahesh.clinic.selectors import case_list, resolution_register
from jahesh.geo.models import County, Province
from jahesh.reports import display
from jahesh.reports.facts import data_version
from jahesh.reports.figures import kpi_values, kpi_values_and_beside, kpi_values_by_place
from jahesh.reports.kpis import CODES, HEADLINE_CODES, KPIS, Kpi
from jahesh.reports.periods import Period, jalali_years_in, last_five_years
from jahesh.units.selectors import watchlist

WIDGET_ROWS = 8


def area_counties(area: Area) -> QuerySet[County]:
    """The counties an area covers (one for a county, the province's for a province)."""
    if area.county_id is not None:
        return County.objects.filter(pk=area.county_id)
    if area.province_id is not None:
        return County.objects.filter(province_id=area.province_id).order_by("name")
    return County.objects.none()


def area_label(area: Area) -> str:

    if area.county_id is not None:
        county = County.objects.select_related("province").get(pk=area.county_id)
        return _("شهرستان %(county)s، استان %(province)s") % {
            "county": county.name,
            "province": county.province.name,
        }
    if area.province_id is not None:
        return _("استان %(province)s") % {
            "province": Province.objects.get(pk=area.province_id).name
        }
    return _("کل کشور")


def dashboard_cache_seconds() -> int:

    return settings.JAHESH_DASHBOARD_CACHE_SECONDS


# The data versions the reads of one page share (:func:`one_data_version`): per
# area, each read once, or None outside such a block (each read reads its own).
_page_version: ContextVar[dict[Area, int] | None] = ContextVar("jahesh_page_version", default=None)


@contextmanager
def one_data_version(known: dict[Area, int] | None = None) -> Iterator[None]:
    """The cached reads inside share one data version per area, read once (by the
    first that needs it): a page of several cached reads (the dashboard has
    seven) costs one version query, and shows its figures as of one moment.
    A block inside another shares the outer one's (a kept page's key and the
    fragments of its view, ``reports.pagecache``). ``known``: versions this
    request has already read (``facts.version_sql`` riding on its first read)."""
    if _page_version.get() is not None:  # inside another: share its versions
        yield
        return
    token = _page_version.set(dict(known or {}))
    try:
        yield
    finally:
        _page_version.reset(token)


def page_data_version(area: Area) -> int:
    """``area``'s data version, read once per :func:`one_data_version` block."""
    shared = _page_version.get()
    if shared is None:
        return data_version(area)
    if area not in shared:
        shared[area] = data_version(area)
    return shared[area]


def _cached(key: str, cache_for: int, compute: Any, area: Area) -> Any:
    """``compute()``, kept ``cache_for`` seconds in Django's cache under ``key``
    (0: not cached). The dashboard's figures come from the analytics table; the
    cache spares even that read for a minute, and the page says when they were
    computed. The key carries ``area``'s data version (``facts.data_version``),
    read before computing: a write any server commits inside the area (or, for a
    county, to its province's working groups) changes it, so no server, with its
    own cache or a shared Redis, serves a figure from before that write, and a
    write elsewhere leaves it cached. So a value cached here may read only the
    records inside ``area`` of the tables whose writes move the version
    (``facts.SOURCES``), besides what its key names."""
    if not cache_for:
        return compute()
    key = f"{key}:v{page_data_version(area)}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, cache_for)
    return found


def cached_html(
    key: str, cache_for: int, render: Callable[[], str], area: Area = COUNTRY
) -> SafeString:
    """A rendered fragment of a page, kept like a figure (:func:`_cached`: the
    key carries the data version, so the next read after any committed write
    renders it again) and per language (the page's words). ``key`` must name
    everything else the fragment shows: the area and period of its figures, the
    reader's scope (:func:`scope_cache_key`) for records, the query of its links.
    A fragment holds no CSRF token and no nonce (both are per response). Besides
    the source tables, a fragment reads geography (place names, the picker's
    places), whose rare edits show after at most ``cache_for`` seconds. ``area``
    is the area whose records the fragment shows (the country, the default,
    moves with every write)."""
    return mark_safe(
        _cached(f"html:{get_language()}:{key}", cache_for, lambda: str(render()), area)
    )


def cached_value(key: str, cache_for: int, compute: Callable[[], Any], area: Area = COUNTRY) -> Any:
    """``compute()`` kept like a figure (:func:`_cached`), for a page's small reads
    keyed by what they depend on (a reader's scope). Not None: a value of None is
    computed each time. ``area`` as for :func:`cached_html`."""
    return _cached(f"value:{key}", cache_for, compute, area)


def query_digest(query: str) -> str:
    """A short fixed-length digest of a query string, for a cache key."""
    return hashlib.blake2s(query.encode(), digest_size=8).hexdigest()


@memoize
def _codes_digest(codes: tuple[str, ...]) -> str:
    return hashlib.blake2s(",".join(codes).encode(), digest_size=8).hexdigest()


def figures_key(kind: str, area: Area, period: Period, codes: tuple[str, ...] | None = None) -> str:
    """The cache key of ``kind`` of figures (of ``codes``, or every KPI) for
    ``area`` and ``period``; :func:`_cached` adds the data version."""
    return (f"{kind}:{area.province_id}:{area.county_id}:{period.start}:{period.end}"
            f":{_codes_digest(tuple(codes or CODES))}")  # fmt: skip


def figures(
    *, area: Area, period: Period, codes: tuple[str, ...] | None = None, cache_for: int = 0
) -> dict[str, int]:
    """The registry's figures, cached ``cache_for`` seconds (:func:`_cached`)."""
    return _cached(
        figures_key("kpis", area, period, codes),
        cache_for,
        lambda: kpi_values(area=area, start=period.start, end=period.end, codes=codes),
        area,
    )


def figures_and_beside(
    *, area: Area, period: Period, cache_for: int = 0
) -> tuple[dict[str, int], dict[str, int]]:
    """Every figure and those shown beside them (``kpi_values_and_beside``),
    cached like :func:`figures`."""
    return _cached(
        figures_key("kpis+beside", area, period),
        cache_for,
        lambda: kpi_values_and_beside(area=area, start=period.start, end=period.end),
        area,
    )


def county_table(
    *, area: Area, period: Period, codes: tuple[str, ...] = CODES, cache_for: int = 0
) -> list[dict[str, Any]]:
    """Each KPI per county of the area: [{place, area, values: {code: value}}]. A
    country-wide area lists provinces instead. One grouped read for all places."""
    if area.province_id is None and area.county_id is None:
        places = list(Province.objects.order_by("name"))
        by = "province"
    else:
        places = list(area_counties(area))
        by = "county"
    found = _cached(
        figures_key(f"kpis-by-{by}", area, period, codes),
        cache_for,
        lambda: kpi_values_by_place(
            area=area, start=period.start, end=period.end, by=by, codes=codes
        ),
        area,
    )
    empty = {code: KPIS[code].value({p.code: 0 for p in KPIS[code].parts}) for code in codes}
    rows = []
    for place in places:
        sub = (
            Area(province_id=place.pk)
            if by == "province"
            else Area(province_id=place.province_id, county_id=place.pk)
        )
        rows.append({"place": place, "area": sub, "values": found.get(place.pk, empty)})
    return rows


def trend_by_year(
    *, area: Area, period: Period, codes: tuple[str, ...], cache_for: int = 0
) -> tuple[list[int], dict[str, list[int]]]:
    """Each KPI of ``codes`` for each Jalali year of the period (years clipped to it)."""
    years = jalali_years_in(period)
    series: dict[str, list[int]] = {code: [] for code in codes}
    for _year, part in years:
        values = figures(area=area, period=part, codes=codes, cache_for=cache_for)
        for code in codes:
            series[code].append(values[code])
    return [year for year, _part in years], series


def may_read_records(user: Any, kpi: Kpi) -> bool:
    """Whether ``user`` may open the records behind ``kpi`` (a viewer reads figures only)."""
    if not can_use_module(user, kpi.module):
        return False
    role = effective_role(user)
    return not (role == Role.VIEWER and policy_for(_records_model(kpi.code)).personal)


@memoize
def _records_model(code: str):
    """The model of a KPI's records, found once per process (building its records
    queryset to read the model cost the dashboard a queryset per KPI per view)."""

    day = datetime.date(2000, 1, 1)
    return KPIS[code].records(area=Area(), start=day, end=day).model


def drilldown_records(*, user: Any, kpi: Kpi, area: Area, period: Period) -> Nested:
    """The records behind a figure that the user may open, and how many others the
    figure counts (an Arak camp's hours of a Tehran volunteer): only their number."""
    qs = kpi.records_qs(area=area, start=period.start, end=period.end)
    return scoped_nested(user, qs)


@dataclass
class Widgets:
    watchlist: list | None = None
    watchlist_count: int = 0
    overdue: list | None = None
    overdue_count: int = 0
    resolutions: list | None = None
    resolutions_count: int = 0


def dashboard_widgets(*, user: Any, area: Area, cache_for: int = 0) -> Widgets:
    """The watch list, overdue cases and open resolutions in the user's scope (and
    the chosen county), each hidden (None) for roles that may not use its module.
    The first rows are read each time; the counts (a COUNT over every matching
    row) are cached ``cache_for`` seconds (:func:`_cached`) for everyone of the same
    scope. They read only source tables (units, cases, resolutions, sessions,
    working groups) and geography, so the data version covers them; an overdue
    count may lag the clock (a deadline passing without a write) by ``cache_for``."""
    lists = _widget_lists(user=user, area=area)
    scope = scope_cache_key(user)
    counts = _cached(
        f"widgets:{scope}:{area.province_id}:{area.county_id}",
        cache_for if scope else 0,
        lambda: {name: qs.count() for name, qs in lists.items()},
        area,
    )
    widgets = Widgets()
    for name, qs in lists.items():
        setattr(widgets, name, list(qs[:WIDGET_ROWS]))
        setattr(widgets, f"{name}_count", counts[name])
    return widgets


def _widget_lists(*, user: Any, area: Area) -> dict[str, QuerySet]:
    """The widgets' querysets, in the order shown, reading only the columns the
    dashboard shows (a case row would otherwise join five tables)."""
    lists: dict[str, QuerySet] = {}
    if can_use_module(user, Module.UNITS):
        lists["watchlist"] = (
            watchlist(user=user, county_id=area.county_id)
            .select_related("county")
            .only("id", "name", "risk_score", "county__name")
        )
    if can_use_module(user, Module.CLINIC):
        cases = case_list(user=user, overdue=True, county_id=area.county_id, now=timezone.now())
        lists["overdue"] = (
            cases.select_related(None).select_related("unit")
            .only("id", "title", "due_at", "unit__name").order_by("due_at")
        )  # fmt: skip
        lists["resolutions"] = (
            resolution_register(user=user, status="open")
            .select_related(None).select_related("agency")
            .only("id", "session", "text", "due_on", "agency__name").order_by("due_on", "id")
        )  # fmt: skip
    return lists


def scope_cache_key(user: Any) -> str | None:
    """What limits the records ``user`` may see, for a cache key shared by everyone
    of that scope; None for roles scoped by assignment (an expert's records hang
    on experts and group members, tables whose writes do not move the data
    version): their counts are not cached."""
    role = effective_role(user)
    if scope_kind(user) in (None, ScopeKind.ASSIGNMENT):
        return None
    return f"{role}:{int(user.nationwide)}:{user.province_id}:{user.county_id}"


__all__ = ["KPIS"]


def home_figures(*, user: Any) -> dict[str, Any] | None:
    """The home page's dashboard: the headline figures of the last five Jalali years
    in the user's area (cached like the dashboard's), or None for roles without the
    dashboard or without an area."""

    if not can_use_module(user, Module.DASHBOARD):
        return None
    try:
        area = area_for(user)
    except Http404:
        return None
    period = last_five_years()
    values = figures(
        area=area, period=period, codes=HEADLINE_CODES, cache_for=dashboard_cache_seconds()
    )
    return {
        "period": period,
        "area_label": area_label(area),
        "cards": [
            {
                "kpi": KPIS[code],
                "text": display.card_value(KPIS[code], values[code]),
                # a card links its drill-down only for a role that may open it
                "module_ok": may_read_records(user, KPIS[code]),
            }
            for code in HEADLINE_CODES
        ],
    }
