"""The standard periods' rows (``reports.Fact``): which periods are kept and
reading them, marked places recomputed in memory (:func:`current`)."""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from typing import Any

from django.db import connection

from jahesh.accounts.scoping import COUNTRY, Area
from jahesh.core.jalali import jalali_quarter_range, jalali_today, jalali_year_range
from jahesh.core.prepared import planned_rows
from jahesh.core.sql import quote_table
from jahesh.reports.facts.days import (
    Read,
    _date_param,
    _read_days,
    _read_days_by_place,
    unmarked_sums,
)
from jahesh.reports.facts.marks import (
    COUNTY,
    PROVINCE,
    Key,
    Marks,
    _affected,
    _area_key,
    _inside,
    _is_county_part,
    _key_of,
    _marks_of,
    _marks_sql,
    live_values,
)
from jahesh.reports.kpis import Part, spread_to_counties
from jahesh.reports.models import (
    Fact,
    FactPeriod,
)
from jahesh.reports.periods import Period, jalali_years_in, last_five_years

# --- Periods ---------------------------------------------------------------------


def standard_periods(today: datetime.date | None = None) -> list:
    """The periods kept in the table for ``today``, as the dashboard's pickers
    open them: the last five Jalali years, each Jalali year of it clipped to it
    (the trend charts), each of those years whole, and each of their quarters
    that has begun."""
    today = today or jalali_today()
    five = last_five_years(today)
    years = jalali_years_in(five)
    found = [five, *(part for _year, part in years)]
    for year, _part in years:
        found.append(Period(*jalali_year_range(year)))
        for quarter in range(1, 5):
            start, end = jalali_quarter_range(year, quarter)
            if start <= today:
                found.append(Period(start, end))
    return list(dict.fromkeys(found))  # in order, each once


def _period(
    start: datetime.date, end: datetime.date, days: tuple[Area, list] | None = None
) -> tuple[FactPeriod | bool, Marks, Read | None]:
    """The stored period [start, end) (its id, start and end), else whether the
    table is built (the day rows hold any period); the marks (``_marks``),
    which every read of either needs; and for ``days`` (an area and its
    parts: a period the table is not expected to hold), the day rows' sums
    that read needs if no place is marked (``days.unmarked_sums``): one
    plain-SQL statement, one round trip, as every figure read asks it (the
    ORM's query and a model per kept period were a third of a custom period's
    read at the country; the marks' own statement cost 20-40 us more; on
    PostgreSQL the day sums' own round trip was a fifth of a custom period's
    request). Its first row is the period's (the only one whose sixth column
    is not null), the sums' rows have a part code in the seventh column, the
    others are the marks'."""
    q = connection.ops.quote_name
    table = quote_table(FactPeriod)
    sums = unmarked_sums(area=days[0], start=start, end=end, parts=days[1]) if days else None
    # typed: PostgreSQL gives a DISTINCT branch's bare NULLs the type text
    typed, padded, params = ", CAST(NULL AS BIGINT), CAST(NULL AS INTEGER)", "", {}
    if sums is not None:
        typed += (", CAST(NULL AS VARCHAR(40)), CAST(NULL AS INTEGER),"
                  " CAST(NULL AS INTEGER), CAST(NULL AS BIGINT)")  # fmt: skip
        padded, params = ", NULL, NULL, NULL, NULL", sums[1][1]
    sql = (
        f"SELECT NULL, NULL, NULL, NULL, (SELECT {q('id')} FROM {table}"
        f" WHERE {q('start')} = %(ps)s AND {q('end')} = %(pe)s),"
        f" CASE WHEN EXISTS (SELECT 1 FROM {table}) THEN 1 ELSE 0 END{padded}"
        f" UNION ALL {_marks_sql(typed)}"
    )
    if sums is not None:
        sql += f" UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, d.* FROM ({sums[1][0]}) d"
    # planned once per connection: planning it cost more than running it
    rows = planned_rows(sql, {**params, "ps": _date_param(start), "pe": _date_param(end)})
    ((found, built),) = [row[4:6] for row in rows if row[5] is not None]
    marked, summed = [], []
    for row in rows:
        if sums is not None and row[6] is not None:  # a part code: a sum's row
            summed.append(row[6:])
        elif row[5] is None:
            marked.append(row)
    marks = _marks_of(marked)
    read = None if sums is None else (sums[0], summed)
    if found is None:
        return bool(built), marks, read
    period = FactPeriod.from_db(connection.alias, ["id", "start", "end"], [found, start, end])
    return period, marks, None


@functools.lru_cache(maxsize=4)
def _standard(today: datetime.date) -> frozenset[Period]:
    return frozenset(standard_periods(today))


def _kept(start: datetime.date, end: datetime.date) -> bool:
    """Whether the table is expected to hold [start, end) (today's
    :func:`standard_periods`): its figures are read from its rows, not the days."""
    return Period(start, end) in _standard(jalali_today())


def served(*, area: Area, start: datetime.date, end: datetime.date) -> bool:
    """Whether figures for [start, end) are read from the table (any area)."""
    return FactPeriod.objects.filter(start=start, end=end).exists()


def current(
    period: FactPeriod, parts: list, marks: Marks, keys: set[Key]
) -> tuple[dict[Key, int], dict[Key, list[int]]]:
    """The rows ``keys`` of ``period`` as the records stand now, and the stored
    rows (ids) they replace; nothing is written. A marked place's row is
    recomputed from the records; a row above marked places (their province, the
    country) is its stored value plus what their recomputed rows add to their
    stored ones; a non-additive row (distinct people) over a marked place is
    recomputed for its area."""
    by_code = {p.code: p for p in parts}
    below: dict[Key, list[Key]] = {
        key: [_key_of(COUNTY if county else PROVINCE, province, county, key[2])
              for province, county in marks.places(by_code[key[2]])
              if _inside(key, province, county)]
        for key in keys
    }  # fmt: skip
    leaves = {leaf for key in keys if by_code[key[2]].additive for leaf in below[key]}
    stored, ids = _stored(period, keys | leaves, marks.province_of)
    whole = {key for key in keys if not by_code[key[2]].additive
             and (below[key] or (key[0] == Fact.COUNTRY and key not in stored))}  # fmt: skip
    fresh = _recomputed(period, by_code, leaves | whole, marks.province_of)
    values = {
        key: fresh[key]
        if key in whole
        else stored.get(key, 0) + sum(fresh[leaf] - stored.get(leaf, 0) for leaf in below[key])
        for key in keys
    }
    return values, {key: ids[key] for key in keys if key in ids}


def _stored(
    period: FactPeriod, keys: set[Key], province_of: dict[int, int]
) -> tuple[dict[Key, int], dict[Key, list[int]]]:
    """The stored values of the rows ``keys`` and their ids, in one query (one
    snapshot: a province row and its counties' rows agree): a branch of a
    ``UNION ALL`` per level, each a range of the read index (an OR of the levels
    is read row by row through the whole period on SQLite); county rows by
    their province too (``province_of``, where known), the index's order."""
    codes = sorted({code for _lv, _pl, code in keys})
    # (A county or province row always names its place: _key_of; None would match no row.)
    counties = {place for level, place, _code in keys if level == COUNTY and place is not None}
    known = sorted(county for county in counties if county in province_of)
    unknown = sorted(counties - set(known))
    provinces = sorted({p for level, p, _code in keys if level == PROVINCE and p is not None})
    # Plain SQL (the ORM's union of these branches was most of what a read after
    # a write added to a normal read, besides the recount itself).
    q = connection.ops.quote_name
    head = (
        f"SELECT {q('id')}, {q('level')}, province_id, county_id, {q('part')}, {q('value')}"
        f" FROM {quote_table(Fact)}"
        f" WHERE period_id = %s AND {q('level')} = %s AND {q('part')} IN ({_holes(codes)})"
    )
    branches: list[tuple[str, str, list[int]]] = []  # (level, its condition, its parameters)
    if known:
        above = sorted({province_of[c] for c in known})
        where = f" AND province_id IN ({_holes(above)}) AND county_id IN ({_holes(known)})"
        branches.append((COUNTY, where, above + known))
    if unknown:
        branches.append((COUNTY, f" AND county_id IN ({_holes(unknown)})", unknown))
    if provinces:
        branches.append((PROVINCE, f" AND province_id IN ({_holes(provinces)})", provinces))
    if any(lv == Fact.COUNTRY for lv, _p, _c in keys):
        branches.append((Fact.COUNTRY, "", []))
    values: dict[Key, int] = {}
    ids: dict[Key, list[int]] = defaultdict(list)
    if not branches:
        return values, ids
    sql = " UNION ALL ".join(head + where for _level, where, _more in branches)
    params: list[Any] = [
        p for level, _where, more in branches for p in (period.pk, level, *codes, *more)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for pk, level, province, county, code, value in rows:
        key = _key_of(level, province, county, code)
        if key in keys:
            values[key] = values.get(key, 0) + int(value)
            ids[key].append(pk)
    return values, ids


def _holes(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def _recomputed(
    period: FactPeriod, by_code: dict, keys: set[Key], province_of: dict[int, int]
) -> dict[Key, int]:
    """The rows ``keys`` computed from the records: a county row per county (a
    province with many marked counties in one grouped query), a province or
    country row for its area."""
    found: dict[Key, int] = {}
    counties: dict[str, list[tuple[int | None, int]]] = defaultdict(list)
    for level, place, code in keys:
        if level == COUNTY:
            assert place is not None  # a county row names its county (_key_of)
            counties[code].append((province_of.get(place), place))
            continue
        area = COUNTRY if level == Fact.COUNTRY else Area(province_id=place)
        by = None if level == Fact.COUNTRY else PROVINCE
        found[(level, place, code)] = _value(by_code[code], period, area, by, place)
    now = live_values(
        [(by_code[code], places) for code, places in counties.items()],
        start=period.start,
        end=period.end,
    )
    for code, values in now.items():
        found.update({(COUNTY, c, code): value for (_p, c), value in values.items()})
    return found


def _value(part: Part, period: FactPeriod, area: Area, by: str | None, place: int | None) -> int:
    values = part.values(area=area, start=period.start, end=period.end, by=by)
    return int(values.get(place) or 0)


def read(
    *, area: Area, start: datetime.date, end: datetime.date, parts: list
) -> dict[str, int] | None:
    """The parts' values for ``area`` from the table (marked places recomputed in
    memory, :func:`current`); for a period not stored, those of the parts kept
    per day (:func:`read_days`); None when the table is not built (the caller
    computes the parts missing from the records)."""
    days = None if _kept(start, end) else (area, parts)
    period, marks, sums = _period(start, end, days)
    if period is False:
        return None
    if period is True:
        return _read_days(area=area, start=start, end=end, parts=parts, marks=marks, read=sums)
    keys = {_area_key(part, area): part.code for part in parts}
    values, _ids = current(period, parts, marks, set(keys))
    return {code: values[key] for key, code in keys.items()}


def read_by_place(
    *, area: Area, start: datetime.date, end: datetime.date, parts: list, by: str
) -> dict[str, dict[int, int]] | None:
    """The parts' values per county (``by="county"``) or province of ``area`` (for
    a period not stored, those of the parts kept per day), or None when the
    table is not built."""
    period, marks, _sums = _period(start, end)
    if period is False:
        return None
    if period is True:
        return _read_days_by_place(area=area, start=start, end=end, parts=parts, by=by, marks=marks)
    codes = [p.code for p in parts]
    level = PROVINCE if by == PROVINCE else COUNTY
    rows = Fact.objects.filter(period=period, part__in=codes)
    if area.province_id is not None:
        rows = rows.filter(province_id=area.province_id)
    county_rows = rows.filter(level=COUNTY)
    if area.county_id is not None:
        county_rows = county_rows.filter(county_id=area.county_id)
    wanted = rows.filter(level=PROVINCE) if level == PROVINCE else county_rows
    if level == COUNTY:  # province parts (working groups): their province rows
        provincial = [p.code for p in parts if not _is_county_part(p)]
        wanted = wanted | rows.filter(level=PROVINCE, part__in=provincial)
    found: dict[Key, int] = {}
    for lv, province, county, code, value in wanted.values_list(
        "level", "province_id", "county_id", "part", "value"
    ):
        found[_key_of(lv, province, county, code)] = int(value)
    if marks.counties or marks.provinces:
        keys = _affected(parts, marks, area=area, level=level)
        found.update(current(period, parts, marks, keys)[0])
    return _per_place(found, parts, area, level)


def _per_place(
    rows: dict[Key, int], parts: list, area: Area, level: str
) -> dict[str, dict[int, int]]:
    """``{code: {place: value}}`` from rows; a province part per county is its
    province's value."""
    found: dict[str, dict[int, int]] = {p.code: {} for p in parts}
    per_province: dict[str, dict[int, int]] = {}
    for (lv, place, code), value in rows.items():
        if place is None:  # a country row: not a place's
            continue
        if lv == level:
            found[code][place] = value
        elif lv == PROVINCE:
            per_province.setdefault(code, {})[place] = value
    if per_province:
        found.update(spread_to_counties(per_province, area))
    return found
