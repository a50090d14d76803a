"""The KPI figures: what every consumer reads (reference/kpis.md).

Dashboards, the KPI API, exports, the narrative report and the public page
all read figures through :func:`kpi_values` / :func:`kpi_value`; nothing else
computes a figure. The figures themselves are declared by their apps
(``<app>/kpis.py``, with direct references to their selectors) and listed in
``reports.registry``; their shape is ``core.kpis``. Both are re-exported here
for the callers.

Periods are half-open [start, end); "at the period's end" is the state on
``end − 1 day``. Aggregates are limited by :class:`~jahesh.accounts.scoping.Area`,
never by ``scoped()``: a viewer reads figures, not records.
"""

from __future__ import annotations

import datetime
from typing import Any

from jahesh.accounts.scoping import Area
from jahesh.core.kpis import COUNT as COUNT
from jahesh.core.kpis import PERCENT as PERCENT
from jahesh.core.kpis import RIAL as RIAL
from jahesh.core.kpis import DrillColumn as DrillColumn
from jahesh.core.kpis import Kpi as Kpi
from jahesh.core.kpis import KpiUnavailable as KpiUnavailable
from jahesh.core.kpis import Part
from jahesh.reports.registry import CODES, KPI_LIST, get_kpi
from jahesh.reports.registry import HEADLINE_CODES as HEADLINE_CODES
from jahesh.reports.registry import KPIS as KPIS
from jahesh.reports.registry import PARTS as PARTS


def part_values(
    *, area: Area, start: datetime.date, end: datetime.date, parts: list[Part]
) -> dict[str, int]:
    """The parts' values for [start, end) in ``area``: from the analytics table
    (``reports.facts``) when it holds the period; for any other period the flow
    parts from its day rows and the others computed from the records."""
    from jahesh.reports import facts

    found = facts.read(area=area, start=start, end=end, parts=parts) or {}
    return {
        part.code: found[part.code]
        if part.code in found
        else part.total(area=area, start=start, end=end)
        for part in parts
    }


def kpi_values(
    *,
    area: Area,
    start: datetime.date,
    end: datetime.date,
    codes: tuple[str, ...] | list[str] | None = None,
) -> dict[str, int]:
    """THE entry point: every figure (or those of ``codes``) for [start, end) in ``area``,
    in registry order."""
    kpis = [get_kpi(code) for code in (codes or CODES)]
    parts = list({part.code: part for kpi in kpis for part in kpi.parts}.values())
    values = part_values(area=area, start=start, end=end, parts=parts)
    return {kpi.code: kpi.value(values) for kpi in kpis}


def kpi_value(code: str, *, area: Area, start: datetime.date, end: datetime.date) -> int:
    """One figure for [start, end) in ``area``."""
    return kpi_values(area=area, start=start, end=end, codes=[code])[code]


def kpi_beside(*, area: Area, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Figures shown beside a KPI, never added to it (planned unverified jobs)."""
    parts = [part for kpi in KPI_LIST for part in kpi.beside]
    return part_values(area=area, start=start, end=end, parts=parts)


def kpi_values_and_beside(
    *, area: Area, start: datetime.date, end: datetime.date
) -> tuple[dict[str, int], dict[str, int]]:
    """Every figure, and the figures shown beside them, in one read (the KPI API
    and the dashboard show both)."""
    beside = [part for kpi in KPI_LIST for part in kpi.beside]
    parts = list({part.code: part for kpi in KPI_LIST for part in kpi.parts}.values())
    values = part_values(area=area, start=start, end=end, parts=parts + beside)
    return (
        {kpi.code: kpi.value(values) for kpi in KPI_LIST},
        {part.code: values[part.code] for part in beside},
    )


def kpi_values_by_place(
    *,
    area: Area,
    start: datetime.date,
    end: datetime.date,
    by: str,
    codes: tuple[str, ...] | list[str] | None = None,
) -> dict[int, dict[str, int]]:
    """Every figure for each county (``by="county"``) or province of ``area``:
    ``{place id: {code: value}}``, for the places that have any record. One query
    per part (or one read of the analytics table), whatever the number of places."""
    from jahesh.reports import facts

    kpis = [get_kpi(code) for code in (codes or CODES)]
    parts = list({part.code: part for kpi in kpis for part in kpi.parts}.values())
    per_part = facts.read_by_place(area=area, start=start, end=end, parts=parts, by=by) or {}
    for part in parts:
        if part.code not in per_part:
            per_part[part.code] = place_values(part, area=area, start=start, end=end, by=by)
    places = {place for values in per_part.values() for place in values}
    return {
        place: {
            kpi.code: kpi.value({code: per_part[code].get(place, 0) for code in per_part})
            for kpi in kpis
        }
        for place in places
    }


def place_values(
    part: Part, *, area: Area, start: datetime.date, end: datetime.date, by: str
) -> dict[int, int]:
    """A part per county or province of ``area``, computed from the records."""
    if part.place == "province" and by == "county":
        per_province = part.values(area=area, start=start, end=end, by="province")
        return spread_to_counties({part.code: per_province}, area)[part.code]
    return part.values(area=area, start=start, end=end, by=by)


def spread_to_counties(
    per_province: dict[str, dict[int, int]], area: Area
) -> dict[str, dict[int, int]]:
    """Province parts (working groups are provincial) per county of ``area``: each
    county gets its province's value. ``{code: {province: v}}`` → ``{code: {county: v}}``."""
    from jahesh.geo.models import County

    counties = list(County.objects.filter(area.counties_q()).values_list("pk", "province_id"))
    return {
        code: {c: values[p] for c, p in counties if p in values}
        for code, values in per_province.items()
    }


def record_value(record: Any, attr: str) -> Any:
    """The value of a drill-down column on one record (dotted path; callables called)."""
    value = record
    for part in attr.split("."):
        if value is None:
            return None
        value = getattr(value, part, None)
        if callable(value):
            value = value()
    return value
