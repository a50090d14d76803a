"""The places writes have marked stale (``reports.StalePlace``), the tables
behind each part (:data:`SOURCES`) and the rows a mark makes stale."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.core.cache import cache
from django.db import connection

from jahesh.accounts.scoping import Area
from jahesh.core.prepared import prepared_totals
from jahesh.core.sql import quote_table
from jahesh.geo.models import County
from jahesh.reports.facts.versions import data_versions
from jahesh.reports.kpis import PARTS, Part
from jahesh.reports.models import (
    Fact,
    StalePlace,
)

COUNTY, PROVINCE = "county", "province"

# Every table a KPI reads, and the lookup path from its rows to the place whose
# figures a change of the row touches (kpis.md; the selectors' filters). Apps
# above reports add the tables of their cached reads that no part reads
# (``reports.wiring.add_source``: the portal's public reports, for the
# dashboard's satisfaction section): their writes move the data version, and
# their marks recompute nothing (:func:`_reads`).
SOURCES: dict[str, tuple[str, ...]] = {
    "units.Unit": ("county",),
    "units.Visit": ("unit__county",),
    "units.RiskAssessment": ("unit__county",),
    "clinic.Case": ("county", "unit__county"),
    "clinic.Resolution": ("session__group__province",),
    "clinic.Session": ("group__province",),
    "clinic.WorkingGroup": ("province",),
    "funds.Fund": ("county",),
    "funds.Loan": ("fund__county",),
    "funds.Installment": ("loan__fund__county",),
    "funds.LedgerEntry": ("fund__county",),
    "funds.Verification": ("loan__fund__county",),
    "volunteers.Volunteer": ("county",),
    "volunteers.VolunteerStatusEvent": ("volunteer__county",),
    "volunteers.Camp": ("county",),
    "volunteers.RosterEntry": ("camp__county",),
    "projects.Project": ("county",),
    "projects.ProjectFunding": ("project__county",),
    "projects.DirectService": ("county",),
    "projects.ServiceBeneficiary": ("service__county",),
}

# Columns no figure reads, kept on a source table from other source tables whose
# writes mark the place themselves: a unit's last visit and cached risk (from its
# visits and risk assessments; a visit's POST updates them after writing those).
# An update that changes none but these marks its place with the table's derived
# source (:func:`derived_source`), which no part reads: the data version still
# moves (cached reads of these columns, such as the watch list, follow it), and
# no read recomputes a figure for it. tests/reports/test_facts.py checks that no
# part's selectors name them.
DERIVED: dict[str, tuple[str, ...]] = {
    "units.Unit": ("last_visit_on", "risk_score", "risk_level", "risk_assessed_on"),
}


def derived_source(label: str) -> str:
    """The source of a mark for an update of ``label`` that changed only its
    :data:`DERIVED` columns (no part reads it)."""
    return f"{label}:derived"


# --- Reading ---------------------------------------------------------------------------
#
# Rows: every county part has a row per county, and every part a row per
# province and one for the country (additive parts: sums of the level below;
# non-additive parts: computed per area). A figure for any area is therefore its
# own few rows, whatever the size of the country.
#
# Reads never write (a GET takes no write lock, so readers never wait on or fail
# with writers): a read that finds marks (``StalePlace``) on places it needs
# recomputes those places' rows from the records in memory, re-sums the rows
# above them, and serves the result without storing it. Storing is the writer's
# job (:func:`refresh_stale`, run by a task a write enqueues and by the
# periodic job).

LEVELS = (COUNTY, PROVINCE, Fact.COUNTRY)
Key = tuple[str, "int | None", str]  # (level, county / province id / None, part code)


def _is_county_part(part: Part) -> bool:
    return not (part.place == PROVINCE and part.additive)


def _reads(part: Part, sources: set[str]) -> bool:
    """Whether ``part`` reads one of the tables ``sources`` (a mark without a source: all)."""
    return bool(part.sources & sources) or "" in sources


@dataclass(frozen=True)
class Marks:
    """The places writes have marked stale, with the tables they wrote."""

    counties: dict[int, set[str]]  # county → sources
    provinces: dict[int, set[str]]  # province marks (county 0): working groups
    province_of: dict[int, int]  # each marked county's province

    def places(self, part: Part) -> list[tuple[int | None, int | None]]:
        """(province, county) of the marked places whose rows ``part`` must
        recompute: counties for county parts, provinces (county None) for
        province parts."""
        if _is_county_part(part):
            return [(self.province_of.get(c), c) for c, s in self.counties.items()
                    if _reads(part, s)]  # fmt: skip
        return [(p, None) for p, s in self.provinces.items() if _reads(part, s)]


NO_MARKS = Marks({}, {}, {})


def _marks(upto: int | None = None) -> Marks:
    """The marks (up to id ``upto``) and each marked county's province, one query."""
    sql = _marks_sql()
    with connection.cursor() as cursor:
        cursor.execute(*((sql, []) if upto is None else (f"{sql} WHERE m.id <= %s", [upto])))
        return _marks_of(cursor.fetchall())


def _marks_sql(extra: str = "") -> str:
    """The statement of the marks' places and sources and each marked county's
    province (``extra``: columns after them, for a caller that reads them in a
    ``UNION ALL``). Plain SQL: every figure read asks it, most often of an
    empty table."""
    q = connection.ops.quote_name
    return (f"SELECT DISTINCT m.province_id, m.county_id, m.{q('source')}, c.province_id{extra}"
            f" FROM {quote_table(StalePlace)} m"
            f" LEFT JOIN {quote_table(County)} c ON c.id = m.county_id")  # fmt: skip


def _marks_of(rows: Iterable[tuple]) -> Marks:
    """The marks from rows of :func:`_marks_sql` (province, county, source, the
    county's province, and the caller's columns after them)."""
    counties: dict[int, set[str]] = defaultdict(set)
    provinces: dict[int, set[str]] = defaultdict(set)
    province_of: dict[int, int] = {}
    for province, county, source, county_province, *_extra in rows:
        if county:
            counties[county].add(source)
            if county_province is not None:  # a county deleted since: no province
                province_of[county] = county_province
        elif province:
            provinces[province].add(source)
    return Marks(dict(counties), dict(provinces), province_of)


# How long a marked place's recount stays in the cache (its key carries the
# place's data version, so a write makes it unreachable at once; this only lets
# the cache forget it).
LIVE_SECONDS = 600


def live_values(
    wanted: Iterable[tuple[Part, Iterable[tuple[int | None, int | None]]]],
    *,
    start: datetime.date,
    end: datetime.date,
) -> dict[str, dict[tuple[int | None, int | None], int]]:
    """Each part's value for [start, end) at each of its marked places
    (province, county; county None: a province) from the records, ``{code:
    {place: value}}``, one selector call each: a county's records are found
    from its own (an index on the county), where a call for a province
    grouped by county would start from the records of the whole country in
    the period (SQLite: every visit of five years, at 0.6 s for 27,000 units).

    Each value is kept in Django's cache under the place's data version
    (:func:`~jahesh.reports.facts.versions.data_version`, read before the
    records, once for all the parts: one statement): the next reader after the
    same write, on any server sharing the cache, takes it instead of counting
    again, and a further write in the place moves its version, so no reader is
    served a count from before a write it can see. A write elsewhere leaves
    the place's count cached."""
    asked = [(part, list(places)) for part, places in wanted]
    areas = {(p, c): Area(province_id=p, county_id=c) for _part, places in asked for p, c in places}
    if not areas:  # nothing marked: no version to read, nothing to count
        return {part.code: {} for part, _places in asked}
    versions = data_versions(areas.values())
    by_code = {part.code: part for part, _places in asked}
    keys = {
        (part.code, place): f"facts:live:{part.code}:{start}:{end}:{place[0]}:{place[1]}"
        f":v{versions[areas[place]]}"
        for part, places in asked
        for place in places
    }
    found = cache.get_many(list(keys.values()))
    values = {asked_for: found[key] for asked_for, key in keys.items() if key in found}
    missing = [asked_for for asked_for in keys if asked_for not in values]
    counted = dict(zip(missing, recounts(
        [(by_code[code], areas[place]) for code, place in missing], start=start, end=end
    ), strict=True))  # fmt: skip
    cache.set_many({keys[asked_for]: value for asked_for, value in counted.items()}, LIVE_SECONDS)
    values |= counted
    return {
        part.code: {place: values[(part.code, place)] for place in places} for part, places in asked
    }


def recount(part: Part, area: Area, *, start: datetime.date, end: datetime.date) -> int:
    """``part``'s value for [start, end) in ``area`` from the records (:func:`recounts`)."""
    return recounts([(part, area)], start=start, end=end)[0]


def recounts(
    asked: list[tuple[Part, Area]], *, start: datetime.date, end: datetime.date
) -> list[int]:
    """Each part's value for [start, end) in its area from the records: its
    selector's statement compiled once per process and area kind, then run with
    the place and period as parameters, all of them in one statement
    (``core.prepared.prepared_totals``, which falls back to the selector for a
    part whose statement it cannot prove the same for every place and period:
    PAR30's)."""
    return prepared_totals([
        (("facts.recount", part.code), partial(_count, part),
         {"province": area.province_id, "county": area.county_id, "start": start, "end": end})
        for part, area in asked
    ])  # fmt: skip


def _count(
    part: Part,
    *,
    province: int | None,
    county: int | None,
    start: datetime.date,
    end: datetime.date,
) -> int:
    area = Area(province_id=province, county_id=county)
    return int(part.total(area=area, start=start, end=end))


def _key_of(level: str, province: int | None, county: int | None, code: str) -> Key:
    place = {COUNTY: county, PROVINCE: province}.get(level)
    return (level, place, code)


def _area_key(part: Part, area: Area) -> Key:
    """The row that holds ``part``'s value for ``area`` (a county reads its
    province's row of a province part)."""
    level = str(area.kind)
    if level == COUNTY and not _is_county_part(part):
        level = PROVINCE
    return _key_of(level, area.province_id, area.county_id, part.code)


def _inside(key: Key, province: int | None, county: int | None) -> bool:
    """Whether the place (province, county) counts in row ``key``'s place."""
    level, place, _code = key
    if level == Fact.COUNTRY:
        return True
    if level == PROVINCE:
        return province == place
    return county == place


def _affected(parts: list, marks: Marks, *, area: Area, level: str) -> set[Key]:
    """The rows at ``level`` inside ``area`` that the marks make stale (province
    parts: their province rows, whatever ``level`` below the country)."""
    keys: set[Key] = set()
    for part in parts:
        at = PROVINCE if level == COUNTY and not _is_county_part(part) else level
        for province, county in marks.places(part):
            inside = area.province_id in (None, province) and (
                county is None or area.county_id in (None, county)
            )
            if inside:
                keys.add(_key_of(at, province, county, part.code))
    return keys


def _all_parts() -> list:
    return list(PARTS.values())
