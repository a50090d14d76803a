"""The analytics table: KPI parts of the standard periods, precomputed per place.

DHIS2 keeps figures fast over a country by precomputing them per org unit and
period; so does Jahesh, for the periods its dashboards open by default:

- :func:`standard_periods` — the last five Jalali years (the dashboard's, the
  KPI API's and the public page's default) and each Jalali year of it, clipped
  to it (the trend charts);
- :func:`refresh` computes every part (``reports.kpis.Part``) of those periods
  with one grouped query per part and period (``by="county"`` / ``"province"``)
  and stores them in ``reports.Fact``; ``jahesh refresh_kpis`` runs it (nightly,
  after a day turns, and after bulk loads);
- triggers on every source table (:data:`SOURCES`, installed after each
  ``migrate`` by :func:`install_triggers`) append the county — or, for
  working groups, the province — of every inserted, updated or deleted row to
  ``reports.StalePlace``, whatever wrote it (services, bulk inserts, queryset
  updates, the admin, SQL);
- :func:`read` serves a figure from the table only for a materialized period;
  the places it needs that are marked stale it recomputes from the records in
  memory (:func:`current`) and serves without storing, so a figure read from
  the table always equals the one computed from the records, and a read never
  writes;
- :func:`refresh_stale` (the writer) stores those places' rows and removes
  their marks: a task each write enqueues on commit (``reports.tasks``) and the
  periodic job run it, one writer at a time (:func:`writing`).

Any other period is read from the day rows (``DayFact``, ``MonthBalance``: see
"Day rows" below): every part but distinct beneficiaries is kept per place and
day, so a custom period is a few small indexed sums (``reports.kpis.part_values``).
"""

from __future__ import annotations

import datetime
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from django.db import connection, connections, transaction
from django.db.models import Count, F, Field, Q, Sum
from django.utils import timezone

from jahesh.accounts.scoping import COUNTRY, Area
from jahesh.core import search
from jahesh.core.daily import EVER, shared
from jahesh.geo.models import County
from jahesh.reports.models import (
    DayFact,
    Fact,
    FactPeriod,
    FactVersion,
    MonthBalance,
    StalePlace,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models import Model

    from jahesh.reports.kpis import Part

COUNTY, PROVINCE = "county", "province"

# Every table a KPI reads, and the lookup path from its rows to the place whose
# figures a change of the row touches (kpis.md; the selectors' filters).
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


# --- Periods ---------------------------------------------------------------------


def standard_periods(today: datetime.date | None = None) -> list:
    """The periods kept in the table for ``today``, as the dashboard's pickers
    open them: the last five Jalali years, each Jalali year of it clipped to it
    (the trend charts), each of those years whole, and each of their quarters
    that has begun."""
    from jahesh.core.jalali import jalali_quarter_range, jalali_today, jalali_year_range
    from jahesh.reports.periods import Period, jalali_years_in, last_five_years

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


def _period(start: datetime.date, end: datetime.date) -> FactPeriod | bool:
    """The stored period [start, end), else whether the table is built (the day
    rows hold any period): one query (the table keeps a few dozen periods)."""
    periods = list(FactPeriod.objects.all())
    return next((p for p in periods if (p.start, p.end) == (start, end)), bool(periods))


def served(*, area: Area, start: datetime.date, end: datetime.date) -> bool:
    """Whether figures for [start, end) are read from the table (any area)."""
    return FactPeriod.objects.filter(start=start, end=end).exists()


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


def _marks(upto: int | None = None) -> Marks:
    """The marks (up to id ``upto``), one query (two when counties are marked)."""
    marks = StalePlace.objects.all() if upto is None else StalePlace.objects.filter(pk__lte=upto)
    counties: dict[int, set[str]] = defaultdict(set)
    provinces: dict[int, set[str]] = defaultdict(set)
    for province, county, source in marks.values_list(
        "province_id", "county_id", "source"
    ).distinct():
        if county:
            counties[county].add(source)
        elif province:
            provinces[province].add(source)
    province_of = _county_province(set(counties)) if counties else {}
    return Marks(dict(counties), dict(provinces), province_of)


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
    stored, ids = _stored(period, keys | leaves)
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


def _stored(period: FactPeriod, keys: set[Key]) -> tuple[dict[Key, int], dict[Key, list[int]]]:
    """The stored values of the rows ``keys`` and their ids, in one query (one
    snapshot: a province row and its counties' rows agree)."""
    q = Q(pk__in=[])
    for level, column in ((COUNTY, "county_id"), (PROVINCE, "province_id")):
        places = {place for lv, place, _code in keys if lv == level}
        if places:
            q |= Q(level=level, **{f"{column}__in": places})
    if any(level == Fact.COUNTRY for level, _place, _code in keys):
        q |= Q(level=Fact.COUNTRY)
    values: dict[Key, int] = {}
    ids: dict[Key, list[int]] = defaultdict(list)
    rows = Fact.objects.filter(q, period=period, part__in={code for _lv, _pl, code in keys})
    for pk, level, province, county, code, value in rows.values_list(
        "pk", "level", "province_id", "county_id", "part", "value"
    ):
        key = _key_of(level, province, county, code)
        if key in keys:
            values[key] = values.get(key, 0) + int(value)
            ids[key].append(pk)
    return values, ids


def _recomputed(
    period: FactPeriod, by_code: dict, keys: set[Key], province_of: dict[int, int]
) -> dict[Key, int]:
    """The rows ``keys`` computed from the records: a county row per county (a
    province with many marked counties in one grouped query), a province or
    country row for its area."""
    found: dict[Key, int] = {}
    per_province: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for level, place, code in keys:
        if level == COUNTY:
            assert place is not None  # a county row names its county (_key_of)
            per_province[(code, province_of.get(place))].append(place)
            continue
        area = COUNTRY if level == Fact.COUNTRY else Area(province_id=place)
        by = None if level == Fact.COUNTRY else PROVINCE
        found[(level, place, code)] = _value(by_code[code], period, area, by, place)
    for (code, province), counties in per_province.items():
        if len(counties) > 3 and province:
            values = by_code[code].values(area=Area(province_id=province), start=period.start,
                                          end=period.end, by=COUNTY)  # fmt: skip
            found.update({(COUNTY, c, code): int(values.get(c) or 0) for c in counties})
            continue
        for c in counties:
            area = Area(province_id=province, county_id=c)
            found[(COUNTY, c, code)] = _value(by_code[code], period, area, COUNTY, c)
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
    period = _period(start, end)
    if period is False:
        return None
    if period is True:
        return _read_days(area=area, start=start, end=end, parts=parts)
    keys = {_area_key(part, area): part.code for part in parts}
    values, _ids = current(period, parts, _marks(), set(keys))
    return {code: values[key] for key, code in keys.items()}


def read_by_place(
    *, area: Area, start: datetime.date, end: datetime.date, parts: list, by: str
) -> dict[str, dict[int, int]] | None:
    """The parts' values per county (``by="county"``) or province of ``area`` (for
    a period not stored, those of the parts kept per day), or None when the
    table is not built."""
    period = _period(start, end)
    if period is False:
        return None
    if period is True:
        return _read_days_by_place(area=area, start=start, end=end, parts=parts, by=by)
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
    marks = _marks()
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
        from jahesh.reports.kpis import spread_to_counties

        found.update(spread_to_counties(per_province, area))
    return found


# --- Day rows: any period -------------------------------------------------------------
#
# Flow parts (``Part.daily``: cases opened, principal disbursed, hours logged)
# are kept per place and day in ``DayFact``, so their value for any period, not
# only a standard one, is an indexed sum over a range of days. Reads never
# write here either: a place marked stale is read from its records for the
# asked period instead of its stored days, and the writer (:func:`refresh_stale`)
# rewrites its rows that changed. The table is complete once :func:`refresh`
# has built it (with the periods); until then (and after a bulk load drops it)
# these parts are computed from the records.

DayKey = tuple[str, "int | None", "int | None"]  # (part code, province id, county id)


def days_built() -> bool:
    """Whether ``DayFact`` holds every day of every flow part: :func:`refresh`
    builds it with the periods, and :func:`invalidate` (bulk loads, migrations)
    drops both."""
    return FactPeriod.objects.exists()


def _day_parts(parts: list) -> list:
    return [part for part in parts if part.daily]


def _day_place(part: Part, area: Area) -> tuple[int | None, int | None]:
    """(province, county) whose rows hold ``part`` in ``area`` (a province part
    read for a county: its province's rows)."""
    if _is_county_part(part) or area.county_id is None or area.province_id is not None:
        return area.province_id, area.county_id if _is_county_part(part) else None
    return _county_province({area.county_id}).get(area.county_id), None


def _day_sums(
    *, area: Area, start: datetime.date, end: datetime.date, parts: list, marks: Marks
) -> dict[DayKey, int]:
    """Each day part's value for [start, end) per place of ``area`` (county rows
    of county parts, province rows of province parts), the marked places
    computed from their records. A part kept cumulatively (every part without a
    window) reads its sum of the days before a date as the month balance plus
    the days of that month: a stock part at ``end``, a flow part at ``end``
    less at ``start``; a part with a window (:func:`_counts`) sums its rows of
    [start, end). A few small indexed reads, plus one per marked place a part
    reads."""
    found: dict[DayKey, int] = defaultdict(int)
    running = [part for part in parts if not part.window]
    if running:
        horizon = MonthBalance.objects.filter(part="").values_list("month", flat=True).first()
        flows = {part.code for part in running if not part.stock}
        # (date, sign, parts): the sum of the days before ``date``, times ``sign``
        points = [(end, 1, running)]
        if flows:
            points.append((start, -1, [part for part in running if not part.stock]))
        for at, sign, chosen in points:
            month = min(_month_of(at), horizon or _month_of(at))
            codes = [part.code for part in chosen]
            balances = MonthBalance.objects.filter(
                _place_q(chosen, area), month=month, part__in=codes
            ).values_list("part", "province_id", "county_id", "value")
            for code, p, c, v in balances:
                found[(code, p, c)] += sign * int(v)
            for code, p, c, v in _summed_rows(chosen, area, day__gte=month, day__lt=at):
                found[(code, p, c)] += sign * v
    windowed = [part for part in parts if part.window]
    if windowed:
        for code, p, c, v in _summed_rows(windowed, area, day__gte=start, day__lt=end,
                                          since__lt=start, lo__lt=end, hi__gte=end):  # fmt: skip
            found[(code, p, c)] += v
    for part in parts:
        for province, county in marks.places(part):
            here = Area(province_id=province, county_id=county)
            inside = area.province_id in (None, province) and (
                county is None or area.county_id in (None, county)
            )
            if county is None and area.county_id is not None:  # a county reads its province
                inside = _day_place(part, area)[0] == province
            if not inside:
                continue
            key = (part.code, province, county if _is_county_part(part) else None)
            found[key] = int(part.total(area=here, start=start, end=end))
    return found


def _summed_rows(
    parts: list[Part], area: Area, **where: Any
) -> Iterator[tuple[str, int | None, int | None, int]]:
    """(part, province, county, sum of value) of the day rows ``where`` of
    ``parts`` inside ``area``: one range of the day index per group of parts
    read alike (no OR: SQLite reads an OR of ranges row by row from the table,
    not from the index)."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for part in parts:
        groups[_day_place(part, area)].append(part.code)
    for (province, county), codes in groups.items():
        rows = DayFact.objects.filter(part__in=codes, **where)
        if county is not None:
            rows = rows.filter(county_id=county)
        elif province is not None:
            rows = rows.filter(province_id=province)
        for code, p, c, v in (
            rows.values("part", "province_id", "county_id")
            .annotate(v=Sum("value"))
            .order_by()
            .values_list("part", "province_id", "county_id", "v")
        ):
            yield code, p, c, int(v)


def _month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _place_q(parts: list, area: Area) -> Q:
    """The rows of ``parts`` inside ``area`` (a county reads its province's rows
    of province parts)."""
    q = Q(pk__in=[])
    for part in parts:
        province, county = _day_place(part, area)
        where = Q(part=part.code)
        if county is not None:
            where &= Q(county_id=county)
        elif province is not None:
            where &= Q(province_id=province)
        q |= where
    return q


def _balance_rows(
    part: Part, values: dict, province_of: Mapping[int, int | None], horizon: datetime.date
) -> list[tuple]:
    """A part's month balances per place (the sum of its days before each month)
    from its day values ``values`` ({(place, day): value}): at each month start
    after the place's first day, up to ``horizon``, as rows of
    :data:`BALANCE_COLUMNS`."""
    county_part = _is_county_part(part)
    per_place: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    for (place, day), change in values.items():
        per_place[place].append((day, change))
    rows: list[tuple] = []
    for place, changes in per_place.items():
        changes.sort()
        province = province_of.get(place) if county_part else place
        county = place if county_part else None
        month, i, total = _next_month(changes[0][0]), 0, 0
        while month <= horizon:
            while i < len(changes) and changes[i][0] < month:
                total += changes[i][1]
                i += 1
            rows.append((part.code, month, province, county, total))
            month = _next_month(month)
    return rows


def _horizon(daily: dict[str, dict], today: datetime.date) -> datetime.date:
    """The last month start balances are kept for: past today (a read up to two
    months ahead uses it) and past every change stored."""
    last = max((day for values in daily.values() for _place, day in values), default=today)
    return _next_month(max(last, today + datetime.timedelta(days=62)))


def _read_days(
    *, area: Area, start: datetime.date, end: datetime.date, parts: list
) -> dict[str, int]:
    """The day parts' values for any period [start, end) in ``area``, from the
    day rows (the table is built)."""
    parts = _day_parts(parts)
    if not parts:
        return {}
    sums = _day_sums(area=area, start=start, end=end, parts=parts, marks=_marks())
    found = {part.code: 0 for part in parts}
    for (code, _province, _county), value in sums.items():
        found[code] += value
    return found


def _read_days_by_place(
    *, area: Area, start: datetime.date, end: datetime.date, parts: list, by: str
) -> dict[str, dict[int, int]]:
    """The day parts' values per county (``by="county"``) or province of
    ``area`` for any period (the table is built)."""
    parts = _day_parts(parts)
    if not parts:
        return {}
    sums = _day_sums(area=area, start=start, end=end, parts=parts, marks=_marks())
    found: dict[str, dict[int, int]] = {part.code: {} for part in parts}
    per_province: dict[str, dict[int, int]] = {}
    stock = {part.code for part in parts if part.stock}
    for (code, province, county), value in sums.items():
        if code in stock and not value:  # as its selector: the places that hold some
            continue
        if county is not None and by == COUNTY:
            found[code][county] = found[code].get(county, 0) + value
        elif county is None and by == COUNTY and province is not None:
            per_province.setdefault(code, {})[province] = value
        elif province is not None:
            found[code][province] = found[code].get(province, 0) + value
    if per_province:
        from jahesh.reports.kpis import spread_to_counties

        found.update(spread_to_counties(per_province, area))
    return found


def _window(key: tuple) -> tuple[datetime.date, datetime.date, datetime.date]:
    """(since, lo, hi) of a daily selector's key: (place, day) or (place, day,
    since, lo, hi) (a row counts for [start, end) when since < start and
    lo < end <= hi: distinct units, each unit's latest visit, each loan's
    latest verification)."""
    return key[2:] if len(key) == 5 else (EVER[0], EVER[0], EVER[1])


def _counts(key: tuple, start: datetime.date, end: datetime.date) -> bool:
    since, lo, hi = _window(key)
    return start <= key[1] < end and since < start and lo < end <= hi


def _day_rows(part: Part, values: dict, province_of: Mapping[int, int | None]) -> list[tuple]:
    """A day part's rows of :data:`DAY_COLUMNS` from its daily selector's values."""
    county_part = _is_county_part(part)
    rows = []
    for key, value in values.items():
        place, day = key[0], key[1]
        since, lo, hi = _window(key)
        rows.append((part.code, day, since, lo, hi,
                     province_of.get(place) if county_part else place,
                     place if county_part else None, value))  # fmt: skip
    return rows


# The columns the writers insert, in order (:func:`_insert`).
DAY_COLUMNS = ("part", "day", "since", "lo", "hi", "province_id", "county_id", "value")
BALANCE_COLUMNS = ("part", "month", "province_id", "county_id", "value")
FACT_COLUMNS = ("period_id", "part", "level", "province_id", "county_id", "value")
BATCH = 20_000  # rows per executemany: the whole demo in a few statements


def _insert(model: type[Model], columns: tuple[str, ...], rows: list[tuple]) -> int:
    """Insert ``rows`` (tuples of ``columns``) into ``model``'s table with plain
    ``executemany`` in large batches (inside the caller's transaction): the day
    rows are tens of thousands at a province, millions at national scale, and
    ``bulk_create`` spends most of its time preparing each field of each model
    instance. Dates are adapted once per distinct date."""
    if not rows:
        return 0
    ops = connection.ops
    dates: dict[datetime.date, Any] = {}

    def adapt(value: Any) -> Any:
        if isinstance(value, datetime.date):
            found = dates.get(value)
            if found is None:
                found = dates[value] = ops.adapt_datefield_value(value)
            return found
        return value

    kinds = [isinstance(v, datetime.date) for v in rows[0]]
    table = connection.ops.quote_name(model._meta.db_table)
    sql = (f"INSERT INTO {table} ({', '.join(columns)})"
           f" VALUES ({', '.join(['%s'] * len(columns))})")  # fmt: skip
    with connection.cursor() as cursor:
        for i in range(0, len(rows), BATCH):
            batch = rows[i : i + BATCH]
            if any(kinds):
                batch = [tuple(adapt(v) if k else v for v, k in zip(row, kinds, strict=True))
                         for row in batch]  # fmt: skip
            cursor.executemany(sql, batch)
    return len(rows)


def _build_days(daily: dict[str, dict], province_of: dict[int, int]) -> int:
    """Replace every day row with ``daily`` ({code: {(place, day): value}})
    (inside the caller's transaction, with the periods)."""
    from jahesh.reports.kpis import PARTS

    DayFact.objects.all().delete()
    MonthBalance.objects.all().delete()
    running = {code: values for code, values in daily.items() if not PARTS[code].window}
    horizon = _horizon(running, datetime.date.today())
    balances: list[tuple] = [("", horizon, None, None, 0)]
    for code, values in running.items():
        balances += _balance_rows(PARTS[code], values, province_of, horizon)
    _insert(MonthBalance, BALANCE_COLUMNS, balances)
    rows = [
        row for code, values in daily.items() for row in _day_rows(PARTS[code], values, province_of)
    ]
    return _insert(DayFact, DAY_COLUMNS, rows)


@dataclass
class DayChanges:
    """What the writer rewrites in the day rows and month balances."""

    stale: list[int] = field(default_factory=list)  # DayFact ids
    fresh: list[tuple] = field(default_factory=list)  # rows of DAY_COLUMNS
    balances: Q = field(default_factory=lambda: Q(pk__in=[]))  # MonthBalance rows replaced
    new_balances: list[tuple] = field(default_factory=list)  # rows of BALANCE_COLUMNS

    def write(self) -> None:
        for i in range(0, len(self.stale), 500):
            DayFact.objects.filter(pk__in=self.stale[i : i + 500]).delete()
        _insert(DayFact, DAY_COLUMNS, self.fresh)
        MonthBalance.objects.filter(self.balances).delete()
        _insert(MonthBalance, BALANCE_COLUMNS, self.new_balances)


def _changed_days(parts: list, marks: Marks) -> DayChanges:
    """The day rows of the marked places as their records stand now: the ids of
    the stored rows that differ (to delete), the rows to insert, and the marked
    places' month balances of stock parts (replaced whole). Nothing is
    written."""
    with shared():  # parts from one pass over a place's records (PAR) share it
        return _changed_days_of(parts, marks)


def _changed_days_of(parts: list, marks: Marks) -> DayChanges:
    changes = DayChanges()
    stale, fresh = changes.stale, changes.fresh
    horizon = MonthBalance.objects.filter(part="").values_list("month", flat=True).first()
    for part in _day_parts(parts):
        for province, county in marks.places(part):
            here = Area(province_id=province, county_id=county)
            values = part.daily_values(area=here)
            place = county if county is not None else province
            assert place is not None  # a marked place is a county or a province (Marks)
            if not part.window and horizon is not None:
                changes.balances |= (
                    Q(part=part.code, county_id=county)
                    if county is not None
                    else Q(part=part.code, province_id=province, county_id__isnull=True)
                )
                changes.new_balances += _balance_rows(
                    part, {k: v for k, v in values.items() if k[0] == place},
                    {place: province}, horizon)  # fmt: skip
            rows = DayFact.objects.filter(part=part.code)
            rows = rows.filter(county_id=county) if county is not None else rows.filter(
                province_id=province, county_id__isnull=True)  # fmt: skip
            stored: dict[tuple, tuple[int, int]] = {}
            for pk, *fields, value in rows.values_list("pk", "day", "since", "lo", "hi", "value"):
                if tuple(fields) in stored:  # a duplicate: rewrite the day
                    stale.append(pk)
                    continue
                stored[tuple(fields)] = (pk, value)
            now: dict[tuple, int] = {
                (key[1], *_window(key)): v for key, v in values.items() if key[0] == place
            }
            for key, (pk, value) in stored.items():
                if now.get(key) != value:
                    stale.append(pk)
            changed = {
                (place, *key): v for key, v in now.items() if stored.get(key, (0, None))[1] != v
            }
            fresh += _day_rows(part, changed, {county: province} if county is not None else {})
    return changes


# --- Computing -----------------------------------------------------------------------------


@dataclass
class RefreshReport:
    periods: int = 0
    rows: int = 0
    places: int = 0
    seconds: float = 0.0
    per_part: dict[str, float] = field(default_factory=dict)


def _all_parts() -> list:
    from jahesh.reports.kpis import PARTS

    return list(PARTS.values())


def _county_province(counties: set[int] | None = None) -> dict[int, int]:
    """Each county's province (of ``counties``, or all)."""
    found = County.objects.all() if counties is None else County.objects.filter(pk__in=counties)
    return dict(found.values_list("pk", "province_id"))


def _computed(
    period: FactPeriod, part: Part, area: Area, province_of: dict[int, int], level: str
) -> list[Fact]:
    """The ``level`` rows of ``part`` for the places of ``area``, computed from
    the records (county rows of county parts; province and country rows of parts
    that are not sums of the level below)."""
    start, end = period.start, period.end

    def row(value: int, province: int | None = None, county: int | None = None) -> Fact:
        return Fact(period=period, part=part.code, level=level, province_id=province,
                    county_id=county, value=value)  # fmt: skip

    if level == Fact.COUNTY:
        values = part.values(area=area, start=start, end=end, by="county")
        return [row(v, province_of.get(c or 0), c) for c, v in values.items()]
    if level == Fact.PROVINCE:
        values = part.values(area=area, start=start, end=end, by="province")
        return [row(v, province=p) for p, v in values.items()]
    return [row(part.total(area=COUNTRY, start=start, end=end))]


def _sums(rows: list[Fact], period: FactPeriod, level: str) -> list[Fact]:
    """Rows of the level above ``rows`` (county → province → country), summed."""
    totals: dict[tuple[str, int | None], int] = defaultdict(int)
    for r in rows:
        totals[(r.part, r.province_id if level == Fact.PROVINCE else None)] += r.value
    return [Fact(period=period, part=code, level=level, province_id=place, value=value)
            for (code, place), value in totals.items()]  # fmt: skip


class _Running:
    """A day part's values per place as running sums over its sorted days, so
    its value per place for a period is two bisections instead of a pass over
    every row (each part is summed for a few dozen periods)."""

    def __init__(self, values: dict) -> None:
        grouped: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
        for (place, day), value in values.items():
            grouped[place].append((day, value))
        self.places: dict[int, tuple[list[datetime.date], list[int]]] = {}
        for place, items in grouped.items():
            items.sort()
            self.places[place] = ([d for d, _v in items], list(accumulate(v for _d, v in items)))

    def totals(self, start: datetime.date, end: datetime.date, stock: bool) -> dict[int, int]:
        """Per place: the sum of its days before ``end`` (a stock part: where not
        zero), or of [start, end) (a flow part: where it has a day)."""
        found: dict[int, int] = {}
        for place, (days, sums) in self.places.items():
            hi = bisect_left(days, end)
            upto = sums[hi - 1] if hi else 0
            if stock:
                if upto:
                    found[place] = upto
                continue
            lo = bisect_left(days, start)
            if hi > lo:
                found[place] = upto - (sums[lo - 1] if lo else 0)
        return found


def _summed_days(
    period: FactPeriod, part: Part, values: dict | _Running, province_of: dict[int, int]
) -> list[Fact]:
    """A day part's county (or, for a province part, province) rows of
    ``period``, summed from its day values in memory (a stock part: every day
    before the period's end; a part without a window: from its running sums)."""
    if isinstance(values, _Running):
        totals = values.totals(period.start, period.end, part.stock)
    else:
        totals = defaultdict(int)
        for key, value in values.items():
            if _counts(key, period.start, period.end):
                totals[key[0]] += value
    if part.place == COUNTY:
        return [
            Fact(
                period=period,
                part=part.code,
                level=Fact.COUNTY,
                value=v,
                province_id=province_of.get(c),
                county_id=c,
            )
            for c, v in totals.items()
        ]
    return [Fact(period=period, part=part.code, level=Fact.PROVINCE, value=v, province_id=p)
            for p, v in totals.items()]  # fmt: skip


def _all_rows(
    period: FactPeriod,
    province_of: dict[int, int],
    report: RefreshReport,
    daily: Mapping[str, dict | _Running],
) -> list[Fact]:
    """Every row of ``period``: computed where they must be (flow parts: summed
    from their days), summed where they add up."""
    rows: list[Fact] = []
    for part in _all_parts():
        t = time.monotonic()
        if part.code in daily:
            below = _summed_days(period, part, daily[part.code], province_of)
            if part.place == COUNTY:
                province = _sums(below, period, Fact.PROVINCE)
                rows += below + province + _sums(province, period, Fact.COUNTRY)
            else:
                rows += below + _sums(below, period, Fact.COUNTRY)
        elif part.additive and part.place == COUNTY:
            county = _computed(period, part, COUNTRY, province_of, Fact.COUNTY)
            province = _sums(county, period, Fact.PROVINCE)
            rows += county + province + _sums(province, period, Fact.COUNTRY)
        elif part.additive:  # a province part: working groups
            province = _computed(period, part, COUNTRY, province_of, Fact.PROVINCE)
            rows += province + _sums(province, period, Fact.COUNTRY)
        else:
            for level in (Fact.COUNTY, Fact.PROVINCE, Fact.COUNTRY):
                rows += _computed(period, part, COUNTRY, province_of, level)
        report.per_part[part.code] = report.per_part.get(part.code, 0) + time.monotonic() - t
    return rows


def refresh(
    *, today: datetime.date | None = None, log: Callable[[str], object] | None = None
) -> RefreshReport:
    """Materialize the standard periods of ``today`` (replacing older ones): one
    grouped query per part and period. Writes made while it runs stay marked
    stale (reads recompute them in memory; :func:`refresh_stale` stores them)."""
    with writing():
        return _refresh(today=today, log=log)


def _refresh(
    *, today: datetime.date | None, log: Callable[[str], object] | None = None
) -> RefreshReport:
    from jahesh.reports.kpis import PARTS

    report = RefreshReport()
    started = time.monotonic()
    seen = _seen_marks()
    province_of = _county_province()
    periods = standard_periods(today)
    daily: dict[str, dict] = {}
    with shared():  # parts from one pass over the records (PAR) share it
        for part in _day_parts(_all_parts()):
            t = time.monotonic()
            daily[part.code] = part.daily_values(area=COUNTRY)
            report.per_part[part.code] = time.monotonic() - t
    summed: dict[str, dict | _Running] = {
        code: values if PARTS[code].window else _Running(values) for code, values in daily.items()
    }
    computed: list[tuple[FactPeriod, list[Fact], float]] = []
    for period in periods:
        t = time.monotonic()
        shell = FactPeriod(start=period.start, end=period.end, computed_at=timezone.now())
        rows = _all_rows(shell, province_of, report, summed)
        computed.append((shell, rows, time.monotonic() - t))
        if log:
            log(f"{period.start} – {period.end}: {len(rows)} rows, {time.monotonic() - t:.1f} s")
    with transaction.atomic():
        FactPeriod.objects.all().delete()
        for shell, rows, seconds in computed:
            shell.seconds = seconds
            shell.save()
            report.rows += _insert(Fact, FACT_COLUMNS, _fact_tuples(shell, rows))
        report.rows += _build_days(daily, province_of)
        _forget(seen)
    report.periods = len(periods)
    report.seconds = time.monotonic() - started
    return report


def refresh_stale() -> int:
    """Store what reads compute in memory: in every materialized period, the rows
    that the marks seen at the start make stale (:func:`current`: the marked
    places recomputed, the rows above them re-summed, non-additive rows over
    them recomputed), then remove those marks; marks written meanwhile stay for
    the next run. Returns how many places were marked. The writer's half of
    "reads never write": run by the task a write enqueues (``reports.tasks``)
    and by the periodic job, never by a read."""
    with writing():
        seen = _seen_marks()
        if not seen:
            return 0
        marks = _marks(upto=seen[-1][1])
        parts = _all_parts()
        keys = set().union(*(_affected(parts, marks, area=COUNTRY, level=lv) for lv in LEVELS))
        # Computed before the transaction: writers wait only for the rows' swap.
        computed = [(period, *current(period, parts, marks, keys))
                    for period in FactPeriod.objects.all()]  # fmt: skip
        days = _changed_days(parts, marks) if days_built() else DayChanges()
        with transaction.atomic():
            days.write()
            for period, values, ids in computed:
                replaced = [pk for pks in ids.values() for pk in pks]
                for i in range(0, len(replaced), 500):
                    Fact.objects.filter(pk__in=replaced[i : i + 500]).delete()
                _insert(Fact, FACT_COLUMNS,
                        _fact_tuples(period, _rows(period, values, marks.province_of)))  # fmt: skip
            _forget(seen)
    return len(marks.counties) + len(marks.provinces)


def _rows(period: FactPeriod, values: dict[Key, int], province_of: dict[int, int]) -> list[Fact]:
    def row(level: str, place: int | None, code: str, value: int) -> Fact:
        province = {COUNTY: province_of.get(place or 0), PROVINCE: place}.get(level)
        county = place if level == COUNTY else None
        return Fact(period=period, part=code, level=level, province_id=province,
                    county_id=county, value=value)  # fmt: skip

    return [row(*key, value) for key, value in values.items()]


def _fact_tuples(period: FactPeriod, rows: list[Fact]) -> list[tuple]:
    return [(period.pk, r.part, r.level, r.province_id, r.county_id, r.value) for r in rows]


def _seen_marks() -> list[tuple[int, int]]:
    """The marks visible now, as runs of consecutive ids [(first, last), …] (a
    bulk load leaves millions; a mark whose transaction commits later falls in a
    gap between runs, so it is never removed unseen)."""
    table = StalePlace._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(id), MAX(id) FROM (SELECT id, id - ROW_NUMBER() OVER (ORDER BY id)"
            f" AS run FROM {table}) AS numbered GROUP BY run ORDER BY 1"
        )
        return [(int(lo), int(hi)) for lo, hi in cursor.fetchall()]


def _forget(runs: list[tuple[int, int]]) -> None:
    """Remove the marks a refresh has read (and only those), counting them per
    place in :func:`data_version`."""
    per_place: dict[tuple[int, int], int] = defaultdict(int)
    for run in runs:
        marks = StalePlace.objects.filter(pk__range=run)
        for province, county, n in (
            marks.order_by().values("province_id", "county_id").annotate(n=Count("id"))
            .values_list("province_id", "county_id", "n")
        ):  # fmt: skip
            per_place[(province, county)] += n
        marks.delete()
    province_of = _county_province({c for _p, c in per_place if c}) if per_place else {}
    counted: dict[tuple[int, int], int] = defaultdict(int)
    for (province, county), n in per_place.items():
        counted[(province_of.get(county, 0), county) if county else (province, 0)] += n
    _count_forgotten(counted)


def _count_forgotten(per_place: Mapping[tuple[int, int], int], using: str = "default") -> None:
    """Add removed marks to their places' counts (writers only: one at a time)."""
    rows = FactVersion.objects.using(using)
    for (province, county), marks in per_place.items():
        if marks and not rows.filter(province_id=province, county_id=county).update(
            forgotten=F("forgotten") + marks
        ):
            rows.create(province_id=province, county_id=county, forgotten=marks)


def data_version(area: Area = COUNTRY) -> int:
    """A number that every committed write that can change ``area``'s figures
    raises, the same for every server: the marks written so far in it (those
    present, and those a writer has removed) — a county counts its own and its
    province's (working groups), a province every one inside it, the country all
    — plus the bulk loads' bumps. The dashboards' cache keys carry it, so no
    server serves a figure computed before a write it can see, and a write
    elsewhere leaves a figure cached. One query."""
    marks, version = StalePlace._meta.db_table, FactVersion._meta.db_table
    counties = _county_table()
    if area.county_id is not None:
        province = (
            "%s"
            if area.province_id is not None
            else f"(SELECT province_id FROM {counties} WHERE id = %s)"
        )
        place = area.province_id if area.province_id is not None else area.county_id
        present = f"county_id = %s OR (county_id = 0 AND province_id = {province})"
        removed = f"province_id = 0 OR (province_id = {province} AND county_id IN (0, %s))"
        params: list[Any] = [area.county_id, place, place, area.county_id]
    elif area.province_id is not None:
        present = (f"(county_id = 0 AND province_id = %s)"
                   f" OR county_id IN (SELECT id FROM {counties} WHERE province_id = %s)")  # fmt: skip
        removed = "province_id IN (0, %s)"
        params = [area.province_id, area.province_id, area.province_id]
    else:
        present = removed = "1 = 1"
        params = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {marks} WHERE {present})"
            f" + COALESCE((SELECT SUM(forgotten) FROM {version} WHERE {removed}), 0)",
            params,
        )
        return int(cursor.fetchone()[0])


def _county_table() -> str:
    return County._meta.db_table


def ensure_current(*, today: datetime.date | None = None) -> RefreshReport | None:
    """Refresh the table when it does not hold today's standard periods (the day
    has turned, or a bulk load dropped it); the periodic job runs this (skipped
    while another writer holds the table)."""
    five = standard_periods(today)[0]
    with writing(wait=False) as held:
        if not held or FactPeriod.objects.filter(start=five.start, end=five.end).exists():
            return None
        return _refresh(today=today)


# A PostgreSQL advisory lock key ("jahesh" and 1): the table's writers.
LOCK_KEY = 0x6A61686573680001


@contextmanager
def writing(*, wait: bool = True, using: str = "default") -> Iterator[bool]:
    """One writer of the table at a time, whatever process or server it runs in
    (the periodic job, the refresh task, ``jahesh refresh_kpis``): PostgreSQL's
    advisory lock, or on SQLite (one machine) a lock file in JAHESH_VAR. Yields
    whether the lock is held (always, unless ``wait=False`` finds it taken)."""
    conn = connections[using]
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute(f"SELECT pg_{'' if wait else 'try_'}advisory_lock(%s)", [LOCK_KEY])
            held = wait or bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            if held:
                with conn.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        return
    import fcntl

    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(settings.VAR_DIR / "facts.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            held = True
        except BlockingIOError:
            held = False
        try:
            yield held
        finally:
            if held:
                fcntl.flock(handle, fcntl.LOCK_UN)


def invalidate_if_present(using: str = "default") -> None:
    """:func:`invalidate` when the table exists (after migrations)."""
    if FactPeriod._meta.db_table in _tables(connections[using]):
        invalidate(using)


def invalidate(using: str = "default") -> None:
    """Drop the table's periods (every figure is computed from the records until
    the next :func:`refresh`); the data version moves on (a bulk load wrote
    without marks)."""
    with writing(using=using):
        FactPeriod.objects.using(using).all().delete()
        DayFact.objects.using(using).all().delete()
        MonthBalance.objects.using(using).all().delete()
        removed, _ = StalePlace.objects.using(using).all().delete()
        _count_forgotten({(0, 0): removed + 1}, using)  # every place's version moves


# --- Triggers ----------------------------------------------------------------------------------


def trigger_statements(vendor: str) -> list[str]:
    """CREATE statements of the stale-place triggers for ``vendor``."""
    from django.apps import apps

    statements: list[str] = []
    for label, paths in SOURCES.items():
        model = apps.get_model(label)
        table = model._meta.db_table
        name = f"jahesh_stale_{table}"
        for_row = {
            row: [select_sql(model, path, row, source=label) for path in paths]
            for row in ("NEW", "OLD")
        }
        if vendor == "sqlite":
            for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]),
                                ("DELETE", ["OLD"])):  # fmt: skip
                body = " ".join(
                    f"INSERT INTO reports_staleplace (province_id, county_id, source) {sql};"
                    for row in rows
                    for sql in for_row[row]
                )
                statements.append(f"DROP TRIGGER IF EXISTS {name}_{event.lower()}")
                statements.append(
                    f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} "
                    f"FOR EACH ROW BEGIN {body} END"
                )
        else:
            new = " ".join(
                f"INSERT INTO reports_staleplace (province_id, county_id, source) {sql};"
                for sql in for_row["NEW"]
            )
            old = " ".join(
                f"INSERT INTO reports_staleplace (province_id, county_id, source) {sql};"
                for sql in for_row["OLD"]
            )
            statements.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {old} END IF; "
                f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {new} END IF; "
                f"RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            statements.append(
                f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
    return statements


def select_sql(model: type[Model], path: str, row: str, *, source: str) -> str:
    """SELECT (province_id, county_id, source) of the place ``path`` reaches from
    ``row`` (NEW or OLD in a trigger)."""
    names = path.split("__")
    current = model
    ref = row
    joins: list[str] = []
    for i, name in enumerate(names):
        f = current._meta.get_field(name)
        target = f.related_model
        if not isinstance(f, Field) or not isinstance(target, type):
            raise ValueError(f"{source}: {path} is not a path of foreign keys")
        value = f"{ref}.{f.column}"
        if i == len(names) - 1:
            is_county = target._meta.model_name == "county"
            columns = f"0, {value}" if is_county else f"{value}, 0"
            columns += f", '{source}'"
            where = f"{value} IS NOT NULL"
            break
        alias = f"t{i}"
        joins.append(
            f"{target._meta.db_table} {alias} ON {alias}.{target._meta.pk.column} = {value}"
        )
        current, ref = target, alias
    if not joins:
        return f"SELECT {columns} WHERE {where}"
    first, *rest = joins
    table_alias, on = first.split(" ON ")
    sql = f"SELECT {columns} FROM {table_alias}"
    for join in rest:
        sql += f" JOIN {join}"
    return f"{sql} WHERE {on} AND {where}"


def _tables(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def install_triggers(using: str = "default") -> None:
    """(Re)create the stale-place triggers (idempotent; run after every migrate).
    Nothing happens until the source tables and the marks table exist."""
    from django.apps import apps

    connection = connections[using]
    needed = {StalePlace._meta.db_table} | {apps.get_model(x)._meta.db_table for x in SOURCES}
    if not needed <= _tables(connection):
        return
    with connection.cursor() as cursor:
        for statement in trigger_statements(connection.vendor):
            cursor.execute(statement)


def drop_triggers(using: str = "default") -> None:
    """Drop the stale-place triggers (before migrations: SQLite rebuilds a table
    to alter it, and a trigger naming a table being rebuilt stops the rename)."""
    from django.apps import apps

    connection = connections[using]
    present = _tables(connection)
    with connection.cursor() as cursor:
        for label in SOURCES:
            table = apps.get_model(label)._meta.db_table
            name = f"jahesh_stale_{table}"
            if connection.vendor == "sqlite":
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
            elif table in present:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")


_loading = 0  # paused() blocks open in this process


def loading() -> bool:
    """Whether a bulk load runs (:func:`paused`): its writes enqueue no refresh."""
    return _loading > 0


@contextmanager
def paused(using: str = "default") -> Iterator[None]:
    """Bulk loads (the demo scenario, the national generator): no triggers (and no
    refresh tasks) while loading; afterwards the planner's statistics are renewed (``ANALYZE``: with
    stale ones PostgreSQL chose a full scan per visit for units_high_risk) and
    every period is dropped (figures come from the records until ``refresh``)."""
    global _loading
    drop_triggers(using)
    _loading += 1
    try:
        yield
    finally:
        _loading -= 1
        install_triggers(using)
        search.indexes_settle(using)  # the load's search-index entries, filed now
        with connections[using].cursor() as cursor:
            cursor.execute("ANALYZE")
        invalidate()
