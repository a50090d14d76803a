"""The reads every signed-in request makes (its session, its user, its API
token) as SQL built once per model and database, not compiled by the ORM on
each request: compiling those three small queries was most of what a KPI API
call cost in the server and a tenth of a page's (bench/pages_profile.py).

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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

M = TypeVar("M", bound=models.Model)

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
) -> _Statement:
    key = (connection.alias, model, where, related, related_where)
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
            f" INNER JOIN {qn(target._meta.db_table)} {qn('r')}"
            f" ON {qn('r')}.{qn(_col(fk.target_field))} = {qn(table)}.{qn(_col(fk))}"
        )
        conditions += [_condition(target, "r", lookup, connection) for lookup in related_where]
    columns = ", ".join(main.select + (other.select if other else []))
    sql = f"SELECT {columns} FROM {source} WHERE {' AND '.join(c for c, _ in conditions)} LIMIT 1"
    found = _Statement(sql, [f for _, f in conditions], main, other)
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
    connection = connections[using]
    related_where = related_where or {}
    statement = _statement(model, tuple(where), related, tuple(related_where), connection)
    values = [*where.values(), *related_where.values()]
    params = [
        field.get_db_prep_value(value, connection, prepared=False)
        for field, value in zip(statement.fields, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    width = len(statement.main.names)
    instance = _instance(statement.main, row[:width], connection, using)
    if statement.related is not None and related is not None:
        other = _instance(statement.related, row[width:], connection, using)
        model._meta.get_field(related).set_cached_value(instance, other)  # type: ignore[union-attr]
    return cast(M, instance)
