"""Reads of production units: lists, search, the watch list, history as of a
date, and the KPIs of the area (kpis.md: units_monitored, units_high_risk)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from jahesh.accounts.places import counties_for_user
from jahesh.accounts.roles import ROLE_SCOPE, Module, Role, ScopeKind
from jahesh.accounts.scoping import Area, get_scoped_or_404, scoped
from jahesh.core import mapdata
from jahesh.core.daily import EVER
from jahesh.core.digits import to_ascii_digits
from jahesh.core.search import filter_given, search_q
from jahesh.core.text import normalize_key
from jahesh.geo.models import County
from jahesh.units import hooks
from jahesh.units.models import (
    RiskAssessment,
    RiskLevel,
    StatusChange,
    Unit,
    UnitStatus,
    Visit,
    driver_shown,
)
from jahesh.units.risk import Driver, RiskResult

__all__ = [
    "RiskLevel", "RiskResult", "kpi_units_high_risk", "kpi_units_high_risk_records",
    "kpi_units_monitored", "kpi_units_monitored_records", "kpi_units_high_risk_daily",
    "kpi_units_monitored_daily", "unit_list", "unit_risk_at",
    "unit_status_at", "visits_due", "watchlist",
]  # fmt: skip


def unit_risk_at(*, unit: Unit, when: date) -> RiskResult | None:
    """The unit's risk as last assessed on or before ``when`` (None: never assessed by then)."""
    row = (
        RiskAssessment.objects.filter(unit=unit, assessed_on__lte=when)
        .order_by("-assessed_on", "-id")
        .first()
    )
    if row is None:
        return None
    drivers = [
        Driver(code=d["code"], points=d["points"], words=d["text"]) for d in row.shown_drivers
    ]
    return RiskResult(
        score=row.score, level=row.level, drivers=drivers, assessed_on=row.assessed_on
    )


def unit_status_at(*, unit: Unit, when: date) -> str:
    """The unit's status (a ``UnitStatus`` value) on ``when``, from its status history.

    The last change dated on or before ``when`` gives it; before the first
    recorded change the unit had that change's ``from_status``; with no
    history at all, the current status.
    """
    changes = StatusChange.objects.filter(unit=unit)
    last = changes.filter(changed_on__lte=when).order_by("-changed_on", "-id").first()
    if last is not None:
        return last.to_status
    first = changes.order_by("changed_on", "id").first()
    if first is not None and first.from_status:
        return first.from_status
    return unit.status or UnitStatus.ACTIVE


def unit_writable_counties(user: Any) -> QuerySet[County]:
    """The counties ``user`` may register units in or move units to: the
    counties of their scope (``accounts.places.counties_for_user``). Roles scoped
    by assignment (clinic experts) see units through their cases and register none."""
    role = Role.ADMIN if getattr(user, "is_superuser", False) else getattr(user, "role", None)
    if role is not None and ROLE_SCOPE.get(role) == ScopeKind.ASSIGNMENT:
        return County.objects.none()
    return counties_for_user(user, module=Module.UNITS)


# --- Lists -------------------------------------------------------------------

ORDERINGS: dict[str, tuple[str, ...]] = {
    # Every ordering ends in the primary key so pages never overlap, and each
    # leading field has an index (see Unit.Meta.indexes) so a page is a range read.
    "-id": ("-id",),
    "name": ("name_key", "id"),
    "-risk": ("-risk_score", "-id"),
    "-last_visit": ("-last_visit_on", "-id"),
}


def unit_search_q(q: str) -> Q:
    """Units whose normalised name contains the normalised query, or whose
    national ID / code equals it (Persian, Arabic or Latin digits alike)."""
    key = normalize_key(q)
    if not key:
        return Q()
    digits = to_ascii_digits(key).replace(" ", "").replace("-", "")
    if digits.isdigit():
        exact = [Q(national_id=digits), Q(code=digits)]
    else:
        exact = [Q(code=key.upper()), Q(code=key)]
    return search_q(Unit, "name_key", key, also=exact)


def unit_list(
    *,
    user: Any,
    q: str = "",
    county_id: int | None = None,
    sector: str = "",
    status: str = "",
    isic_section: str = "",
    size: str = "",
    risk_level: str = "",
    order: str = "-id",
) -> QuerySet[Unit]:
    """The units ``user`` may see, searched, filtered and ordered."""
    qs = scoped(user, Unit).select_related("county")
    qs = qs.filter(unit_search_q(q))
    qs = filter_given(
        qs,
        county_id=county_id,
        sector=sector,
        status=status,
        isic_section=isic_section,
        size=size,
        risk_level=risk_level,
    )
    return qs.order_by(*ORDERINGS.get(order, ORDERINGS["-id"]))


def watchlist(
    *,
    user: Any,
    county_id: int | None = None,
    sector: str = "",
    isic_section: str = "",
    size: str = "",
    level: str = "",
    exclude_open_cases: bool = False,
) -> QuerySet[Unit]:
    """Units at watch or high risk that are still working (not closed), riskiest first.

    ``exclude_open_cases`` leaves out the units under an open clinic case (only
    when the clinic has set ``hooks.open_case_unit_ids``).
    """
    levels = (
        [level] if level in (RiskLevel.WATCH, RiskLevel.HIGH) else [RiskLevel.WATCH, RiskLevel.HIGH]
    )
    qs = unit_list(
        user=user, county_id=county_id, sector=sector, isic_section=isic_section, size=size
    )
    qs = qs.filter(risk_level__in=levels).exclude(status=UnitStatus.CLOSED)
    if exclude_open_cases and hooks.open_case_unit_ids is not None:
        qs = qs.exclude(pk__in=hooks.open_case_unit_ids())
    return qs.order_by("-risk_score", "-id")


def can_exclude_open_cases() -> bool:
    return hooks.open_case_unit_ids is not None


def unit_timeline(*, unit: Unit) -> list[dict]:
    """Visits, status changes and risk assessments of ``unit``, newest first,
    as one list of entries {kind, on, obj} for the detail page."""
    entries: list[dict] = []
    visits = list(unit.visits.prefetch_related("photos").order_by("-visited_on", "-id"))
    risk_by_visit = {r.visit_id: r for r in unit.risk_assessments.filter(visit__isnull=False)}
    for visit in visits:
        entries.append(
            {
                "kind": "visit",
                "on": visit.visited_on,
                "obj": visit,
                "risk": risk_by_visit.get(visit.pk),
            }
        )
    for change in unit.status_changes.select_related("changed_by"):
        entries.append({"kind": "status", "on": change.changed_on, "obj": change})
    for row in unit.risk_assessments.filter(visit__isnull=True):
        entries.append({"kind": "risk", "on": row.assessed_on, "obj": row})
    entries.sort(
        key=lambda e: (e["on"], {"status": 2, "risk": 1, "visit": 0}[e["kind"]]), reverse=True
    )
    return entries


def unit_risk_history(*, unit: Unit, limit: int = 40) -> list[RiskAssessment]:
    """Assessments oldest first (for the chart), at most ``limit`` latest."""
    rows = list(unit.risk_assessments.order_by("-assessed_on", "-id")[:limit])
    return rows[::-1]


def visit_list(*, unit: Unit) -> QuerySet[Visit]:
    return unit.visits.order_by("-visited_on", "-id")


# --- KPIs (kpis.md) ------------------------------------------------------------


def _visits_in(start: date, end: date) -> QuerySet[Visit]:
    return Visit.objects.filter(visited_on__gte=start, visited_on__lt=end)


def kpi_units_monitored(
    *, area: Area, start: date, end: date, by: str | None = None
) -> dict[int | None, int]:
    """Distinct units with at least one monitoring visit dated in [start, end)."""
    return area.totals(
        _visits_in(start, end), "unit__county", Count("unit_id", distinct=True), by=by
    )


def units_in(rows: QuerySet, area: Area) -> QuerySet[Unit]:
    """The units of ``rows`` (visits, cases: anything with a ``unit``) whose
    county is in ``area``, each once: a KPI's records when it counts units."""
    return Unit.objects.filter(pk__in=rows.filter(area.q("unit__county")).values("unit_id"))


def kpi_units_monitored_records(*, area: Area, start: date, end: date) -> QuerySet[Unit]:
    return units_in(_visits_in(start, end), area).select_related("county").order_by("-id")


def _latest_high_visits(start: date, end: date) -> QuerySet[Visit]:
    """Each unit's latest visit in [start, end), where that visit itself put the
    unit at high risk: its own assessment is the first recorded for it (a later
    status change re-assesses the unit from the same visit; editing a visit
    replaces its assessments)."""
    latest = (
        Visit.objects.filter(unit_id=OuterRef("unit_id"), visited_on__gte=start, visited_on__lt=end)
        .order_by("-visited_on", "-id")
        .values("id")[:1]
    )
    own = RiskAssessment.objects.filter(visit_id=OuterRef("pk")).order_by("id").values("level")[:1]
    return (
        _visits_in(start, end)
        .filter(id=Subquery(latest))
        .annotate(own_level=Subquery(own))
        .filter(own_level=RiskLevel.HIGH)
    )


def kpi_units_high_risk(
    *, area: Area, start: date, end: date, by: str | None = None
) -> dict[int | None, int]:
    """Distinct units whose latest visit in [start, end) put them at high risk."""
    return area.totals(
        _latest_high_visits(start, end), "unit__county", Count("unit_id", distinct=True), by=by
    )


def kpi_units_high_risk_records(*, area: Area, start: date, end: date) -> QuerySet[Unit]:
    units = units_in(_latest_high_visits(start, end), area).select_related("county")
    return units.order_by("-risk_score", "-id")


def latest_drivers(*, unit_ids: list[int], top: int = 3) -> dict[int, list[dict]]:
    """The top drivers of each unit's latest risk assessment (one query for a page),
    their words in the active language."""
    found: dict[int, list[dict]] = {}
    rows = (
        RiskAssessment.objects.filter(unit_id__in=unit_ids)
        .order_by("unit_id", "-assessed_on", "-id")
        .values_list("unit_id", "drivers")
    )
    for unit_id, drivers in rows:
        if unit_id not in found:
            found[unit_id] = [driver_shown(d) for d in (drivers or [])[:top]]
    return found


# --- Per-day KPI parts (the analytics table's day rows, core.daily) -------------


def kpi_units_monitored_daily(*, area: Area) -> dict:
    """One row per unit and visit day, with the unit's previous visit day
    (``since``): the distinct units visited in [start, end) are the rows of those
    days whose unit had no visit since before ``start``."""
    visits = (
        Visit.objects.filter(area.q("unit__county"))
        .order_by("unit_id", "visited_on")
        .values_list("unit_id", "unit__county_id", "visited_on")
        .distinct()
    )
    found: dict[tuple, int] = defaultdict(int)
    last: dict[int, date] = {}
    for unit_id, county, day in visits:
        found[(county, day, last.get(unit_id, EVER[0]), EVER[0], EVER[1])] += 1
        last[unit_id] = day
    return dict(found)


def kpi_units_high_risk_daily(*, area: Area) -> dict:
    """One row per visit that put its unit at high risk (``_latest_high_visits``),
    with the day of the unit's next visit (``hi``): the unit's latest visit in
    [start, end) is the one there whose next visit is on or after ``end``."""
    own = RiskAssessment.objects.filter(visit_id=OuterRef("pk")).order_by("id").values("level")[:1]
    visits = list(
        Visit.objects.filter(area.q("unit__county"))
        .annotate(own_level=Subquery(own))
        .order_by("unit_id", "visited_on", "id")
        .values_list("unit_id", "unit__county_id", "visited_on", "own_level")
    )
    found: dict[tuple, int] = defaultdict(int)
    for i, (unit_id, county, day, level) in enumerate(visits):
        if level != RiskLevel.HIGH:
            continue
        after = visits[i + 1] if i + 1 < len(visits) else None
        hi = after[2] if after and after[0] == unit_id else EVER[1]
        found[(county, day, EVER[0], EVER[0], hi)] += 1
    return dict(found)


# --- The visit plan (issue 17) -------------------------------------------------


def visit_every_days() -> dict[str, int]:
    """Days between visits by risk level (settings); a unit never assessed is
    visited as often as a low-risk one."""
    low = settings.JAHESH_VISIT_EVERY_LOW_DAYS
    return {
        RiskLevel.HIGH: settings.JAHESH_VISIT_EVERY_HIGH_DAYS,
        RiskLevel.WATCH: settings.JAHESH_VISIT_EVERY_WATCH_DAYS,
        RiskLevel.LOW: low,
        "": low,
    }


def visit_due_on(*, unit: Unit) -> date | None:
    """When ``unit``'s next visit is due (None: never visited, due now)."""
    if unit.last_visit_on is None:
        return None
    every = visit_every_days()
    return unit.last_visit_on + timedelta(days=every.get(unit.risk_level, every[""]))


def visits_due(*, user: Any, on: date) -> QuerySet[Unit]:
    """The units in ``user``'s scope due for a monitoring visit on or before
    ``on``: high risk monthly, watch quarterly, low (or not yet assessed) yearly
    (``visit_every_days``), and every unit never visited; closed units are not
    visited. The one rule of the visit plan: the field app's week, the
    headquarters' overdue counts (``on`` = yesterday) and any inbox read it here.
    One condition per level on ``last_visit_on``, so it is a filter, not a
    computed column."""
    every = visit_every_days()
    due = Q(last_visit_on__isnull=True)
    for level, days in every.items():
        due |= Q(risk_level=level, last_visit_on__lte=on - timedelta(days=days))
    return (
        scoped(user, Unit)
        .exclude(status=UnitStatus.CLOSED)
        .filter(due)
        .select_related("county")
        .order_by("last_visit_on", "-risk_score", "id")
    )


def visits_overdue_by_county(*, user: Any, today: date) -> list[dict[str, Any]]:
    """Per county of ``user``'s scope: units overdue (due before ``today``) and
    due within the week starting today, most overdue first."""
    overdue = dict(
        visits_due(user=user, on=today - timedelta(days=1))
        .order_by()
        .values("county_id")
        .annotate(n=Count("id"))
        .values_list("county_id", "n")
    )
    week = dict(
        visits_due(user=user, on=today + timedelta(days=6))
        .order_by()
        .values("county_id")
        .annotate(n=Count("id"))
        .values_list("county_id", "n")
    )
    names = dict(County.objects.filter(pk__in=set(overdue) | set(week)).values_list("pk", "name"))
    rows: list[dict[str, Any]] = [
        {"county_id": pk, "county": names.get(pk, ""), "overdue": overdue.get(pk, 0),
         "week": week.get(pk, 0)}
        for pk in set(overdue) | set(week)
    ]  # fmt: skip
    rows.sort(key=lambda r: (-r["overdue"], -r["week"], r["county"]))
    return rows


FIELD_UNITS_MAX = 2000


def field_units(*, user: Any, today: date) -> list[dict[str, Any]]:
    """What the field app keeps on the phone: the units due within the week
    starting ``today`` (at most FIELD_UNITS_MAX, the longest overdue first)
    with what the officer needs at the door (address, last visit, risk and its
    reasons, coordinates) and ``updated_at``, which a queued visit sends back so
    a unit edited meanwhile is a conflict rather than a silent overwrite."""
    units = list(visits_due(user=user, on=today + timedelta(days=6))[:FIELD_UNITS_MAX])
    drivers = latest_drivers(unit_ids=[u.pk for u in units])
    out = []
    for unit in units:
        due = visit_due_on(unit=unit)
        out.append(
            {
                "id": unit.pk, "name": unit.name, "address": unit.address,
                "county": unit.county.name, "last_visit_on": unit.last_visit_on,
                "due_on": due, "overdue": due is None or due < today,
                "risk_level": unit.risk_level, "risk_label": unit.get_risk_level_display(),
                "risk_reasons": [d.get("text", "") for d in drivers.get(unit.pk, [])],
                "latitude": unit.latitude, "longitude": unit.longitude,
                "updated_at": unit.updated_at,
            }
        )  # fmt: skip
    return out


# --- The map ---------------------------------------------------------------------

# A marker's colour: the risk level as a rank (the larger the riskier, so a
# cluster takes its riskiest unit's) and the letter the map reads.
RISK_RANK = Case(
    When(risk_level=RiskLevel.HIGH, then=Value(3)),
    When(risk_level=RiskLevel.WATCH, then=Value(2)),
    When(risk_level=RiskLevel.LOW, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)
RISK_LETTER = {3: "h", 2: "w", 1: "l", 0: "n"}


def map_units_geojson(*, units: QuerySet[Unit], view: mapdata.View | None = None) -> str:
    """``units`` with coordinates as a compact GeoJSON FeatureCollection: the
    feature id is the unit's id, the one property ``r`` its risk level (h, w, l;
    n: not assessed), positions to 5 decimals (about a metre). With a ``view``
    (zoom and box) only the units in the box, gathered in grid clusters (``n``:
    how many; ``r``: the riskiest) when the zoom is low and they are many."""
    if view is None:
        return mapdata.feature_collection(units, key="r", code=RISK_RANK, letters=RISK_LETTER)
    return mapdata.clustered(units, key="r", code=RISK_RANK, letters=RISK_LETTER, view=view)


def visit_detail(*, user: Any, visit_id: int) -> Visit:
    return get_scoped_or_404(
        user, Visit.objects.select_related("unit").prefetch_related("photos"), pk=visit_id
    )
