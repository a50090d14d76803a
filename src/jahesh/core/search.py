"""Substring search on a normalised key column through a text index, chosen by
the backend, with the same results as ``<key>__contains=normalize_key(query)``.

- SQLite: an FTS5 table with the ``trigram`` tokenizer (SQLite ≥ 3.34), external
  content (it stores only the index; the text is read from the model's table),
  named ``fts_<table>__<column>`` and kept in step with the table by three
  triggers. A query of three or more characters is one phrase, which the
  trigram index answers with exactly the rows whose key contains it.
- PostgreSQL: ``pg_trgm`` and a GIN index (``gin_trgm_ops``) on the key column,
  which serves the ``LIKE '%…%'`` that ``__contains`` writes.

A query of one or two characters has no trigram to look up: it keeps the plain
``__contains`` filter (a scan, like before) on both backends. The index only
filters: each list keeps its own ordering, so both backends rank alike.

Each app creates its index in a migration (:func:`index_operation`). SQLite
rebuilds a table to alter it (dropping its triggers), and a data migration may
write while they are gone, so around ``migrate`` the triggers are dropped and,
afterwards, re-created and every index rebuilt from its table
(:func:`drop_triggers`, :func:`install_triggers`; the same pattern as
``reports.facts``). Every index is found from the database itself (the FTS
tables' names), so core needs no list of the apps' tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import connections, migrations
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Field, Model, Q, QuerySet
from django.db.models.expressions import RawSQL

from jahesh.core.text import normalize_key

M = TypeVar("M", bound=Model)

# Shorter queries have no trigram: the index cannot answer them.
MIN_INDEXED = 3
# GIN keeps new entries in a pending list that every search reads through until
# VACUUM (or this size) moves them into the index: after 100,000 inserts the
# default 4 MB made a search 6× slower. A small list bounds that cost; bulk
# loads end with :func:`indexes_settle`.
PENDING_LIST_KB = 256
_PREFIX = "fts_"
_SEPARATOR = "__"


def fts_table(table: str, column: str) -> str:
    """The SQLite FTS5 table indexing ``table.column``."""
    return f"{_PREFIX}{table}{_SEPARATOR}{column}"


def trgm_index(table: str, column: str) -> str:
    """The PostgreSQL trigram index on ``table.column`` (≤ 63 characters)."""
    return f"{table}_{column}_trgm"[:63]


def search_q(
    model: type[Model], field: str, query: str, *, also: Iterable[Q] = (), using: str = "default"
) -> Q:
    """Rows of ``model`` whose key ``field`` contains ``normalize_key(query)``, or
    that match any of ``also`` (exact-code alternatives, say); an empty key
    matches every row (``Q()``), as the lists' old ``contains ''`` filters did.

    On SQLite each alternative joins the index's answer in one ``pk IN (… UNION
    …)``, each on its own index: an ``OR`` beside the index lookup makes the
    planner scan the table and test every row (as slow as the LIKE it replaces).
    """
    key = normalize_key(query)
    if not key:
        return Q()
    if len(key) < MIN_INDEXED or connections[using].vendor != "sqlite":
        # PostgreSQL: this LIKE is what the trigram index serves (with the
        # alternatives' own indexes, a BitmapOr).
        cond = Q(**{f"{field}__contains": key})
        for other in also:
            cond |= other
        return cond
    connection = connections[using]
    key_field = model._meta.get_field(field)
    # The indexed key is a concrete text column, never a relation or a virtual field.
    assert isinstance(key_field, Field) and key_field.column is not None
    column = key_field.column
    fts = connection.ops.quote_name(fts_table(model._meta.db_table, column))
    sql = f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s"
    params: list = ['"' + key.replace('"', '""') + '"']  # one FTS5 phrase: a substring
    for other in also:
        rows = model._base_manager.using(using).filter(other).order_by().values("pk")
        other_sql, other_params = rows.query.sql_with_params()
        sql += f" UNION {other_sql}"
        params += list(other_params)
    return Q(pk__in=RawSQL(sql, params))


def filter_given(qs: QuerySet[M], **lookups: Any) -> QuerySet[M]:
    """``qs`` narrowed by the lookups a list was given: a value of ``None`` or
    ``""`` (a filter left empty) does not filter."""
    return qs.filter(**{k: v for k, v in lookups.items() if v not in (None, "")})


def search_filter(qs: QuerySet[M], field: str, query: str) -> QuerySet[M]:
    """``qs`` narrowed to rows whose key ``field`` contains the query's key."""
    return qs.filter(search_q(qs.model, field, query, using=qs.db))


# --- The index: created by migrations, triggers kept across migrate ---------------


def index_operation(table: str, column: str, pk: str = "id") -> migrations.RunPython:
    """The migration operation that creates (and, backwards, drops) the index of
    ``table.column`` on either backend."""

    def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        index_create(schema_editor.connection, table, column, pk)

    def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        index_drop(schema_editor.connection, table, column)

    return migrations.RunPython(forwards, backwards, elidable=False)


def index_create(connection: BaseDatabaseWrapper, table: str, column: str, pk: str = "id") -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(trgm_index(table, column))} "
                f"ON {quote(table)} USING gin ({quote(column)} gin_trgm_ops) "
                f"WITH (gin_pending_list_limit = {PENDING_LIST_KB})"
            )
            return
        if connection.vendor != "sqlite":
            return
        fts = fts_table(table, column)
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {quote(fts)} USING fts5({quote(column)}, "
            f"content={quote(table)}, content_rowid={quote(pk)}, "
            "tokenize='trigram case_sensitive 1')"
        )
    _sqlite_triggers(connection, fts, table, column, pk)
    _sqlite_rebuild(connection, fts)


def index_drop(connection: BaseDatabaseWrapper, table: str, column: str) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {quote(trgm_index(table, column))}")
        elif connection.vendor == "sqlite":
            fts = fts_table(table, column)
            for name in _trigger_names(fts):
                cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}")
            cursor.execute(f"DROP TABLE IF EXISTS {quote(fts)}")


def indexes_settle(using: str = "default") -> None:
    """After a bulk load: PostgreSQL moves each trigram index's pending entries
    into the index now rather than at the next (auto)vacuum. SQLite's triggers
    have kept its indexes whole; nothing to do."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(c.oid::regclass) FROM pg_class c "
            "JOIN pg_index i ON i.indexrelid = c.oid JOIN pg_am a ON a.oid = c.relam "
            "WHERE a.amname = 'gin' AND c.relname LIKE %s",
            ["%\\_trgm"],
        )


def _trigger_names(fts: str) -> tuple[str, str, str]:
    return f"{fts}_ai", f"{fts}_ad", f"{fts}_au"


def _sqlite_triggers(
    connection: BaseDatabaseWrapper, fts: str, table: str, column: str, pk: str
) -> None:
    """The three triggers that keep an external-content FTS5 table in step: a
    deleted or changed row's old text is removed with the 'delete' command."""
    q = connection.ops.quote_name
    ai, ad, au = (q(name) for name in _trigger_names(fts))
    f, t, c, p = q(fts), q(table), q(column), q(pk)
    insert_new = f"INSERT INTO {f} (rowid, {c}) VALUES (new.{p}, new.{c});"
    delete_old = f"INSERT INTO {f} ({f}, rowid, {c}) VALUES ('delete', old.{p}, old.{c});"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {ai} AFTER INSERT ON {t} BEGIN {insert_new} END"
        )
        cursor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {ad} AFTER DELETE ON {t} BEGIN {delete_old} END"
        )
        cursor.execute(
            f"CREATE TRIGGER IF NOT EXISTS {au} AFTER UPDATE OF {c}, {p} ON {t} "
            f"BEGIN {delete_old} {insert_new} END"
        )


def _sqlite_rebuild(connection: BaseDatabaseWrapper, fts: str) -> None:
    quote = connection.ops.quote_name(fts)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote} ({quote}) VALUES ('rebuild')")


def _sqlite_indexes(connection: BaseDatabaseWrapper) -> list[tuple[str, str, str]]:
    """(fts table, table, column) of every search index in the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'fts\\_%' "
            "ESCAPE '\\' AND sql LIKE 'CREATE VIRTUAL TABLE%'"
        )
        names = [row[0] for row in cursor.fetchall()]
    found = []
    for name in names:
        table, _, column = name[len(_PREFIX) :].rpartition(_SEPARATOR)
        if table and column:
            found.append((name, table, column))
    return found


def drop_triggers(using: str = "default") -> None:
    """Before migrate (SQLite): no trigger may name a table being rebuilt."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for fts, _table, _column in _sqlite_indexes(connection):
            for name in _trigger_names(fts):
                cursor.execute(f"DROP TRIGGER IF EXISTS {connection.ops.quote_name(name)}")


def install_triggers(using: str = "default", *, rebuild: bool = True) -> None:
    """After migrate (SQLite): the triggers back on every indexed table and, when
    migrations ran (they wrote without triggers), each index rebuilt from its table."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    for fts, table, column in _sqlite_indexes(connection):
        _sqlite_triggers(connection, fts, table, column, "id")  # every indexed table's pk
        if rebuild:
            _sqlite_rebuild(connection, fts)
