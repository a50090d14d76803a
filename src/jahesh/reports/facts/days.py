"""The day rows (``reports.DayFact``, ``reports.MonthBalance``): any period's
flow, stock and window parts as a few indexed sums (:mod:`.build` writes them)."""

from __future__ import annotations

import datetime
import functools
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.db import connection
from django.db.models import Sum

from jahesh.accounts.scoping import Area
from jahesh.core.daily import EVER
from jahesh.core.prepared import planned_rows
from jahesh.core.sql import quote_table
from jahesh.reports.facts.marks import (
    COUNTY,
    NO_MARKS,
    PROVINCE,
    Marks,
    _is_county_part,
    live_values,
    recount,
)
from jahesh.reports.facts.spans import (
    CLASSES,
    PENDING,
    RUNNING,
    after_codes,
    base_code,
    class_codes,
    distance_class,
    first_class,
    span_series,
)
from jahesh.reports.facts.versions import _county_province
from jahesh.reports.kpis import Part, spread_to_counties
from jahesh.reports.models import (
    DayFact,
    FactPeriod,
    MonthBalance,
)

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


# The stored rows' statement for a read, before the marks are known: its
# selects (:func:`_sums_sql`) and rows, read in the statement that reads the
# marks (``stored._period``), so a read of a custom period makes one round trip.
Read = tuple[list[tuple[list[Part], str, list]], list[tuple[Any, ...]]]


def _sum_selects(
    *, area: Area, parts: list, marks: Marks, by: str | None = None
) -> tuple[
    list[tuple[list[Part], str, list]],
    dict[str, list[tuple[tuple[int | None, int | None], DayKey]]],
]:
    """The groups of :func:`_sums_sql` for a read of ``parts`` in ``area`` (per
    place, ``by``) with ``marks``: the rows read, and for each marked place
    inside a sum its own rows (taken out of the sum); and, per additive part,
    the marked places it recomputes with the sum (key) that holds each."""
    reads: dict[Rows, list[Part]] = defaultdict(list)
    taken: dict[tuple[int | None, int | None], list[Part]] = defaultdict(list)
    marked: dict[str, list[tuple[tuple[int | None, int | None], DayKey]]] = {}
    any_marks = bool(marks.counties or marks.provinces)  # most reads: none
    for part in parts:
        rows = _rows_read(part, area, by)
        reads[rows].append(part)
        if not part.additive or not any_marks:
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
    return selects, marked


def unmarked_sums(
    *, area: Area, start: datetime.date, end: datetime.date, parts: list
) -> tuple[list[tuple[list[Part], str, list]], tuple[str, dict[str, Any]]] | None:
    """The groups and statement (:func:`_sums_sql`) of a read of the day parts
    of ``parts`` when no place is marked, or None when none is a day part: for
    a statement that reads the marks too (``stored._period``), whose rows
    :func:`_day_sums` takes when the marks it read change no group."""
    parts = _day_parts(parts)
    if not parts:
        return None
    selects, _marked = _sum_selects(area=area, parts=parts, marks=NO_MARKS)
    sql, params = _sums_sql(start=start, end=end, selects=selects)
    return None if sql == _NO_ROWS else (selects, (sql, params))


def _day_sums(
    *,
    area: Area,
    start: datetime.date,
    end: datetime.date,
    parts: list,
    marks: Marks,
    by: str | None = None,
    read: Read | None = None,
) -> dict[DayKey, int]:
    """Each day part's value for [start, end) in ``area`` (its own rows: the
    sums kept for a province or the country), or per county or province of
    ``area`` (``by``), the marked places from their records: a marked place
    whose rows are read is replaced, and one inside a sum read is taken out of
    it (its stored rows, read in the same statement) and put back as its
    records stand. The stored rows are one grouped statement
    (:func:`_sums_sql`, planned once per connection: ``core.prepared.planned_rows``),
    or ``read``'s rows when they were read with the marks for the same
    groups (:func:`unmarked_sums`: the marks change none); a marked place of
    a part is one selector call (:func:`live_values`)."""
    selects, marked = _sum_selects(area=area, parts=parts, marks=marks, by=by)
    any_marks = bool(marks.counties or marks.provinces)
    if read is not None and read[0] == selects:
        rows = read[1]  # one snapshot with the marks: those rows, no statement
    else:
        rows = planned_rows(*_sums_sql(start=start, end=end, selects=selects))
    found: dict[DayKey, int] = {}
    for code, p, c, v in rows:
        key = (base_code(code), p, c)  # a part's series (OPENED, spans): one value
        found[key] = found.get(key, 0) + int(v)
    live = live_values(
        [(part, [place for place, _holder in marked[part.code]]) for part in parts
         if any_marks and part.additive],
        start=start, end=end,
    )  # fmt: skip
    for part in parts if any_marks else ():
        if not part.additive:  # distinct people: the area's own rows, or its records
            if any(area.province_id in (None, p) and area.county_id in (None, c)
                   for p, c in marks.places(part)):  # fmt: skip
                for key in [key for key in found if key[0] == part.code]:
                    del found[key]
                found[(part.code, area.province_id, area.county_id)] = recount(
                    part, area, start=start, end=end)  # fmt: skip
            continue
        now = live[part.code]
        for place, holder in marked[part.code]:
            own = (part.code, *place)
            if holder != own:  # inside a sum: its stored rows out, its records in
                found[holder] = found.get(holder, 0) - found.pop(own, 0) + now[place]
            else:
                found[own] = now[place]
    return found


def _sums_sql(
    *, start: datetime.date, end: datetime.date, selects: list[tuple[list[Part], str, list]]
) -> tuple[str, dict[str, Any]]:
    """One statement summing the day parts' stored rows for [start, end) per
    (part, province, county), for each group of ``selects`` (parts, and the
    condition on the place columns of the rows they read, :func:`_place_sql`;
    a key may come in several rows: their sum), with its named parameters.
    Its text depends only on the groups and on :func:`_by_opened`, so it is
    built once per shape (:func:`_sums_shape`) and each read puts its four
    dates in, its only parameters: the same text each time, which the
    database keeps compiled (SQLite's statement cache: compiling it took
    longer than running it; PostgreSQL's prepared statement,
    ``core.prepared.planned_rows``: planning it took several times longer
    than running it), and named parameters, which Django's SQLite backend
    puts in with one string format where it scans a statement of ``%s`` with
    a regular expression."""
    opened = _by_opened(start, end)
    shape = tuple((tuple(chosen), place, tuple(args)) for chosen, place, args in selects)
    classes = first_class((end - start).days) if opened else 0
    adapt = connection.ops.adapt_datefield_value
    return _sums_shape(connection.vendor, opened, classes, shape), {
        _START.name: adapt(start), _END.name: adapt(end),
        _START_MONTH.name: adapt(_month_of(start)), _END_MONTH.name: adapt(_month_of(end)),
    }  # fmt: skip


_NO_ROWS = "SELECT NULL, NULL, NULL, 0 WHERE 1 = 0"  # no group reads a row


class _Slot:
    """A date parameter of a statement shape (:func:`_sums_shape`), filled per read."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<{self.name}>"


_START, _END, _START_MONTH, _END_MONTH = (_Slot(n) for n in ("s", "e", "s1", "e1"))


@functools.lru_cache(maxsize=512)
def _sums_shape(
    vendor: str,
    opened: bool,
    classes: int,
    selects: tuple[tuple[tuple[Part, ...], str, tuple], ...],
) -> str:
    """The text of :func:`_sums_sql`'s statement for ``selects``, its
    parameters the dates (named as their :class:`_Slot`s; ``vendor`` keys
    the quoting; ``classes``: the spans parts' first event class read,
    ``spans.first_class``). A part kept cumulatively (every part without a window) is its sum of the
    days before a date: the month balance plus the days of that month (a
    stock part at ``end``; a flow part at ``end`` less at ``start``), the
    month no later than the balances' horizon (the row with part ""); a part
    with a window (:func:`_window`) sums its rows of [start, end). Each branch
    is one range of an index per group of parts read alike (no OR: SQLite
    reads an OR of ranges row by row from the table), grouped in its branch
    (SQLite's outer GROUP BY over the compound was slower than the branches
    alone); the groups that read one table alike (same condition, sign and
    place) are one branch, their codes in one list: at the country, 7
    branches where there were 14, a tenth less time in the statement."""
    q = connection.ops.quote_name
    days, balances = quote_table(DayFact), quote_table(MonthBalance)
    part, month, day, value = q("part"), q("month"), q("day"), q("value")
    # Reads of one table with the same condition, sign and place are one
    # branch, their codes in one list: (table, condition, its dates, sign,
    # place, its ids) → the code lists (a second list where a code would be
    # in one twice: summed twice, as two branches sum it).
    groups: dict[tuple, list[list[str]]] = {}

    def add(
        table: str,
        kept: Callable[[Part], bool],
        where: str,
        args: list,
        sign: str = "",
        code: Callable[[Part], list[str]] = lambda p: [p.code],
    ) -> None:
        for chosen, place, place_args in selects:
            codes = [c for p in chosen if kept(p) for c in code(p)]
            if not codes:
                continue
            lists = groups.setdefault((table, where, tuple(args), sign, place, place_args), [])
            if lists and not set(codes) & set(lists[-1]):
                lists[-1].extend(codes)
            else:
                lists.append(codes)

    # The balances' horizon (the row with part ""), read once for every branch
    # (``h``, below; a subquery per branch was an index read each).
    at_most = "(SELECT CASE WHEN m < %s THEN m ELSE %s END FROM h)"

    def seen(p: Part) -> bool:  # a distinct part read as its units seen from start on
        return opened and p.distinct

    def opened_code(p: Part) -> list[str]:
        return [p.code + OPENED]

    def spanned(p: Part) -> bool:  # a spans part read as its running totals and rows after end
        return opened and p.spans

    points: list[tuple[_Slot, _Slot, str, Callable[[Part], bool], Callable[[Part], list[str]]]] = [
        (_END, _END_MONTH, "", lambda p: not p.window, lambda p: [p.code]),
        (_START, _START_MONTH, "-", lambda p: not p.window and not p.stock, lambda p: [p.code]),
        (_START, _START_MONTH, "-", seen, opened_code),
        # a spans part's running totals over [start, end), and its events from
        # end on of the rows before end (PENDING, a flow read at end) ...
        (_END, _END_MONTH, "", spanned, lambda p: [p.code + RUNNING, p.code + PENDING]),
        (_START, _START_MONTH, "-", spanned, lambda p: [p.code + RUNNING]),
    ]
    for at, first, sign, kept, code in points:
        add(balances, kept, f"{month} = {at_most}", [first, first], sign, code)
        add(days, kept, f"{day} >= {at_most} AND {day} < %s", [first, first, at], sign, code)
    add(balances, seen, f"{month} = (SELECT m FROM h)", [], "", opened_code)
    s, e = _START, _END
    add(days, seen, f"{day} >= %s AND {q('since')} < %s", [e, s], "-",
        code=lambda p: since_codes(p.code, classes))  # fmt: skip
    # ... less those of the rows before start, more than end - start days after
    # them: the event classes from ``classes`` on (``facts.spans``)
    add(days, spanned, f"{day} >= %s AND {q('since')} < %s", [e, s], "-",
        code=lambda p: after_codes(p.code, classes))  # fmt: skip
    add(days, lambda p: p.window and not seen(p) and not spanned(p), f"{day} >= %s AND {day} < %s"
        f" AND {q('since')} < %s AND {q('lo')} < %s AND {q('hi')} >= %s", [s, e, s, e, e],
        code=_stored_codes)  # fmt: skip
    if not groups:
        return _NO_ROWS
    branches: list[str] = []
    params: list[Any] = []
    for (table, where, args, sign, place, place_args), lists in groups.items():
        for codes in lists:
            branches.append(
                f"SELECT {part}, province_id, county_id, {sign}SUM({value}) FROM {table}"
                f" WHERE {part} IN ({', '.join(['%s'] * len(codes))}) AND {where}{place}"
                f" GROUP BY {part}, province_id, county_id"
            )
            params.extend([*codes, *args, *place_args])
    horizon = f"WITH h (m) AS (SELECT MIN({month}) FROM {balances} WHERE {part} = '') "
    return _named(horizon + " UNION ALL ".join(branches), params)


def _named(sql: str, params: list[Any]) -> str:
    """``sql`` with its ``%s`` filled from ``params``: a date as the named
    parameter of its slot, any other value (a part code, a place id: fixed
    for a shape) written into the text (:func:`_literal`). The
    dates alone are parameters: with the codes as parameters too,
    PostgreSQL's generic plan of the prepared statement (which it takes after
    five planned runs) estimated more than planning it each time, and was
    never taken."""

    def put(value: Any) -> str:
        return f"%({value.name})s" if isinstance(value, _Slot) else _literal(value)

    first, *rest = sql.split("%s")
    assert len(rest) == len(params), (len(rest), len(params))
    return first + "".join(f"{put(v)}{tail}" for v, tail in zip(params, rest, strict=True))


_CODE = re.compile(r"[A-Za-z0-9_@]*")


def _literal(value: Any) -> str:
    """A part code or a place id as SQL text (nothing else is written into a statement)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, str) and _CODE.fullmatch(value):
        return f"'{value}'"
    raise TypeError(f"not a part code or a place id: {value!r}")


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
    distinct part its rows by distance (:func:`since_codes`) and its running
    series (:func:`_opened`: a flow part of its own), for a spans part its two
    (``facts.spans``)."""
    if part.spans:
        return [(part, values), *span_series(part, values)]
    if not part.distinct:
        return [(part, values)]
    by_distance: dict[int, dict] = {k: {} for k in CLASSES}
    for key, value in values.items():
        day, since = key[1], _window(key)[0]
        by_distance[distance_class(since, day)][key] = value
    running = replace(part, code=part.code + OPENED, window=False, distinct=False)
    return [
        *((replace(part, code=since_code(part.code, k)), rows) for k, rows in by_distance.items()),
        (running, _opened(values)),
    ]


# A distinct part's rows are kept by the distance from since to their day, code
# + SINCE + k for 2**k <= day - since < 2**(k+1) (the last class holds any
# distance beyond; a unit's first visit ever, since the first date, is there):
# the rows after a period's end that it subtracts (since < start, so more than
# end - start days from since) are read from the classes that can hold one
# (``spans.first_class``): at the country, for a year, a few hundred rows of
# long absences, where every row after the end (a few thousand: the units and
# people seen since, most of them seen during the period too) was read and
# filtered. Every class is written, empty or not (the writer removes a class's
# stored rows that none holds now); every other read takes all of them.
SINCE = "@since"


def since_code(code: str, k: int) -> str:
    """The series of a distinct part's rows k classes from since (``SINCE`` + k)."""
    return f"{code}{SINCE}{k}"


def since_codes(code: str, first: int = 0) -> list[str]:
    """A distinct part's row series from distance class ``first`` on."""
    return class_codes(code, SINCE, first)


def _stored_codes(part: Part) -> list[str]:
    """The codes of ``part``'s own rows: its distance classes for a distinct part."""
    return since_codes(part.code) if part.distinct else [part.code]


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


def _read_days(
    *,
    area: Area,
    start: datetime.date,
    end: datetime.date,
    parts: list,
    marks: Marks,
    read: Read | None = None,
) -> dict[str, int]:
    """The day parts' values for any period [start, end) in ``area``, from the
    day rows (the table is built), ``marks`` the places marked stale; ``read``:
    rows read with the marks (:func:`unmarked_sums`)."""
    parts = _day_parts(parts)
    if not parts:
        return {}
    sums = _day_sums(area=area, start=start, end=end, parts=parts, marks=marks, read=read)
    found = {part.code: 0 for part in parts}
    for (code, _province, _county), value in sums.items():
        found[code] += value
    return found


def _read_days_by_place(
    *, area: Area, start: datetime.date, end: datetime.date, parts: list, by: str, marks: Marks
) -> dict[str, dict[int, int]]:
    """The day parts' values per county (``by="county"``) or province of
    ``area`` for any period (the table is built), ``marks`` the places marked
    stale."""
    parts = _day_parts(parts)
    if not parts:
        return {}
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
    rows = DayFact.objects.filter(part__in=_stored_codes(part), day__gte=start, day__lt=end,
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
