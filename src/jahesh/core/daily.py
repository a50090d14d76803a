"""Per-day totals of records (the analytics table's day rows, ``reports.facts``).

A KPI part whose value for any period is a sum over the days of that period
(cases opened, principal disbursed, hours logged: "flow" parts) has a daily
selector ``kpi_<part>_daily(*, area)`` answering ``{(place id, day): value}``
through :func:`daily_totals`, in one grouped query; the table keeps those
rows per place and day, so a figure for a custom period is an indexed sum.
"""

from __future__ import annotations

import datetime
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection, connections
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

T = TypeVar("T")

# The whole calendar: the flow selectors' period filters with no bound.
EVER = (datetime.date(1, 1, 1), datetime.date(9999, 12, 31))


def daily_totals(
    qs: QuerySet,
    *,
    area: Any,
    place: str,
    day: str,
    value: Any,
    scale: int = 1,
    province: bool = False,
) -> dict[tuple[int, datetime.date], int]:
    """The aggregate ``value`` of the records of ``qs`` inside ``area`` per place
    (``place``: the lookup path to the county, or to the province with
    ``province=True``) and day (``day``: the lookup path of the record's date);
    rows without a place or a day are left out. ``scale`` as in ``Area.totals``."""
    if province:
        if area.province_id is not None:
            qs = qs.filter(**{place: area.province_id})
    else:
        qs = qs.filter(area.q(place))
    rows = (
        qs.filter(**{f"{place}__isnull": False, f"{day}__isnull": False})
        .order_by()
        .values(place, day)
        .annotate(v=value)
        .values_list(place, day, "v")
    )
    return {(p, d): round((v or 0) * scale) for p, d, v in rows}


def dated_rows(qs: QuerySet, *fields: str, dates: Collection[str]) -> list[tuple]:
    """``qs.values_list(*fields)`` as a list, the fields named in ``dates`` as
    dates (or None), each distinct date parsed once. The daily selectors read
    millions of rows at national scale, and on SQLite a date column costs a
    converter call per value (sqlite3's) and one per row (Django's), most of
    their time: there the columns are read as their ISO text (``CAST``) and
    parsed per distinct value. PostgreSQL's driver parses dates natively."""
    if connections[qs.db].vendor != "sqlite":
        return list(qs.values_list(*fields))
    rows = list(qs.values_list(*(Cast(f, CharField()) if f in dates else f for f in fields)))
    if not rows:
        return rows
    columns: list[Iterable] = list(zip(*rows, strict=True))
    for i, name in enumerate(fields):
        if name in dates:
            parsed = {text: text and datetime.date.fromisoformat(text) for text in set(columns[i])}
            columns[i] = map(parsed.__getitem__, columns[i])
    return list(zip(*columns, strict=True))


def subquery_sql(qs: QuerySet) -> tuple[str, tuple]:
    """``qs`` compiled (SQL and parameters), to be placed inside a raw statement
    (``x IN (…)``)."""
    sql, params = qs.order_by().query.get_compiler(qs.db).as_sql()
    return sql, tuple(params)


def day_changes(*statements: tuple[str, Collection[Any]]) -> dict[tuple[Any, datetime.date], int]:
    """Per-day changes of a stock part computed in the database (:func:`daily_steps`
    in SQL): each statement answers rows (place, day, change); their sum per
    place and day, days whose changes cancel out left out. A day comes as a
    date or, from an SQLite expression, as its ISO text (parsed once per text)."""
    found: dict[tuple[Any, datetime.date], int] = defaultdict(int)
    parsed: dict[Any, datetime.date] = {}
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, list(params))
            for place, day, change in cursor.fetchall():
                if day not in parsed:
                    parsed[day] = (
                        day if isinstance(day, datetime.date) else datetime.date.fromisoformat(day)
                    )
                found[(place, parsed[day])] += int(change)
    return {key: value for key, value in found.items() if value}


def daily_steps(
    series: Iterable[tuple[int, list[tuple[datetime.date, int]]]],
) -> dict[tuple[int, datetime.date], int]:
    """Per-day changes of "stock" parts (a state at a date: active funds, active
    volunteers, principal outstanding): from each record's ``(place, [(day,
    value from that day on), …])`` (0 before its first day), the sum of the
    changes per place and day, so the stock on day d is the sum of the changes
    of the days up to d — an indexed sum, like a flow part's. Days whose changes
    cancel out are left out."""
    found: dict[tuple[int, datetime.date], int] = defaultdict(int)
    for place, steps in series:
        before = 0
        for day, value in steps:
            if value != before:
                found[(place, day)] += value - before
                before = value
    return {key: value for key, value in found.items() if value}


def distinct_days(
    rows: Iterable[tuple[Hashable, int | None, int | None, datetime.date]],
    *,
    levels: Iterable[str] = ("county", "province", "country"),
) -> dict[tuple, int]:
    """Day rows of a "distinct people over a period" part (not additive over
    places: a person served in two counties is one person in their province).
    From each record's ``(person, province, county, day)``, one row per person,
    place of each of ``levels`` and day, keyed ``((province, county), day,
    since, lo, hi)`` with ``since`` the person's previous day in that place: a
    person counts in [start, end) on their first day inside it (since < start),
    so any period's count is an indexed sum of a window part's rows. The place
    is ``(province, county)`` for a county, ``(province, None)`` for a province,
    ``(None, None)`` for the country."""
    wanted = set(levels)
    days: dict[tuple, set[datetime.date]] = defaultdict(set)
    for person, province, county, day in rows:
        if "county" in wanted:
            days[(person, province, county)].add(day)
        if "province" in wanted:
            days[(person, province, None)].add(day)
        if "country" in wanted:
            days[(person, None, None)].add(day)
    found: dict[tuple, int] = defaultdict(int)
    for (_person, province, county), seen in days.items():
        before = EVER[0]
        for day in sorted(seen):
            found[((province, county), day, before, *EVER)] += 1
            before = day
    return dict(found)


class _Blocks(threading.local):
    """The open :func:`shared` blocks' results, per thread (a server's other
    threads read what their own requests read)."""

    def __init__(self) -> None:
        self.open: list[dict[Hashable, Any]] = []


_shared = _Blocks()


@contextmanager
def shared() -> Iterator[None]:
    """A block in which :func:`once` computes each result once: the writer of
    the day rows reads every part of a place in one go, and parts that come from
    one pass over the records (principal outstanding and the part of it at risk
    both walk every loan's ledger) share it instead of walking it twice; a bulk
    writer checks thousands of moves against settings and calendars read once
    (the clinic's scenario: ``clinic_settings``, ``sla.calendar_for``). Outside
    a block :func:`once` always computes (records change between reads)."""
    _shared.open.append({})
    try:
        yield
    finally:
        _shared.open.pop()


def once(fn: Callable[..., T], *args: Hashable) -> T:
    """``fn(*args)``, computed once per :func:`shared` block (always outside one)."""
    if not _shared.open:
        return fn(*args)
    memo = _shared.open[-1]
    key = (fn, *args)
    if key not in memo:
        memo[key] = fn(*args)
    return memo[key]  # type: ignore[no-any-return]
