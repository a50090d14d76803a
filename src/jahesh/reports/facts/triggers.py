"""The stale-place triggers on the source tables, and bulk loads (:func:`paused`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import connections
from django.db.models import Field

from jahesh.core import search
from jahesh.reports.models import (
    StalePlace,
)

if TYPE_CHECKING:
    from django.db.models import Model

from jahesh.reports.facts.marks import DERIVED, SOURCES, derived_source
from jahesh.reports.facts.versions import _tables, invalidate

# --- Triggers ----------------------------------------------------------------------------------


def trigger_statements(vendor: str) -> list[str]:
    """CREATE statements of the stale-place triggers for ``vendor``."""
    statements: list[str] = []
    for label, paths in SOURCES.items():
        model = apps.get_model(label)
        table = model._meta.db_table
        name = f"jahesh_stale_{table}"
        source = f"'{label}'"
        changed = _changed_source(model, label, vendor)
        new, old = (_marks_sql(model, label, paths, row, source) for row in ("NEW", "OLD"))
        updated = " ".join(_marks_sql(model, label, paths, row, changed) for row in ("OLD", "NEW"))
        if vendor == "sqlite":
            for event, body in (("INSERT", new), ("UPDATE", updated), ("DELETE", old)):
                statements.append(f"DROP TRIGGER IF EXISTS {name}_{event.lower()}")
                statements.append(
                    f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} "
                    f"FOR EACH ROW BEGIN {body} END"
                )
        else:
            statements.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                f"IF TG_OP = 'UPDATE' THEN {updated} ELSIF TG_OP = 'DELETE' THEN {old} "
                f"ELSE {new} END IF; "
                f"RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            statements.append(
                f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
    return statements


def _marks_sql(
    model: type[Model], label: str, paths: tuple[str, ...], row: str, source: str
) -> str:
    """The statements marking the places of ``row`` (NEW or OLD), with ``source``
    (an SQL expression)."""
    return " ".join(
        f"INSERT INTO reports_staleplace (province_id, county_id, source) "
        f"{select_sql(model, path, row, source=label, source_sql=source)};"
        for path in paths
    )


def _changed_source(model: type[Model], label: str, vendor: str) -> str:
    """The source an update's marks carry: ``label``, or its derived source when
    the update changed only columns no figure reads (:data:`DERIVED`)."""
    derived = DERIVED.get(label)
    if not derived:
        return f"'{label}'"
    differs = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
    read = [f.column for f in model._meta.concrete_fields if f.name not in derived]
    changed = " OR ".join(f'OLD."{column}" {differs} NEW."{column}"' for column in read)
    return f"CASE WHEN {changed} THEN '{label}' ELSE '{derived_source(label)}' END"


def select_sql(
    model: type[Model], path: str, row: str, *, source: str, source_sql: str | None = None
) -> str:
    """SELECT (province_id, county_id, source) of the place ``path`` reaches from
    ``row`` (NEW or OLD in a trigger); the source is ``source`` unless
    ``source_sql`` gives an expression for it."""
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
            columns += ", " + (source_sql or f"'{source}'")
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


def install_triggers(using: str = "default") -> None:
    """(Re)create the stale-place triggers (idempotent; run after every migrate).
    Nothing happens until the source tables and the marks table exist."""
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
