"""Reading figures: the KPI registry's entry points (:func:`kpi_values`,
:func:`kpi_values_by_place`, :func:`kpi_value`, :func:`kpi_beside`), which read
the analytics table (``reports.facts``) and compute from the records what it
does not hold. The dependency is one-way: this module reads ``reports.kpis``
(the registry) and ``reports.facts`` (which reads the registry too)."""

from __future__ import annotations

import datetime
from typing import cast

from jahesh.accounts.scoping import Area
from jahesh.core.daily import shared
from jahesh.reports import facts
from jahesh.reports.kpis import CODES, KPI_LIST, Part, get_kpi, spread_to_counties


def part_values(
    *, area: Area, start: datetime.date, end: datetime.date, parts: list[Part]
) -> dict[str, int]:
    """The parts' values for [start, end) in ``area``: from the analytics table
    (``reports.facts``) when it holds the period; for any other period the flow
    parts from its day rows and the others computed from the records."""
    with shared():  # parts from one pass over the records compute it once (PAR30's two)
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
    kpis = [get_kpi(code) for code in (codes or CODES)]
    parts = list({part.code: part for kpi in kpis for part in kpi.parts}.values())
    with shared():  # as in part_values
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
        per_province = cast(
            dict[int, int], part.values(area=area, start=start, end=end, by="province")
        )
        return spread_to_counties({part.code: per_province}, area)[part.code]
    # per place: every key a place id (None only in a total's answer)
    return cast(dict[int, int], part.values(area=area, start=start, end=end, by=by))
