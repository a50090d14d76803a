"""The reads every signed-in request makes (its session, its user, its API
token) as SQL built once per model and database, not compiled by the ORM on
each request: compiling those three small queries was most of what a KPI API
call cost in the server and a tenth of a page's (bench/pages_profile.py).

The first of them on a kept connection in a request stands for the
connection's health check (``CONN_HEALTH_CHECKS``), one round trip fewer: a
connection it finds dead is replaced and the read made again.

Nothing is cached but the statement's text: each call reads the row again, so
a revoked token, a deactivated user or a deleted session is refused on the next
request, on every server. The row becomes a model instance through Django's own
path (the fields' database converters, ``Model.from_db``), the object the ORM
would have returned.

    user = fetch_one(User, {"pk": user_id})
    token = fetch_one(ApiToken, {"key_hash": digest}, related="user",
                      related_where={"is_active": True})
    session = fetch_one(Session, {"session_key": key, "expire_date__gt": now})

A condition is ``field`` (equals) or ``field__gt``; ``related`` names a foreign
key whose row comes in the same statement (an inner join, as ``select_related``
of a non-null key), ``related_where`` its conditions.

The same holds for a count computed by one aggregate (a KPI part's value for one
place and period, recounted after a write): :func:`prepared_total` runs the
ORM's own statement, compiled once per process, with each call's values.

    n = prepared_total(key, count, province=p, county=c, start=s, end=e)

A plain-SQL statement whose text is built once per shape and run with other
values (a custom period's day sums) is planned once per connection on
PostgreSQL (:func:`planned_rows`).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

from jahesh.core.sql import quote_table

M = TypeVar("M", bound=models.Model)
B = TypeVar("B", bound=models.Model)

_OPERATORS = {"": "=", "gt": ">"}


@dataclass(frozen=True)
class _Columns:
    """One model's concrete columns in a statement: the select list, the field
    names ``from_db`` takes and each column's converters."""

    model: type[models.Model]
    select: list[str]
    names: list[str]
    converters: list[tuple[int, list[Callable[..., Any]], Any]]


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: list[models.Field]  # of the conditions, in the order of their parameters
    main: _Columns
    related: _Columns | None
    beside: _Columns | None = None  # a row of another table by its key (:func:`fetch_one_beside`)


_statements: dict[tuple[Any, ...], _Statement] = {}


def _col(field: Any) -> str:
    """A concrete field's column (the stubs allow None, for fields without one)."""
    assert field.column is not None, field
    return str(field.column)


def _columns(model: type[models.Model], alias: str, connection: BaseDatabaseWrapper) -> _Columns:
    qn = connection.ops.quote_name
    select, names, converters = [], [], []
    for i, field in enumerate(model._meta.concrete_fields):
        select.append(f"{qn(alias)}.{qn(_col(field))}")
        names.append(field.attname)
        col = field.get_col(alias)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((i, found, col))
    return _Columns(model, select, names, converters)


def _condition(
    model: type[models.Model], alias: str, lookup: str, connection: BaseDatabaseWrapper
) -> tuple[str, models.Field]:
    name, _, op = lookup.partition("__")
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    assert isinstance(field, models.Field) and op in _OPERATORS, lookup
    qn = connection.ops.quote_name
    return f"{qn(alias)}.{qn(_col(field))} {_OPERATORS[op]} %s", field


def _statement(
    model: type[models.Model],
    where: tuple[str, ...],
    related: str | None,
    related_where: tuple[str, ...],
    connection: BaseDatabaseWrapper,
    beside: type[models.Model] | None = None,
    rider: str | None = None,
) -> _Statement:
    key = (connection.alias, model, where, related, related_where, beside, rider)
    found = _statements.get(key)
    if found is not None:
        return found
    qn = connection.ops.quote_name
    table = model._meta.db_table
    main = _columns(model, table, connection)
    conditions = [_condition(model, table, lookup, connection) for lookup in where]
    source = qn(table)
    other = None
    if related is not None:
        fk = model._meta.get_field(related)
        assert isinstance(fk, models.ForeignKey), related
        target = fk.related_model
        assert isinstance(target, type) and issubclass(target, models.Model)
        other = _columns(target, "r", connection)
        source += (
            f" INNER JOIN {quote_table(target, connection)} {qn('r')}"
            f" ON {qn('r')}.{qn(_col(fk.target_field))} = {qn(table)}.{qn(_col(fk))}"
        )
        conditions += [_condition(target, "r", lookup, connection) for lookup in related_where]
    kept = None
    if beside is not None:
        # Its key is the statement's first parameter (the ON clause comes before WHERE).
        kept = _columns(beside, "b", connection)
        pk = beside._meta.pk
        assert pk is not None
        source += (
            f" LEFT JOIN {quote_table(beside, connection)} {qn('b')}"
            f" ON {qn('b')}.{qn(_col(pk))} = %s"
        )
        conditions.insert(0, ("", pk))
    columns = ", ".join(
        main.select
        + (other.select if other else [])
        + (kept.select if kept else [])
        + ([f"({rider})"] if rider is not None else [])
    )
    where_sql = " AND ".join(c for c, _ in conditions if c)
    sql = f"SELECT {columns} FROM {source} WHERE {where_sql} LIMIT 1"
    found = _Statement(sql, [f for _, f in conditions], main, other, kept)
    _statements[key] = found
    return found


def _instance(
    columns: _Columns, row: list[Any], connection: BaseDatabaseWrapper, db: str
) -> models.Model:
    for i, converters, col in columns.converters:
        value = row[i]
        for convert in converters:
            value = convert(value, col, connection)
        row[i] = value
    return columns.model.from_db(db, columns.names, row)


def fetch_one(
    model: type[M],
    where: dict[str, Any],
    *,
    related: str | None = None,
    related_where: dict[str, Any] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> M | None:
    """The first row of ``model`` that meets ``where`` (and, joined, its
    ``related`` row that meets ``related_where``), or None."""
    found, _beside = _fetch(model, where, related, related_where or {}, None, None, using)
    return found


def fetch_one_beside(
    model: type[M], where: dict[str, Any], beside: type[B], beside_pk: Any,
    *, using: str = DEFAULT_DB_ALIAS,
) -> tuple[M | None, B | None]:  # fmt: skip
    """The first row of ``model`` that meets ``where``, and in the same
    statement the row of ``beside`` whose key is ``beside_pk`` (None when
    either is missing): two reads in one round trip, read at one moment."""
    return _fetch(model, where, None, {}, beside, beside_pk, using)


def _fetch(
    model: type[M],
    where: dict[str, Any],
    related: str | None,
    related_where: dict[str, Any],
    beside: type[B] | None,
    beside_pk: Any,
    using: str,
) -> tuple[M | None, B | None]:
    connection = connections[using]
    ride = _riding.get()
    if ride is not None and (ride.read or ride.using != using):
        ride = None  # once read, no later statement carries it
    statement = _statement(
        model, tuple(where), related, tuple(related_where), connection, beside,
        ride.sql if ride is not None else None,
    )  # fmt: skip
    values = [*where.values(), *related_where.values()]
    if beside is not None:
        values.insert(0, beside_pk)
    params = [
        field.get_db_prep_value(value, connection, prepared=False)
        for field, value in zip(statement.fields, values, strict=True)
    ]
    if ride is not None:
        params = [*ride.params, *params]  # the select list comes first
    row = _first_row(connection, statement.sql, params)
    if row is None:
        return None, None
    row = list(row)
    if ride is not None:
        ride.value, ride.read = row.pop(), True
    width = len(statement.main.names)
    instance = _instance(statement.main, row[:width], connection, using)
    rest = row[width:]
    if statement.related is not None and related is not None:
        other = _instance(statement.related, rest, connection, using)
        model._meta.get_field(related).set_cached_value(instance, other)  # type: ignore[union-attr]
    kept = None
    if statement.beside is not None:
        rest = rest[-len(statement.beside.names) :]
        pk_at = statement.beside.names.index(statement.beside.model._meta.pk.attname)  # type: ignore[union-attr]
        if rest[pk_at] is not None:  # the LEFT JOIN found it
            kept = _instance(statement.beside, rest, connection, using)
    return cast(M, instance), cast("B | None", kept)


def _first_row(connection: BaseDatabaseWrapper, sql: str, params: list[Any]) -> Any:
    """The first row of ``sql``. When it is a request's first statement on a
    kept connection, it stands for the connection's health check
    (``CONN_HEALTH_CHECKS``: a ``SELECT 1`` before it, one more round trip on
    every signed-in request): if the connection turns out dead (the read fails
    and the connection no longer answers), it is closed and the read made again
    on a new one, as after a failed check. Any other failure is raised as it is;
    inside a transaction nothing is retried (there is no check there to save)."""
    checks: Any = connection  # its health_check_* attributes (not in django-stubs)
    stands_for_check = (
        connection.connection is not None
        and checks.health_check_enabled
        and not checks.health_check_done
        and not connection.in_atomic_block
    )
    if stands_for_check:
        checks.health_check_done = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    except (InterfaceError, OperationalError):
        if not stands_for_check or connection.is_usable():
            raise
    connection.close()  # dead: what the health check would have found
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


# --- A value riding on the next row read --------------------------------------------
#
# A request whose answer needs one more small read (the KPI API's data version,
# the key of its kept answer) can have it ride on the read every request makes
# first (its API token or its session, :func:`fetch_one`): one round trip for
# both, on PostgreSQL the larger part of such a request's cost. The value is
# read in the same statement, so as fresh as if it were read after.


@dataclass
class Ride:
    """A scalar SQL expression and its parameters; after the ride, its value."""

    sql: str
    params: list[Any]
    using: str = DEFAULT_DB_ALIAS
    value: Any = None
    read: bool = False  # whether a statement carried it (and found its row)


_riding: ContextVar[Ride | None] = ContextVar("prepared_riding", default=None)


@contextmanager
def riding(sql: str, params: list[Any], *, using: str = DEFAULT_DB_ALIAS) -> Iterator[Ride]:
    """Inside, the first row :func:`fetch_one` (or :func:`fetch_one_beside`)
    reads carries ``sql`` (a scalar expression) as one more column: its value
    is then ``ride.value`` (``ride.read`` says whether it came; it does not
    when no statement ran or none found its row)."""
    ride = Ride(sql, list(params), using)
    token = _riding.set(ride)
    try:
        yield ride
    finally:
        _riding.reset(token)


# --- One aggregate, compiled once per process -------------------------------------------
#
# A count whose statement has the same shape for any place and period (a KPI
# part's value for one county or province: ``Area.totals``) is compiled by the
# ORM twice per process, with two sets of sentinel arguments, and then run as
# that SQL text with the caller's values in their places: building and compiling
# it was ~1.2 of the ~1.3 ms the first read after a write spent on each part's
# recount (the statement itself ~0.1 ms).
#
# It is reused only when the two compilations prove it safe: exactly one
# aggregate through :func:`aggregate_total` and no other statement, the same
# SQL text, and parameters that either are equal in both or are the same
# sentinel argument in both, a date possibly moved by the same days (the day
# before the end); any other value derived from an argument (``start.year``,
# ``max(start, end - 30 days)``) differs at a place no argument fills: refused.
# The two sentinel periods lie on either side of today, one two days long and
# one nine years, so a selector that clips a date to today or branches on the
# period's length builds two shapes: refused too. Beyond that, a part's
# selector must build one shape for every place and period (core.kpis.Part);
# tests/reports/test_prepared.py compares each part's statement with the ORM's
# for real places and periods.
# A refused count is computed by the ORM on every call, as before.

_NO_SQL = "-"  # a refused statement, remembered so it is not compiled again


Slot = tuple[str, int]  # an argument, and the days a date parameter is moved from it


@dataclass(frozen=True)
class _Aggregate:
    sql: str
    params: list[Any]
    slots: list[tuple[int, str, int]]  # (index in params, argument whose value goes there, days)
    converters: list[tuple[Callable[..., Any], Any]]  # (converter, expression)
    scale: int


class _Captured(Exception):
    """Raised from the cursor once the aggregate's statement is seen: a
    compilation's run stops before the database."""


@dataclass
class _Recording:
    alias: str
    found: list[tuple[str, list[Any], list[tuple[Callable[..., Any], Any]], int]]
    capturing: list[tuple[str, list[Any]]] | None = None  # inside aggregate_total: its statements
    stray: bool = False  # a statement other than the aggregate's ran, or on another database

    def wrapper(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        """The cursor wrapper of a compilation: the aggregate's statement is
        noted and stopped, any other one runs and refuses the count."""
        if self.capturing is None:
            self.stray = True
            return execute(sql, params, many, context)
        self.capturing.append((sql, list(params or ())))
        raise _Captured


_recording: ContextVar[_Recording | None] = ContextVar("prepared_recording", default=None)
_aggregates: dict[tuple[Any, ...], _Aggregate | str] = {}
_MARKER = -7_919_993  # the value a recorded aggregate answers: the caller must return it as is


def _finish(value: Any, scale: int) -> int:
    return round((value or 0) * scale)


def aggregate_total(qs: models.QuerySet[Any], value: Any, *, scale: int = 1) -> int:
    """``value`` aggregated over ``qs``, times ``scale``, as a whole number
    (``round``): the one aggregate of a count that :func:`prepared_total`
    compiles once."""
    recording = _recording.get()
    if recording is None:
        return _finish(qs.aggregate(v=value)["v"], scale)
    if qs.db != recording.alias:
        recording.stray = True
        return _MARKER
    captured: list[tuple[str, list[Any]]] = []
    recording.capturing = captured
    connection = connections[qs.db]
    try:
        qs.aggregate(v=value)
    except _Captured:
        # Django's debug cursor (DEBUG, tests) logged the stopped statement as
        # if it had run, last, as nothing ran after it: it never reached the
        # database, so it is no query of the request (on PostgreSQL its text is None).
        if connection.queries_logged and connection.queries_log:
            connection.queries_log.pop()
    finally:
        recording.capturing = None
    # The aggregate as the compiler sees it, for its converters (a decimal sum on SQLite).
    resolved = value.resolve_expression(qs.query.chain(), allow_joins=True, summarize=True)
    converters = [
        (convert, resolved)
        for convert in connection.ops.get_db_converters(resolved)
        + resolved.get_db_converters(connection)
    ]
    if len(captured) != 1:
        recording.stray = True
    else:
        recording.found.append((*captured[0], converters, scale))
    return _MARKER


_SENTINEL_DATES = (
    (datetime.date(1301, 2, 3), datetime.timedelta(days=2)),
    (datetime.date(2981, 5, 7), datetime.timedelta(days=3301)),
)


def _sentinels(arguments: dict[str, Any], round_: int) -> dict[str, Any]:
    """Arguments of the same types (None stays None) that no caller passes."""
    values: dict[str, Any] = {}
    dates = 0
    for i, (name, value) in enumerate(arguments.items()):
        if value is None:
            values[name] = None
        elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            # Dates in the order given (a period's start before its end): the first
            # round's two days apart, long past; the second's nine years apart, after today.
            first, step = _SENTINEL_DATES[round_]
            values[name] = first + step * dates
            dates += 1
        elif isinstance(value, int) and not isinstance(value, bool):
            values[name] = -(1_000_003 + 7_919 * i + 104_729 * round_)
        else:
            raise TypeError(f"prepared_total: {name} is neither a date nor a whole number")
    return values


def _adapted(value: Any, connection: BaseDatabaseWrapper) -> Any:
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _compiled(
    count: Callable[..., int], arguments: dict[str, Any], connection: BaseDatabaseWrapper
) -> _Aggregate | str:
    """``count``'s statement from two compilations with sentinel arguments, or
    :data:`_NO_SQL` when it cannot be proved the same for any arguments."""
    rounds = []
    for round_ in (0, 1):
        values = _sentinels(arguments, round_)
        recording = _Recording(connection.alias, [])
        token = _recording.set(recording)
        try:
            with connection.execute_wrapper(recording.wrapper):
                answer = count(**values)
        finally:
            _recording.reset(token)
        if recording.stray or len(recording.found) != 1 or answer != _MARKER:
            return _NO_SQL
        rounds.append((recording.found[0], _filled(values, connection)))
    ((sql, params, converters, scale), first), ((sql2, params2, _c, scale2), second) = rounds
    if sql != sql2 or len(params) != len(params2) or scale != scale2:
        return _NO_SQL
    slots = []
    for index, (a, b) in enumerate(zip(params, params2, strict=True)):
        if not (isinstance(a, Hashable) and isinstance(b, Hashable)):  # a list: not ours
            return _NO_SQL
        places = first.get(a, set()) & second.get(b, set())
        if len(places) == 1:
            slots.append((index, *places.pop()))
        elif places or a != b or a in first or b in second:
            return _NO_SQL
    return _Aggregate(sql, params, slots, converters, scale)


# A date parameter may be an argument moved by a fixed number of days (the day
# before a period's end: "active on its last day"), found at the same move in both rounds.
_SHIFTS = range(-366, 367)


def _filled(values: dict[str, Any], connection: BaseDatabaseWrapper) -> dict[Any, set[Slot]]:
    """Each parameter the arguments ``values`` can give, as the database
    adapter writes it: the argument and the days it is moved by."""
    found: dict[Any, set[Slot]] = {}
    for name, value in values.items():
        if isinstance(value, datetime.date):
            for days in _SHIFTS:
                moved = value + datetime.timedelta(days=days)
                found.setdefault(_adapted(moved, connection), set()).add((name, days))
        elif value is not None:
            found.setdefault(value, set()).add((name, 0))
    return found


def prepared_total(
    key: Any, count: Callable[..., int], *, using: str = DEFAULT_DB_ALIAS, **arguments: Any
) -> int:
    """``count(**arguments)``, a whole number computed by one
    :func:`aggregate_total` of a statement whose shape depends on none of the
    arguments (dates and ids, or None), with that statement compiled once per
    process and ``key`` (and which arguments are None): each later call runs its
    SQL text with the arguments in their places. A count that cannot be proved
    to keep its shape is computed by ``count`` every time."""
    return prepared_totals([(key, count, arguments)], using=using)[0]


def prepared_totals(
    calls: list[tuple[Any, Callable[..., int], dict[str, Any]]], *, using: str = DEFAULT_DB_ALIAS
) -> list[int]:
    """:func:`prepared_total` of each ``(key, count, arguments)``, those
    compiled once in one statement (a column each: one round trip for the
    recounts a read after a write makes), the others by their ``count``."""
    connection = connections[using]
    found: list[int | None] = [None] * len(calls)
    columns: list[tuple[int, _Aggregate, list[Any]]] = []
    for i, (key, count, arguments) in enumerate(calls):
        whole = (using, connection.vendor, key, tuple(n for n, v in arguments.items() if v is None))
        statement = _aggregates.get(whole)
        if statement is None:
            statement = _aggregates[whole] = _compiled(count, arguments, connection)
        if isinstance(statement, str):
            found[i] = count(**arguments)
            continue
        params = list(statement.params)
        for index, name, days in statement.slots:
            value = arguments[name]
            params[index] = _adapted(
                value + datetime.timedelta(days=days) if days else value, connection
            )
        columns.append((i, statement, params))
    if columns:
        # one count: the ORM's statement itself; more: a column each
        sql = (
            columns[0][1].sql
            if len(columns) == 1
            else "SELECT " + ", ".join(f"({statement.sql})" for _i, statement, _params in columns)
        )
        # planned once per connection (PostgreSQL): planning it cost as much as running it
        rows = planned_rows(sql, [p for _i, _s, params in columns for p in params], using=using)
        row = rows[0] if rows else (None,) * len(columns)  # no row: each count's empty value
        for (i, statement, _params), value in zip(columns, row, strict=True):
            for convert, expression in statement.converters:
                value = convert(value, expression, connection)
            found[i] = _finish(value, statement.scale)
    return [int(value) for value in found]  # type: ignore[arg-type]


# --- A statement planned once per connection ------------------------------------------
#
# PostgreSQL plans every statement Django sends (its cursors write the values
# into the text, and psycopg prepares nothing), so a statement of many
# branches costs more to plan than to run: the country's custom period, a
# UNION ALL of fourteen index ranges (``reports.facts.days._sums_sql``), was
# planned in ~12 ms and run in ~2 (EXPLAIN ANALYZE, scale 0.01 under load).
# :func:`planned_rows` runs such a statement through a cursor that sends the
# values apart from the text and prepares it on the connection (psycopg's
# ``prepare=True``; settings.py's ``prepare_threshold`` lets it), run on its
# generic plan, planned once (settings.py's ``plan_cache_mode``: left to
# choose, the server planned it on every run at national scale 0.3, 22 ms
# where the generic plan runs in 2-3). Django's own cursors still bind on
# the client, so nothing else is prepared. The statement is logged and
# counted as any other (Django's cursor wrapper, its execute wrappers).


def planned_rows(sql: str, params: Any, *, using: str = DEFAULT_DB_ALIAS) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` with ``params`` (a dict for ``%(name)s``, a list for
    ``%s``), a statement whose text repeats with other values, prepared once
    per connection on PostgreSQL (an ordinary cursor elsewhere: SQLite keeps
    compiled statements by their text)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
    # What connection.cursor() does before making its cursor: check, connect.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = _prepared_cursor()(connection.connection)
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    text, names = _numbered(sql)
    with wrap(raw) as cursor:
        cursor.execute(text, [params[name] for name in names])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    if connection.queries_logged:
        # Django's debug cursor logged the text psycopg keeps of the statement,
        # None for a prepared one: the statement with its values in instead, as
        # Django logs one bound on the server.
        ops: Any = connection.ops  # PostgreSQL's: compose_sql
        connection.queries_log[-1]["sql"] = ops.compose_sql(sql, params)
    return rows


_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s|%%")


@functools.lru_cache(maxsize=256)
def _numbered(sql: str) -> tuple[str, tuple[str | int, ...]]:
    """``sql`` (its values as ``%(name)s``, or ``%s`` in order, ``%%`` a
    percent sign) in PostgreSQL's own placeholders ($1, $2 …, one per name,
    one per ``%s``) and the keys of its values in their order (the names, the
    positions): worked out once per text. psycopg would scan the text on every
    run (it keeps the result only for texts under 4 KB; a country's day sums
    are longer)."""
    keys: list[str | int] = []
    position = 0

    def number(match: re.Match[str]) -> str:
        nonlocal position
        if match.group(0) == "%%":
            return "%"
        key: str | int = match.group(1) if match.group(1) is not None else position
        if match.group(1) is None:
            position += 1
        if key not in keys:
            keys.append(key)
        return f"${keys.index(key) + 1}"

    return _PLACEHOLDER.sub(number, sql), tuple(keys)


@functools.cache
def _prepared_cursor() -> type:
    """A psycopg cursor that binds on the server, takes PostgreSQL's $n
    placeholders as they are (a raw cursor: :func:`_numbered` wrote them) and
    prepares every statement it runs."""
    # PostgreSQL's backend imports psycopg: loaded only where PostgreSQL is used.
    from django.db.backends.postgresql.base import CursorMixin
    from psycopg import RawCursor

    class PreparedCursor(CursorMixin, RawCursor):  # type: ignore[misc]
        def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
            return super().execute(query, params, **{**options, "prepare": True})

    return PreparedCursor
