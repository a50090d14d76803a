"""The day rows (``reports.DayFact``, ``reports.MonthBalance``): any period's
flow, stock and window parts as a few indexed sums; building and rewriting them."""

from __future__ import annotations

import datetime
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import accumulate, chain
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, Sum

from jahesh.accounts.scoping import COUNTRY, Area
from jahesh.core.daily import EVER, shared
from jahesh.reports.kpis import PARTS, Part, spread_to_counties
from jahesh.reports.models import (
    DayFact,
    FactPeriod,
    MonthBalance,
)

if TYPE_CHECKING:
    from django.db.models import Model

from jahesh.reports.facts.marks import (
    COUNTY,
    PROVINCE,
    Marks,
    _county_province,
    _is_county_part,
    _marks,
    live_values,
)
from jahesh.reports.facts.spans import AFTER, RUNNING, base_code, span_series

# --- Day rows: any period -------------------------------------------------------------
#
# Flow parts (``Part.daily``: cases opened, principal disbursed, hours logged)
# are kept per place and day in ``DayFact``, so their value for any period, not
# only a standard one, is an indexed sum over a range of days; and per province
# and for the country (the sums of the places below, :func:`_with_levels`), so
# the country reads a range of its own rows, not one per county. Reads never
# write here either: a place marked stale is read from its records for the
# asked period instead of its stored days (inside a sum: its stored days taken
# out of it), and the writer (:func:`refresh_stale`) rewrites its rows that
# changed and moves the sums above it. The table is complete once :func:`refresh`
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


# Which rows a read sums: (province, county, level), level None for the place's
# own rows, COUNTY / PROVINCE for the rows of the counties / provinces inside it.
Rows = tuple["int | None", "int | None", "str | None"]


def _rows_read(part: Part, area: Area, by: str | None) -> Rows:
    """The rows of ``part`` a read of ``area`` sums: the area's own (``by``
    None: a county's rows, or the sums kept for a province or the country), or
    those of each county (county parts) or province inside it (``by``)."""
    province, county = _day_place(part, area)
    if by is None or county is not None:
        return province, county, None
    return province, None, COUNTY if by == COUNTY and _is_county_part(part) else PROVINCE


def _holder(code: str, rows: Rows, place: tuple[int | None, int | None]) -> DayKey:
    """The key of the sum (:func:`_sums_sql`) that holds ``place``'s rows among ``rows``."""
    province, county, level = rows
    if level is None:
        return (code, province, county)
    return (code, place[0], place[1] if level == COUNTY else None)


def _day_sums(
    *,
    area: Area,
    start: datetime.date,
    end: datetime.date,
    parts: list,
    marks: Marks,
    by: str | None = None,
) -> dict[DayKey, int]:
    """Each day part's value for [start, end) in ``area`` (its own rows: the
    sums kept for a province or the country), or per county or province of
    ``area`` (``by``), the marked places from their records: a marked place
    whose rows are read is replaced, and one inside a sum read is taken out of
    it (its stored rows, read in the same statement) and put back as its
    records stand. The stored rows are one grouped statement
    (:func:`_sums_sql`); a marked place of a part is one selector call
    (:func:`live_values`)."""
    reads: dict[Rows, list[Part]] = defaultdict(list)
    taken: dict[tuple[int | None, int | None], list[Part]] = defaultdict(list)
    marked: dict[str, list[tuple[tuple[int | None, int | None], DayKey]]] = {}
    for part in parts:
        rows = _rows_read(part, area, by)
        reads[rows].append(part)
        if not part.additive:
            continue
        province, county, _level = rows
        inside = [(p, c) for p, c in marks.places(part)
                  if province in (None, p) and county in (None, c)]  # fmt: skip
        marked[part.code] = [(place, _holder(part.code, rows, place)) for place in inside]
        for place, holder in marked[part.code]:
            if holder != (part.code, *place):
                taken[place].append(part)
    selects = [(chosen, *_place_sql(*rows)) for rows, chosen in reads.items()]
    selects += [(chosen, *_place_sql(*place, None)) for place, chosen in taken.items()]
    found: dict[DayKey, int] = {}
    sql, params = _sums_sql(start=start, end=end, selects=selects)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for code, p, c, v in cursor.fetchall():
            key = (base_code(code), p, c)  # a part's series (OPENED, spans): one value
            found[key] = found.get(key, 0) + int(v)
    for part in parts:
        if not part.additive:  # distinct people: the area's own rows, or its records
            if any(area.province_id in (None, p) and area.county_id in (None, c)
                   for p, c in marks.places(part)):  # fmt: skip
                for key in [key for key in found if key[0] == part.code]:
                    del found[key]
                found[(part.code, area.province_id, area.county_id)] = int(
                    part.total(area=area, start=start, end=end))  # fmt: skip
            continue
        places = marked[part.code]
        now = live_values(part, [place for place, _holder in places], start=start, end=end)
        for place, holder in places:
            own = (part.code, *place)
            if holder != own:  # inside a sum: its stored rows out, its records in
                found[holder] = found.get(holder, 0) - found.pop(own, 0) + now[place]
            else:
                found[own] = now[place]
    return found


def _sums_sql(
    *, start: datetime.date, end: datetime.date, selects: list[tuple[list[Part], str, list]]
) -> tuple[str, list[Any]]:
    """One statement summing the day parts' stored rows for [start, end) per
    (part, province, county), for each group of ``selects`` (parts, and the
    condition on the place columns of the rows they read, :func:`_place_sql`;
    a key may come in several rows: their sum). A part kept cumulatively
    (every part without a window) is its sum of the days before a date: the
    month balance plus the days of that month (a stock part at ``end``; a flow
    part at ``end`` less at ``start``), the month no later than the balances'
    horizon (the row with part ""); a part with a window (:func:`_window`) sums
    its rows of [start, end). Each branch is one range of an index per group
    of parts read alike (no OR: SQLite reads an OR of ranges row by row from
    the table), grouped in its branch (SQLite's outer GROUP BY over the
    compound was slower than the branches alone)."""
    q = connection.ops.quote_name
    days, balances = q(DayFact._meta.db_table), q(MonthBalance._meta.db_table)
    part, month, day, value = q("part"), q("month"), q("day"), q("value")
    branches: list[str] = []
    params: list[Any] = []

    def add(
        table: str,
        kept: Callable[[Part], bool],
        where: str,
        args: list,
        sign: str = "",
        code: Callable[[Part], str] = lambda p: p.code,
    ) -> None:
        for chosen, place, place_args in selects:
            codes = [code(p) for p in chosen if kept(p)]
            if not codes:
                continue
            branches.append(
                f"SELECT {part}, province_id, county_id, {sign}SUM({value}) FROM {table}"
                f" WHERE {part} IN ({', '.join(['%s'] * len(codes))}) AND {where}{place}"
                f" GROUP BY {part}, province_id, county_id"
            )
            params.extend([*codes, *args, *place_args])

    at_most = (f"(SELECT CASE WHEN MIN({month}) < %s THEN MIN({month}) ELSE %s END"
               f" FROM {balances} WHERE {part} = '')")  # fmt: skip
    opened = _by_opened(start, end)

    def seen(p: Part) -> bool:  # a distinct part read as its units seen from start on
        return opened and p.distinct

    def opened_code(p: Part) -> str:
        return p.code + OPENED

    def spanned(p: Part) -> bool:  # a spans part read as its running totals and rows after end
        return opened and p.spans

    points: list[tuple[datetime.date, str, Callable[[Part], bool], Callable[[Part], str]]] = [
        (end, "", lambda p: not p.window, lambda p: p.code),
        (start, "-", lambda p: not p.window and not p.stock, lambda p: p.code),
        (start, "-", seen, opened_code),
        (end, "", spanned, lambda p: p.code + RUNNING),
        (start, "-", spanned, lambda p: p.code + RUNNING),
    ]
    for at, sign, kept, code in points:
        first = _date_param(_month_of(at))
        add(balances, kept, f"{month} = {at_most}", [first, first], sign, code)
        add(days, kept, f"{day} >= {at_most} AND {day} < %s",
            [first, first, _date_param(at)], sign, code)  # fmt: skip
    add(balances, seen, f"{month} = (SELECT MIN({month}) FROM {balances} WHERE {part} = '')",
        [], "", opened_code)  # fmt: skip
    s, e = _date_param(start), _date_param(end)
    add(days, seen, f"{day} >= %s AND {q('since')} < %s", [e, s], "-")
    add(
        days,
        spanned,
        f"{day} >= %s AND {q('since')} >= %s AND {q('since')} < %s",
        [e, s, e],
        code=lambda p: p.code + AFTER,
    )
    add(days, lambda p: p.window and not seen(p) and not spanned(p), f"{day} >= %s AND {day} < %s"
        f" AND {q('since')} < %s AND {q('lo')} < %s AND {q('hi')} >= %s", [s, e, s, e, e])  # fmt: skip
    if not branches:
        return "SELECT NULL, NULL, NULL, 0 WHERE 1 = 0", []
    return " UNION ALL ".join(branches), params


# A distinct part's row (day d, since) counts for [s, e) when since < s <= d < e.
# The rows with since < s <= d are the units (people) seen on or after s, one
# each (its first day from s on): #{d >= s} - #{since >= s}, the sum from s to
# the horizon of a flow of +value on d and -value on since, kept as a part of
# its own (code + OPENED, :func:`_opened`) with month balances. Those of them
# first seen again on or after e are the rows #{since < s, d >= e}. So a
# period is a balance at the horizon, one at s with a month of days, and the
# rows after e: read so when that is fewer days than the period (a recent
# period of more than a few weeks, :func:`_by_opened`), the period's rows
# otherwise (at the country, nearly one per unit or person seen in it).
OPENED = "@opened"


def _by_opened(start: datetime.date, end: datetime.date) -> bool:
    """Whether a distinct part's [start, end) is read through its running
    totals (a month of days before ``start``, on two series, and the rows after
    ``end``) rather than its rows of the period: fewer days. A spans part
    (``facts.spans``) is read alike."""
    after = max(0, (datetime.date.today() - end).days)
    return 2 * (start.day - 1) + after < (end - start).days


def _opened(values: dict) -> dict:
    """A distinct part's second series from its window values ({(place, day,
    since, lo, hi): value}): +value on the day, -value on since (a day seen
    before), {(place, day): change}, zero changes left out."""
    found: dict[tuple, int] = defaultdict(int)
    for (place, day, since, *_window), value in values.items():
        found[(place, day)] += value
        if since != NO_WINDOW[0]:
            found[(place, since)] -= value
    return {key: v for key, v in found.items() if v}


def _kept(part: Part, values: dict) -> list[tuple[Part, dict]]:
    """The series stored for ``part`` from its daily values: itself, and for a
    distinct part its running series (:func:`_opened`: a flow part of its own),
    for a spans part its two (``facts.spans``)."""
    if part.spans:
        return [(part, values), *span_series(part, values)]
    if not part.distinct:
        return [(part, values)]
    running = replace(part, code=part.code + OPENED, window=False, distinct=False)
    return [(part, values), (running, _opened(values))]


def _place_sql(province: int | None, county: int | None, level: str | None) -> tuple[str, list]:
    """The condition on a day table's place columns for the rows (province,
    county, level) of :func:`_rows_read`: a county's rows; a province's or the
    country's own (the sums kept for it); or those of the counties or
    provinces inside it."""
    if county is not None:
        return " AND county_id = %s", [county]
    where, args = (" AND province_id = %s", [province]) if province is not None else ("", [])
    if level == COUNTY:
        return where + " AND county_id IS NOT NULL", args
    if province is None:
        where += " AND province_id IS NOT NULL" if level == PROVINCE else " AND province_id IS NULL"
    return where + " AND county_id IS NULL", args


def _date_param(day: datetime.date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _where(part: Part, place: Any, province_of: Mapping[int, int | None]) -> tuple:
    """(province, county) of a place of ``part``'s day values: a county of a
    county part, a province of a province part, or (province, county) itself
    (the rows of a level: :func:`_with_levels`, distinct_days)."""
    if isinstance(place, tuple):
        return place
    return (province_of.get(place), place) if _is_county_part(part) else (place, None)


def _above(part: Part, province: int | None, county: int | None) -> list[tuple]:
    """The levels whose rows sum an additive ``part``'s rows at (province,
    county): a county's province and the country; a province's country."""
    return [(province, None), (None, None)] if county is not None else [(None, None)]


def _with_levels(part: Part, values: dict, province_of: Mapping[int, int | None]) -> dict:
    """``part``'s day values and, for a part that adds up over places, those of
    the levels above its places (each province, the country: keyed (province,
    None), (None, None)), summed per day and window; sums of nothing are left
    out."""
    if not part.additive:
        return values
    places = {key[0] for key in values}
    above = {place: _above(part, *_where(part, place, province_of)) for place in places}
    levels: dict[tuple, int] = defaultdict(int)
    for key, value in values.items():  # millions of keys: no call per key
        for level in above[key[0]]:
            levels[(level, *key[1:])] += value
    return {**values, **{key: v for key, v in levels.items() if v}}


def _balance_rows(
    part: Part, values: dict, province_of: Mapping[int, int | None], horizon: datetime.date
) -> list[tuple]:
    """A part's month balances per place (the sum of its days before each month)
    from its day values ``values`` ({(place, day): value}): at each month start
    after the place's first day, up to ``horizon``, as rows of
    :data:`BALANCE_COLUMNS`."""
    per_place: dict[Any, list[tuple[datetime.date, int]]] = defaultdict(list)
    for (place, day), change in values.items():
        per_place[place].append((day, change))
    rows: list[tuple] = []
    months: list[datetime.date] = []  # every month start after the first day, to the horizon
    month = _next_month(min((day for _place, day in values), default=horizon))
    while month <= horizon:
        months.append(month)
        month = _next_month(month)
    code = part.code
    for place, changes in per_place.items():
        changes.sort()
        province, county = _where(part, place, province_of)
        days = [day for day, _change in changes]
        before = [0, *accumulate(change for _day, change in changes)]  # before[i]: of days[:i]
        rows += [(code, m, province, county, before[bisect_left(days, m)])
                 for m in months[bisect_right(months, days[0]):]]  # fmt: skip
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
    marks = _marks()
    whole = [part for part in parts if not part.additive]
    parts = [part for part in parts if part.additive]
    sums = _day_sums(area=area, start=start, end=end, parts=parts, marks=marks, by=by)
    found: dict[str, dict[int, int]] = {part.code: {} for part in parts}
    for part in whole:
        found[part.code] = _places_of(part, area=area, start=start, end=end, by=by, marks=marks)
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
        found.update(spread_to_counties(per_province, area))
    return found


def _places_of(
    part: Part, *, area: Area, start: datetime.date, end: datetime.date, by: str, marks: Marks
) -> dict[int, int]:
    """A non-additive day part per county (``by="county"``) or province of
    ``area``: the rows of that level, or from the records when a marked place
    is inside ``area``."""
    if any(area.province_id in (None, p) and area.county_id in (None, c)
           for p, c in marks.places(part)):  # fmt: skip
        return {
            place: value
            for place, value in part.values(area=area, start=start, end=end, by=by).items()
            if place is not None
        }
    rows = DayFact.objects.filter(part=part.code, day__gte=start, day__lt=end,
                                  since__lt=start, lo__lt=end, hi__gte=end)  # fmt: skip
    if area.county_id is not None:
        rows = rows.filter(county_id=area.county_id)
    elif area.province_id is not None:
        rows = rows.filter(province_id=area.province_id)
    field = "county_id" if by == COUNTY else "province_id"
    rows = rows.filter(county_id__isnull=by != COUNTY, province_id__isnull=False)
    return {
        place: int(v)
        for place, v in rows.values(field)
        .annotate(v=Sum("value"))
        .order_by()
        .values_list(field, "v")
    }


def _window(key: tuple) -> tuple[datetime.date, datetime.date, datetime.date]:
    """(since, lo, hi) of a daily selector's key: (place, day) or (place, day,
    since, lo, hi) (a row counts for [start, end) when since < start and
    lo < end <= hi: distinct units, each unit's latest visit, each loan's
    latest verification)."""
    return key[2:] or NO_WINDOW


NO_WINDOW = (EVER[0], EVER[0], EVER[1])  # (since, lo, hi) of a row that counts in any period


def _day_rows(part: Part, values: dict, province_of: Mapping[int, int | None]) -> list[tuple]:
    """A day part's rows of :data:`DAY_COLUMNS` from its daily selector's values."""
    where = {place: _where(part, place, province_of) for place in {key[0] for key in values}}
    code = part.code
    return [
        (code, key[1], *(key[2:] or NO_WINDOW), *where[key[0]], value)  # _window, per row
        for key, value in values.items()
    ]


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
    instance. On SQLite each statement inserts as many rows as its parameters
    allow (a row per statement took 2.5 times as long) and dates are adapted
    once per distinct date. On PostgreSQL the rows go through COPY:
    ``executemany`` sends them one statement each (pipelined), most of
    ``refresh_kpis`` at national scale (millions of day rows)."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return len(rows)
    dates = [i for i, value in enumerate(rows[0]) if isinstance(value, datetime.date)]
    adapted: dict[datetime.date, Any] = {}
    table = connection.ops.quote_name(model._meta.db_table)
    one = f"({', '.join(['%s'] * len(columns))})"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    per = (connection.features.max_query_params or 999) // len(columns)  # rows per INSERT
    sql = head + ", ".join([one] * per)
    with connection.cursor() as cursor:
        for i in range(0, len(rows), BATCH):
            batch = rows[i : i + BATCH]
            if dates:  # column by column: a lookup per date instead of a loop per row
                values = list(zip(*batch, strict=True))
                for at in dates:
                    for day in set(values[at]) - adapted.keys():  # each date adapted once
                        adapted[day] = connection.ops.adapt_datefield_value(day)
                    values[at] = tuple(map(adapted.__getitem__, values[at]))
                batch = list(zip(*values, strict=True))
            whole = len(batch) - len(batch) % per
            cursor.executemany(sql, [list(chain.from_iterable(batch[j : j + per]))
                                     for j in range(0, whole, per)])  # fmt: skip
            if whole < len(batch):
                rest = batch[whole:]
                cursor.execute(head + ", ".join([one] * len(rest)), list(chain.from_iterable(rest)))
    return len(rows)


@contextmanager
def _rebuilt(models: list[type[Model]]) -> Iterator[None]:
    """Empty the tables of ``models`` and write them again inside the block
    (inside the caller's transaction), then renew their planner statistics (on
    SQLite only where they were kept). Readers never wait for it: they read
    their snapshot until the transaction commits. On SQLite the secondary
    indexes are dropped for the block and built again after (a sorted build of
    each index is a fraction of what inserting a million rows into three wide
    indexes costs; WAL readers keep their snapshot). On PostgreSQL the rows are
    deleted and the indexes kept: dropping an index or TRUNCATE locks the table
    against every reader until the commit."""
    postgres = connection.vendor == "postgresql"
    tables = [model._meta.db_table for model in models]
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        indexes: list[tuple[str, str]] = []
        if not postgres:
            for table in tables:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                    " AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
                indexes += cursor.fetchall()
        analyzed = tables if postgres else _analyzed(cursor, tables)
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {q(name)}")
        for table in tables:
            cursor.execute(f"DELETE FROM {q(table)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)
        if not postgres and analyzed:
            cursor.execute("PRAGMA analysis_limit = 1000")  # as PostgreSQL's: a sample
        for table in analyzed:
            cursor.execute(f"ANALYZE {q(table)}")
        if not postgres and analyzed:
            cursor.execute("PRAGMA analysis_limit = 0")


def _analyzed(cursor: Any, tables: list[str]) -> list[str]:
    """The SQLite tables among ``tables`` that have planner statistics (dropping
    an index drops its statistics)."""
    cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
    if not cursor.fetchone():
        return []
    cursor.execute(
        f"SELECT DISTINCT tbl FROM sqlite_stat1 WHERE tbl IN ({', '.join(['%s'] * len(tables))})",
        tables,
    )
    return [table for (table,) in cursor.fetchall()]


def _build_days(daily: dict[str, dict], province_of: dict[int, int]) -> int:
    """Write every day row and month balance from ``daily`` ({code: {(place,
    day): value}}) into the emptied tables (inside the caller's transaction,
    with the periods: :func:`_rebuilt`)."""
    kept = [
        series
        for code, values in daily.items()
        for series in _kept(PARTS[code], _with_levels(PARTS[code], values, province_of))
    ]
    running = {part.code: values for part, values in kept if not part.window}
    horizon = _horizon(running, datetime.date.today())
    balances: list[tuple] = [("", horizon, None, None, 0)]
    for part, values in kept:
        if not part.window:
            balances += _balance_rows(part, values, province_of, horizon)
    _insert(MonthBalance, BALANCE_COLUMNS, balances)
    rows = [row for part, values in kept for row in _day_rows(part, values, province_of)]
    return _insert(DayFact, DAY_COLUMNS, rows)


@dataclass
class DayChanges:
    """What the writer rewrites in the day rows and month balances."""

    stale: list[int] = field(default_factory=list)  # DayFact ids
    fresh: list[tuple] = field(default_factory=list)  # rows of DAY_COLUMNS
    balances: Q = field(default_factory=lambda: Q(pk__in=[]))  # MonthBalance rows replaced
    stale_balances: list[int] = field(default_factory=list)  # MonthBalance ids (sums above)
    new_balances: list[tuple] = field(default_factory=list)  # rows of BALANCE_COLUMNS

    def write(self) -> None:
        for i in range(0, len(self.stale), 500):
            DayFact.objects.filter(pk__in=self.stale[i : i + 500]).delete()
        _insert(DayFact, DAY_COLUMNS, self.fresh)
        MonthBalance.objects.filter(self.balances).delete()
        for i in range(0, len(self.stale_balances), 500):
            MonthBalance.objects.filter(pk__in=self.stale_balances[i : i + 500]).delete()
        _insert(MonthBalance, BALANCE_COLUMNS, self.new_balances)


def _changed_days(parts: list, marks: Marks) -> DayChanges:
    """The day rows of the marked places as their records stand now: the ids of
    the stored rows that differ (to delete), the rows to insert, the marked
    places' month balances of stock parts (replaced whole), and the sums above
    them (a province's, the country's) moved by what changed. Nothing is
    written."""
    with shared():  # parts from one pass over a place's records (PAR) share it
        return _changed_days_of(parts, marks)


# What a write changed in the rows summed above its place: per (part, level) the
# change per day key (day, since, lo, hi), and per month of the balances.
Moves = dict[tuple[str, tuple], dict[Any, int]]


def _changed_days_of(parts: list, marks: Marks) -> DayChanges:
    changes = DayChanges()
    horizon = MonthBalance.objects.filter(part="").values_list("month", flat=True).first()
    days: Moves = defaultdict(lambda: defaultdict(int))
    months: Moves = defaultdict(lambda: defaultdict(int))
    for part in _day_parts(parts):
        if not part.additive:  # distinct people: the levels above a marked county too
            whole = {(p, c) for province, county in marks.places(part)
                     for p, c in ((province, county), (province, None), (None, None))}  # fmt: skip
            if whole:
                for kept, values in _kept(part, part.daily_values(area=COUNTRY)):
                    for province, county in whole:
                        if not kept.window and horizon is not None:
                            _changed_balances(changes, kept, values, province, county,
                                              (province, county), horizon)  # fmt: skip
                        _changed_place(changes, kept, values, province, county, (province, county))
            continue
        for province, county in marks.places(part):
            here = Area(province_id=province, county_id=county)
            place = county if county is not None else province
            assert place is not None  # a marked place is a county or a province (Marks)
            for kept, values in _kept(part, part.daily_values(area=here)):
                moved = {}
                if not kept.window and horizon is not None:
                    moved = _changed_balances(changes, kept, values, province, county, place,
                                              horizon)  # fmt: skip
                change = _changed_place(changes, kept, values, province, county, place)
                for level in _above(kept, province, county):
                    for key, value in change.items():
                        days[(kept.code, level)][key] += value
                    for month, value in moved.items():
                        months[(kept.code, level)][month] += value
    _moved_days(changes, days)
    _moved_balances(changes, months)
    return changes


def _own_rows(model: type[Model], code: str, province: int | None, county: int | None) -> Any:
    """``model``'s rows of ``code`` at (province, county): a county's, or a
    province's or the country's own (county None)."""
    rows = model.objects.filter(part=code)  # type: ignore[attr-defined]
    if county is not None:
        return rows.filter(county_id=county)
    rows = rows.filter(county_id__isnull=True)
    return rows.filter(province_id=province) if province is not None else rows.filter(
        province_id__isnull=True)  # fmt: skip


def _changed_balances(
    changes: DayChanges,
    part: Part,
    values: dict,
    province: int | None,
    county: int | None,
    place: Any,
    horizon: datetime.date,
) -> dict[datetime.date, int]:
    """Replace the month balances of ``part`` at (province, county) in
    ``changes`` by those of its daily values ``values`` (those keyed
    ``place``); returns what changed per month (for the sums above it)."""
    rows = _own_rows(MonthBalance, part.code, province, county)
    moved: dict[datetime.date, int] = defaultdict(int)
    for month, value in rows.values_list("month", "value"):
        moved[month] -= int(value)
    changes.balances |= (Q(part=part.code, county_id=county) if county is not None
                         else Q(part=part.code, province_id=province, county_id__isnull=True)
                         if province is not None
                         else Q(part=part.code, province_id__isnull=True, county_id__isnull=True))  # fmt: skip
    new = _balance_rows(part, {k: v for k, v in values.items() if k[0] == place},
                        {place: province}, horizon)  # fmt: skip
    changes.new_balances += new
    for _code, month, _province, _county, value in new:
        moved[month] += value
    return {month: v for month, v in moved.items() if v}


def _changed_place(
    changes: DayChanges,
    part: Part,
    values: dict,
    province: int | None,
    county: int | None,
    place: Any,
) -> dict[tuple, int]:
    """Add to ``changes`` the day rows of ``part`` at (province, county) that
    differ from its daily values ``values`` (those keyed ``place``); returns
    what changed per day key (day, since, lo, hi)."""
    rows = _own_rows(DayFact, part.code, province, county)
    stored: dict[tuple, tuple[int, int]] = {}
    moved: dict[tuple, int] = defaultdict(int)
    for pk, *fields, value in rows.values_list("pk", "day", "since", "lo", "hi", "value"):
        moved[tuple(fields)] -= int(value)
        if tuple(fields) in stored:  # a duplicate: rewrite the day
            changes.stale.append(pk)
            continue
        stored[tuple(fields)] = (pk, value)
    now: dict[tuple, int] = {
        (key[1], *_window(key)): v for key, v in values.items() if key[0] == place
    }
    for key, (pk, value) in stored.items():
        if now.get(key) != value:
            changes.stale.append(pk)
    changed = {(place, *key): v for key, v in now.items() if stored.get(key, (0, None))[1] != v}
    changes.fresh += _day_rows(part, changed, {county: province} if county is not None else {})
    for key, value in now.items():
        moved[key] += value
    return {key: v for key, v in moved.items() if v}


def _moved_days(changes: DayChanges, moves: Moves) -> None:
    """Add to ``changes`` the rows of the sums above the marked places (a
    province's, the country's) that ``moves`` changed: each such day key's
    stored rows replaced by one holding their sum plus the change (none when
    that is zero)."""
    for (code, (province, county)), moved in moves.items():
        moved = {key: v for key, v in moved.items() if v}
        days = sorted({key[0] for key in moved})
        total: dict[tuple, int] = defaultdict(int)
        for i in range(0, len(days), 500):
            rows = _own_rows(DayFact, code, province, county).filter(day__in=days[i : i + 500])
            for pk, *fields, value in rows.values_list("pk", "day", "since", "lo", "hi", "value"):
                if tuple(fields) in moved:
                    changes.stale.append(pk)
                    total[tuple(fields)] += int(value)
        for (day, since, lo, hi), change in moved.items():
            if total[(day, since, lo, hi)] + change:
                changes.fresh.append((code, day, since, lo, hi, province, county,
                                      total[(day, since, lo, hi)] + change))  # fmt: skip


def _moved_balances(changes: DayChanges, moves: Moves) -> None:
    """:func:`_moved_days` for the month balances of the sums above the marked places."""
    for (code, (province, county)), moved in moves.items():
        moved = {month: v for month, v in moved.items() if v}
        total: dict[datetime.date, int] = defaultdict(int)
        rows = _own_rows(MonthBalance, code, province, county).filter(month__in=sorted(moved))
        for pk, month, value in rows.values_list("pk", "month", "value"):
            changes.stale_balances.append(pk)
            total[month] += int(value)
        for month, change in moved.items():
            if total[month] + change:
                changes.new_balances.append((code, month, province, county, total[month] + change))
