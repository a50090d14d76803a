"""Computing the table: every standard period and the day rows
(:func:`refresh`), and storing what writes made stale (:func:`refresh_stale`)."""

from __future__ import annotations

import datetime
import gc
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from jahesh.accounts.scoping import COUNTRY, Area
from jahesh.core.daily import shared
from jahesh.reports.kpis import PARTS, Part
from jahesh.reports.models import DayFact, Fact, FactPeriod, MonthBalance

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.db.models import Model

from jahesh.reports.facts.build import (
    FACT_COLUMNS,
    DayChanges,
    _build_days,
    _changed_days,
    _insert,
    _rebuilt,
)
from jahesh.reports.facts.days import _day_parts, _window, days_built
from jahesh.reports.facts.marks import (
    COUNTY,
    LEVELS,
    PROVINCE,
    Key,
    _affected,
    _all_parts,
    _marks,
)
from jahesh.reports.facts.stored import current, standard_periods
from jahesh.reports.facts.versions import _county_province, _forget, _seen_marks, writing

# --- Computing -----------------------------------------------------------------------------


@dataclass
class RefreshReport:
    periods: int = 0
    rows: int = 0
    places: int = 0
    seconds: float = 0.0
    per_part: dict[str, float] = field(default_factory=dict)
    vacuumed: list[str] = field(default_factory=list)  # tables (:func:`_vacuumed`)


class _Row(NamedTuple):
    """A row of ``reports.Fact`` of one period, as :data:`FACT_COLUMNS` after the
    period (a plain tuple: a refresh writes hundreds of thousands)."""

    part: str
    level: str
    province_id: int | None
    county_id: int | None
    value: int


def _computed(
    period: FactPeriod, part: Part, area: Area, province_of: dict[int, int], level: str
) -> list[_Row]:
    """The ``level`` rows of ``part`` for the places of ``area``, computed from
    the records (county rows of county parts; province and country rows of parts
    that are not sums of the level below)."""
    start, end = period.start, period.end

    def row(value: int, province: int | None = None, county: int | None = None) -> _Row:
        return _Row(part.code, level, province, county, value)

    if level == Fact.COUNTY:
        values = part.values(area=area, start=start, end=end, by="county")
        return [row(v, province_of.get(c or 0), c) for c, v in values.items()]
    if level == Fact.PROVINCE:
        values = part.values(area=area, start=start, end=end, by="province")
        return [row(v, province=p) for p, v in values.items()]
    return [row(part.total(area=COUNTRY, start=start, end=end))]


def _sums(rows: list[_Row], level: str) -> list[_Row]:
    """Rows of the level above ``rows`` (county → province → country), summed."""
    totals: dict[tuple[str, int | None], int] = defaultdict(int)
    for r in rows:
        totals[(r.part, r.province_id if level == Fact.PROVINCE else None)] += r.value
    return [_Row(code, level, place, None, value) for (code, place), value in totals.items()]


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


class _Windowed:
    """A window part's day rows sorted by day, so its value per place for a
    period reads only the rows of the period's days (each part is summed for a
    few dozen periods; most are a year or a quarter)."""

    def __init__(self, values: dict) -> None:
        rows = sorted(((key[1], *_window(key), key[0], value) for key, value in values.items()),
                      key=itemgetter(0))  # fmt: skip
        self.days = [row[0] for row in rows]
        self.rows = rows

    def totals(self, start: datetime.date, end: datetime.date) -> dict[Any, int]:
        """Per place: the sum of its rows that count for [start, end) (``_window``)."""
        found: dict[Any, int] = defaultdict(int)
        lo, hi = bisect_left(self.days, start), bisect_left(self.days, end)
        for _day, since, first, last, place, value in self.rows[lo:hi]:
            if since < start and first < end <= last:
                found[place] += value
        return found


def _summed_days(
    period: FactPeriod, part: Part, values: _Windowed | _Running, province_of: dict[int, int]
) -> list[_Row]:
    """A day part's county (or, for a province part, province) rows of
    ``period``, summed from its day values in memory (a window part: its rows
    of the period's days; a stock part: every day before the period's end; a
    flow part: from its running sums)."""
    if isinstance(values, _Running):
        totals = values.totals(period.start, period.end, part.stock)
    else:
        totals = values.totals(period.start, period.end)
    if not part.additive:  # a row per level, keyed (province, county) (distinct_days)
        levels: dict[Any, int] = {(None, None): 0, **totals}
        return [
            _Row(part.code, Fact.COUNTY if c is not None else Fact.PROVINCE if p is not None
                 else Fact.COUNTRY, p, c, v)
            for (p, c), v in levels.items()
        ]  # fmt: skip
    if part.place == COUNTY:
        return [_Row(part.code, Fact.COUNTY, province_of.get(c), c, v) for c, v in totals.items()]
    return [_Row(part.code, Fact.PROVINCE, p, None, v) for p, v in totals.items()]


def _all_rows(
    period: FactPeriod,
    province_of: dict[int, int],
    report: RefreshReport,
    daily: Mapping[str, _Windowed | _Running],
) -> list[_Row]:
    """Every row of ``period``: computed where they must be (flow parts: summed
    from their days), summed where they add up."""
    rows: list[_Row] = []
    for part in _all_parts():
        t = time.monotonic()
        if part.code in daily:
            below = _summed_days(period, part, daily[part.code], province_of)
            if not part.additive:
                rows += below
            elif part.place == COUNTY:
                province = _sums(below, Fact.PROVINCE)
                rows += below + province + _sums(province, Fact.COUNTRY)
            else:
                rows += below + _sums(below, Fact.COUNTRY)
        elif part.additive and part.place == COUNTY:
            county = _computed(period, part, COUNTRY, province_of, Fact.COUNTY)
            province = _sums(county, Fact.PROVINCE)
            rows += county + province + _sums(province, Fact.COUNTRY)
        elif part.additive:  # a province part: working groups
            province = _computed(period, part, COUNTRY, province_of, Fact.PROVINCE)
            rows += province + _sums(province, Fact.COUNTRY)
        else:
            for level in (Fact.COUNTY, Fact.PROVINCE, Fact.COUNTRY):
                rows += _computed(period, part, COUNTRY, province_of, level)
        report.per_part[part.code] = report.per_part.get(part.code, 0) + time.monotonic() - t
    return rows


# The tables a refresh writes again (``Fact`` emptied, the day rows where they
# differ: ``build._written``) and then vacuums (:func:`_vacuumed`).
REWRITTEN: list[type[Model]] = [MonthBalance, DayFact, Fact]


def refresh(
    *, today: datetime.date | None = None, log: Callable[[str], object] | None = None
) -> RefreshReport:
    """Materialize the standard periods of ``today`` (replacing older ones) and
    the day rows: each part's day values read once and summed per period.
    Writes made while it runs stay marked stale (reads recompute them in
    memory; :func:`refresh_stale` stores them)."""
    with writing(), _no_cycle_collection():
        return _refresh(today=today, log=log)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused for the block: a refresh holds millions
    of tuples at national scale (day values, rows, the stored rows it compares),
    none in a reference cycle, and each of the collector's full passes walked
    all of them again (a fifth to a third of the refresh's time). Memory is
    still freed by reference counting; the few cycles made meanwhile are
    collected after the block, as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _refresh(
    *, today: datetime.date | None, log: Callable[[str], object] | None = None
) -> RefreshReport:
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
    summed: dict[str, _Windowed | _Running] = {
        code: _Windowed(values) if PARTS[code].window else _Running(values)
        for code, values in daily.items()
    }
    computed: list[tuple[FactPeriod, list[_Row], float]] = []
    for period in periods:
        t = time.monotonic()
        shell = FactPeriod(start=period.start, end=period.end, computed_at=timezone.now())
        rows = _all_rows(shell, province_of, report, summed)
        computed.append((shell, rows, time.monotonic() - t))
        if log:
            log(f"{period.start} – {period.end}: {len(rows)} rows, {time.monotonic() - t:.1f} s")
    with transaction.atomic():
        with _rebuilt([Fact]):  # new periods: every row new
            FactPeriod.objects.all().delete()
            for shell, rows, seconds in computed:
                shell.seconds = seconds
                shell.save()
                report.rows += _insert(Fact, FACT_COLUMNS, _fact_tuples(shell, rows))
        report.rows += _build_days(daily, province_of)
        _forget(seen)
    t = time.monotonic()
    report.vacuumed = _vacuumed(REWRITTEN)
    if log and report.vacuumed:
        log(f"VACUUM (ANALYZE) {', '.join(report.vacuumed)}: {time.monotonic() - t:.1f} s")
    report.periods = len(periods)
    report.seconds = time.monotonic() - started
    return report


def _vacuumed(models: list[type[Model]]) -> list[str]:
    """``VACUUM (ANALYZE)`` the tables of ``models`` on PostgreSQL once the
    rewrite has committed; returns the tables vacuumed. A rewrite leaves every
    page of the tables not all-visible in the visibility map, so an index-only
    scan of the day rows (the covering ``reports_dayfact_level_idx``: the
    country's and a province's custom period) fetches each row from the table
    until a VACUUM marks the pages; autovacuum may come much later. It cannot
    run inside a transaction block: none inside an atomic block (tests'
    transactions, a caller's), where the in-transaction ANALYZE of
    :func:`_rebuilt` stands alone; none on SQLite (no visibility map)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return []
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:  # autocommit: each VACUUM its own statement
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    return tables


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
                        _fact_tuples(period, _rows(values, marks.province_of)))  # fmt: skip
            _forget(seen)
    return len(marks.counties) + len(marks.provinces)


def _rows(values: dict[Key, int], province_of: dict[int, int]) -> list[_Row]:
    def row(level: str, place: int | None, code: str, value: int) -> _Row:
        province = {COUNTY: province_of.get(place or 0), PROVINCE: place}.get(level)
        return _Row(code, level, province, place if level == COUNTY else None, value)

    return [row(*key, value) for key, value in values.items()]


def _fact_tuples(period: FactPeriod, rows: list[_Row]) -> list[tuple]:
    return [(period.pk, *r) for r in rows]


def ensure_current(*, today: datetime.date | None = None) -> RefreshReport | None:
    """Refresh the table when it does not hold today's standard periods (the day
    has turned, or a bulk load dropped it); the periodic job runs this (skipped
    while another writer holds the table)."""
    five = standard_periods(today)[0]
    with writing(wait=False) as held:
        if not held or FactPeriod.objects.filter(start=five.start, end=five.end).exists():
            return None
        with _no_cycle_collection():
            return _refresh(today=today)
