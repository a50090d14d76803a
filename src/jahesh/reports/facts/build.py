"""Writing the day rows (``reports.DayFact``, ``reports.MonthBalance``) and
the period rows: ``refresh``'s (the periods' rows written again,
:func:`_rebuilt`; the day rows made what it computed, only those that differ
written, :func:`_build_days`, :func:`_written`) and the rows of marked places
rewritten by ``refresh_stale`` (:func:`_changed_days`); :mod:`.days` reads them."""

from __future__ import annotations

import datetime
import hashlib
import pickle
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate, chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q

from jahesh.accounts.scoping import COUNTRY, Area
from jahesh.core.daily import shared
from jahesh.core.sql import quote_table
from jahesh.reports.facts.days import NO_WINDOW, _day_parts, _kept, _window
from jahesh.reports.facts.marks import Marks, _is_county_part
from jahesh.reports.kpis import PARTS, Part
from jahesh.reports.models import DayDigest, DayFact, MonthBalance

if TYPE_CHECKING:
    from django.db.models import Model


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
        table = quote_table(model)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return len(rows)
    rows = _adapted(rows)
    table = quote_table(model)
    one = f"({', '.join(['%s'] * len(columns))})"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
    per = (connection.features.max_query_params or 999) // len(columns)  # rows per INSERT
    sql = head + ", ".join([one] * per)
    with connection.cursor() as cursor:
        for i in range(0, len(rows), BATCH):
            batch = rows[i : i + BATCH]
            whole = len(batch) - len(batch) % per
            cursor.executemany(sql, [list(chain.from_iterable(batch[j : j + per]))
                                     for j in range(0, whole, per)])  # fmt: skip
            if whole < len(batch):
                rest = batch[whole:]
                cursor.execute(head + ", ".join([one] * len(rest)), list(chain.from_iterable(rest)))
    return len(rows)


def _adapted(rows: list[tuple]) -> list[tuple]:
    """``rows`` with their dates as the database stores them (SQLite: ISO text),
    each distinct date adapted once, column by column (a lookup per date
    instead of a loop per row); rows without dates as they are."""
    dates = [
        i for i, value in enumerate(rows[0] if rows else ()) if isinstance(value, datetime.date)
    ]
    if not dates or connection.vendor == "postgresql":  # psycopg sends dates as they are
        return rows
    values = list(zip(*rows, strict=True))
    for at in dates:
        adapted = {day: connection.ops.adapt_datefield_value(day) for day in set(values[at])}
        values[at] = tuple(map(adapted.__getitem__, values[at]))
    return list(zip(*values, strict=True))


def _row_keys(model: type[Model], columns: tuple[str, ...], rows: list[tuple]) -> tuple[list, str]:
    """What :func:`_written` compares: each row's key and the expression reading
    a stored row's. On SQLite one text per row, its values joined by "|" (a
    date as its ISO text, as stored; None as "None"), built by SQLite for the
    stored rows: a row read as nine Python values, then hashed and compared
    value by value, was most of the comparison's time. No value holds a "|"
    but the part's code, the first, so equal texts are equal rows. Elsewhere
    the rows themselves (the driver's dates and integers)."""
    q = connection.ops.quote_name
    if connection.vendor != "sqlite":
        return rows, ", ".join(q(c) for c in columns)
    text = "|".join(["%s"] * len(columns))
    # printf builds the text at once (each || made one; about half the read's
    # time); its "%s" doubled, as the statement is run with parameters
    values = ", ".join(f"COALESCE({q(c)}, 'None')" for c in columns)
    sql = f"printf('{text.replace('%', '%%')}', {values})"
    return [text % row for row in rows], sql


# A series of a day table: the digest of what its rows are made of, and a
# function making them (called only when they are compared: :func:`_written`).
Series = tuple[str, Callable[[], list[tuple]]]


def _written(model: type[Model], columns: tuple[str, ...], series: dict[str, Series]) -> int:
    """Make ``model``'s table hold the rows of ``series`` ({part: (digest, its
    rows' maker), rows as tuples of ``columns``}), no more (inside the caller's
    transaction), and keep their digests and counts (:class:`DayDigest`). A
    series whose digest is the one stored for it, and whose stored rows are as
    many as then (one grouped count: a row stored twice or removed shows), is
    as written: its rows are not even made. The writer of marked places
    (:func:`_changed_days`) removes the digest of each series it rewrites, and
    :func:`invalidate` all (bulk loads; migrations, which a change to how rows
    are made from their values comes with). The other series are compared row
    by row (:func:`_compared`), as are the rows of a part no series holds,
    which go; every series when those that differ hold more than a fifth of the
    rows (the first refresh after a bulk load: the table empty). Returns the
    rows it holds."""
    table = model._meta.db_table
    stored = {
        code: (digest, n)
        for code, n, digest in DayDigest.objects.filter(table=table).values_list(
            "part", "rows", "digest"
        )
    }
    counts = _counts(model)
    made: dict[str, list[tuple]] = {
        code: make()
        for code, (digest, make) in series.items()
        if code not in stored or stored[code] != (digest, counts.get(code, 0))
    }
    held = {code: len(rows) for code, rows in made.items()}
    held.update({code: stored[code][1] for code in series if code not in made})
    gone = sorted(set(counts) - set(series))
    changed = [row for rows in made.values() for row in rows]
    if len(changed) > sum(held.values()) // 5:  # most likely written again whole
        made.update({code: make() for code, (_digest, make) in series.items()
                     if code not in made})  # fmt: skip
        _compared(model, columns, [row for rows in made.values() for row in rows])
    elif made or gone:
        _compared(model, columns, changed, parts=[*made, *gone])
    DayDigest.objects.filter(table=table).delete()
    DayDigest.objects.bulk_create(
        DayDigest(table=table, part=code, rows=held[code], digest=digest)
        for code, (digest, _make) in series.items()
    )
    return sum(held.values())


def _digest(*values: Any) -> str:
    """A digest of ``values`` (dicts in their order: the same values computed
    again come in the same order; another order only costs a comparison row by
    row), pickled at once, in C, where a text per row took a Python step each."""
    digest = hashlib.sha256()
    for value in values:
        digest.update(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    return digest.hexdigest()


def _counts(model: type[Model]) -> dict[str, int]:
    """How many rows ``model``'s table holds per part (from its index on part)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT part, COUNT(*) FROM {quote_table(model)} GROUP BY part")
        return {code: int(n) for code, n in cursor.fetchall()}


def _compared(
    model: type[Model], columns: tuple[str, ...], rows: list[tuple], parts: list[str] | None = None
) -> None:
    """Make ``model``'s table hold ``rows`` (tuples of ``columns``), no more,
    among its rows of ``parts`` (all: None; inside the caller's transaction):
    the stored rows are read, those not among ``rows`` deleted and the missing
    ones inserted; so the nightly rebuild of tables that the writer
    (:func:`_changed_days`) kept current writes a few rows instead of
    millions, and their indexes are not built again. The whole table (all
    ``parts``) that differs by more than a fifth of its rows (empty after a
    bulk load) or holds a row twice is emptied and written again, its indexes
    built after (:func:`_rebuilt`); the rows of ``parts`` holding a row twice
    are deleted and written again."""
    rows = _adapted(rows)  # a date as its stored text, once per date (not per row)
    keys, key_sql = _row_keys(model, columns, rows)
    # The computed rows' keys, and the stored rows' streamed past them in chunks:
    # only the computed rows are held (a dict of the stored ones held a million
    # rows of new tuples and strings at national scale), and each chunk is
    # checked by set operations (C loops) rather than a Python step per row.
    wanted = set(keys)
    missing = wanted.copy()  # computed, not (yet) found stored
    stale: list[int] = []  # stored, not among rows: to delete
    stored = 0
    table = quote_table(model)
    where = f" WHERE part IN ({', '.join(['%s'] * len(parts))})" if parts is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {key_sql} FROM {table}{where}", parts or [])
        while chunk := cursor.fetchmany(20_000):
            if keys is rows:  # the values themselves: the key is the row after its id
                chunk = [(row[0], row[1:]) for row in chunk]
            stored += len(chunk)
            got = list(map(itemgetter(1), chunk))
            if extra := set(got).difference(wanted):
                stale += [pk for pk, key in chunk if key in extra]
            missing.difference_update(got)
    # A row stored twice (a writer's slip): more rows matched than distinct keys.
    twice = stored - len(stale) > len(wanted) - len(missing)
    fresh = [row for row, key in zip(rows, keys, strict=True) if key in missing] if missing else []
    if (twice or len(fresh) + len(stale) > len(rows) // 5) and parts is None:
        with _rebuilt([model]):
            _insert(model, columns, rows)
        return
    with connection.cursor() as cursor:
        if twice:
            cursor.execute(f"DELETE FROM {table}{where}", parts)
            stale, fresh = [], rows
        for i in range(0, len(stale), 500):
            chunk = stale[i : i + 500]
            cursor.execute(f"DELETE FROM {table} WHERE id IN"
                           f" ({', '.join(['%s'] * len(chunk))})", chunk)  # fmt: skip
    _insert(model, columns, fresh)


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
    """Make the day rows and month balances those of ``daily`` ({code: {(place,
    day): value}}) (inside the caller's transaction, with the periods:
    :func:`_written`, per series). Returns the day rows."""
    kept = [
        series
        for code, values in daily.items()
        for series in _kept(PARTS[code], _with_levels(PARTS[code], values, province_of))
    ]
    assert len({part.code for part, _values in kept}) == len(kept)  # a series per code
    running = {part.code: values for part, values in kept if not part.window}
    horizon = _horizon(running, datetime.date.today())
    places = sorted(province_of.items())
    digests = {part.code: _digest(part.code, values, places) for part, values in kept}
    balances: dict[str, Series] = {"": (_digest(horizon), lambda: [("", horizon, None, None, 0)])}
    days: dict[str, Series] = {}
    for part, values in kept:
        # bound now: the makers run after the loop
        def make_days(part: Part = part, values: dict = values) -> list[tuple]:
            return _day_rows(part, values, province_of)

        def make_balances(part: Part = part, values: dict = values) -> list[tuple]:
            return _balance_rows(part, values, province_of, horizon)

        days[part.code] = (digests[part.code], make_days)
        if not part.window:
            balances[part.code] = (_digest(digests[part.code], horizon), make_balances)
    _written(MonthBalance, BALANCE_COLUMNS, balances)
    return _written(DayFact, DAY_COLUMNS, days)


@dataclass
class DayChanges:
    """What the writer rewrites in the day rows and month balances."""

    stale: list[int] = field(default_factory=list)  # DayFact ids
    fresh: list[tuple] = field(default_factory=list)  # rows of DAY_COLUMNS
    balances: Q = field(default_factory=lambda: Q(pk__in=[]))  # MonthBalance rows replaced
    stale_balances: list[int] = field(default_factory=list)  # MonthBalance ids (sums above)
    new_balances: list[tuple] = field(default_factory=list)  # rows of BALANCE_COLUMNS
    parts: set[str] = field(default_factory=set)  # the series rewritten: their digests go

    def write(self) -> None:
        DayDigest.objects.filter(part__in=sorted(self.parts)).delete()  # _written
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


def _own_place(code: str, province: int | None, county: int | None) -> Q:
    """The rows of ``code`` at (province, county): a county's, or a province's
    or the country's own (county None)."""
    if county is not None:
        return Q(part=code, county_id=county)
    if province is not None:
        return Q(part=code, province_id=province, county_id__isnull=True)
    return Q(part=code, province_id__isnull=True, county_id__isnull=True)


def _own_rows(model: type[Model], code: str, province: int | None, county: int | None) -> Any:
    """``model``'s rows of ``code`` at (province, county) (:func:`_own_place`)."""
    return model.objects.filter(_own_place(code, province, county))  # type: ignore[attr-defined]


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
    changes.parts.add(part.code)
    rows = _own_rows(MonthBalance, part.code, province, county)
    moved: dict[datetime.date, int] = defaultdict(int)
    for month, value in rows.values_list("month", "value"):
        moved[month] -= int(value)
    changes.balances |= _own_place(part.code, province, county)
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
    changes.parts.add(part.code)
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
