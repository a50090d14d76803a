"""Reads of production units: lists, search, the watch list, history as of a
date, and the KPIs of the area (kpis.md: units_monitored, units_high_risk)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from jahesh.accounts.places import counties_for_user
from jahesh.accounts.roles import ROLE_SCOPE, Module, Role, ScopeKind
from jahesh.accounts.scoping import Area, scoped
from jahesh.core.daily import EVER
from jahesh.core.digits import to_ascii_digits
from jahesh.core.search import search_q
from jahesh.core.text import normalize_key
from jahesh.geo.models import County
from jahesh.units import hooks
from jahesh.units.models import RiskAssessment, RiskLevel, StatusChange, Unit, UnitStatus, Visit
from jahesh.units.risk import Driver, RiskResult

__all__ = [
    "RiskLevel", "RiskResult", "kpi_units_high_risk", "kpi_units_high_risk_records",
    "kpi_units_monitored", "kpi_units_monitored_records", "kpi_units_high_risk_daily",
    "kpi_units_monitored_daily", "unit_list", "unit_risk_at",
    "unit_status_at", "watchlist",
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
        Driver(code=d.get("code", ""), points=d.get("points", 0), text=d.get("text", ""))
        for d in row.drivers or []
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
    if ROLE_SCOPE.get(role) == ScopeKind.ASSIGNMENT:
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
    filters = {
        "county_id": county_id,
        "sector": sector,
        "status": status,
        "isic_section": isic_section,
        "size": size,
        "risk_level": risk_level,
    }
    qs = qs.filter(**{k: v for k, v in filters.items() if v not in (None, "")})
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


def kpi_units_monitored_records(*, area: Area, start: date, end: date) -> QuerySet[Unit]:
    ids = _visits_in(start, end).filter(area.q("unit__county")).values("unit_id")
    return Unit.objects.filter(pk__in=ids).select_related("county").order_by("-id")


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
    ids = _latest_high_visits(start, end).filter(area.q("unit__county")).values("unit_id")
    return Unit.objects.filter(pk__in=ids).select_related("county").order_by("-risk_score", "-id")


def latest_drivers(*, unit_ids: list[int], top: int = 3) -> dict[int, list[dict]]:
    """The top drivers of each unit's latest risk assessment (one query for a page)."""
    found: dict[int, list[dict]] = {}
    rows = (
        RiskAssessment.objects.filter(unit_id__in=unit_ids)
        .order_by("unit_id", "-assessed_on", "-id")
        .values_list("unit_id", "drivers")
    )
    for unit_id, drivers in rows:
        if unit_id not in found:
            found[unit_id] = list(drivers or [])[:top]
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
