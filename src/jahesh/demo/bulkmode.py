"""The databases' bulk modes for the national generator (``jahesh.demo.national``),
beside the fast inserts of :mod:`jahesh.demo.bulkload`: SQLite without fsync
(``sqlite_bulk_mode``); PostgreSQL without waiting for the WAL flush, without
nested loops and without per-row foreign-key triggers and index insertions, the
keys checked and the indexes built once at the end, on two connections
(``postgresql_bulk_mode``). Each restores its settings on the way out."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.db import connection as default_connection
from django.db import connections

from jahesh.demo.bulkload import GENERATED_APPS


@contextlib.contextmanager
def sqlite_bulk_mode() -> Iterator[None]:
    """On SQLite, for the run only: no fsync at WAL checkpoints (a crash may lose
    the last commits of this throwaway data, never corrupt the file) and a
    256 MB page cache for the growing indexes. Restores both settings."""
    if default_connection.vendor != "sqlite" or default_connection.in_atomic_block:
        yield  # (SQLite refuses to change the safety level inside a transaction)
        return
    with default_connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        (synchronous,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        with default_connection.cursor() as cursor:
            cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")


@contextlib.contextmanager
def postgresql_bulk_mode(
    app_labels: Iterable[str] = GENERATED_APPS, seconds: dict[str, float] | None = None
) -> Iterator[None]:
    """On PostgreSQL, for the run only: commits do not wait for the WAL flush
    (``synchronous_commit``: a crash may lose the last commits of this throwaway
    data, never corrupt it), no nested-loop joins (the builders' reads join
    the rows they just loaded: without their plain indexes, dropped below, and
    without statistics, the planner takes a province's new rows for one row and
    scans a whole table once per row of the other side, a read that grew with
    the square of the country: ``units.scenario._publish`` was the costliest
    statement of a run; a hash join reads each side once) and, when the tables carry no triggers of their own
    (``reports.facts.paused`` dropped the stale-place ones) and the user may,
    no per-row foreign-key triggers (``session_replication_role = replica``):
    Django's foreign keys are checked at commit, one trigger call per row and
    key, tens of millions at national scale. Instead every foreign key of these
    apps' tables is checked once at the end, each a single anti-join over its
    table (:func:`check_foreign_keys`); a dangling reference fails the run. The
    tables' plain indexes (not unique, not a constraint's: the builders' few
    reads per province find their rows without them) are dropped for the load
    and built again at the end, each in one sort rather than one insertion per
    row and index (:func:`deferred_indexes`; not inside a caller's transaction),
    two at a time on two connections, as are the key checks (:func:`_spread`).
    The settings are restored on the way out; ``seconds`` gets the time of the
    index builds ("indexes") and of the key checks ("keys")."""
    if default_connection.vendor != "postgresql":
        yield
        return
    tables = generated_tables(app_labels)
    # Inside a caller's transaction the foreign-key checks of its rows may be
    # pending, and PostgreSQL refuses DROP and CREATE INDEX on such a table.
    defer = contextlib.nullcontext() if default_connection.in_atomic_block else None
    with postgresql_session(tables) as skip_fk:
        with defer or deferred_indexes(tables, seconds):
            yield
    if skip_fk:
        started = time.monotonic()
        check_foreign_keys(tables)
        if seconds is not None:
            seconds["keys"] = time.monotonic() - started


def generated_tables(app_labels: Iterable[str] = GENERATED_APPS) -> list[str]:
    """The tables of these apps' models (history and many-to-many tables too)."""
    return [m._meta.db_table for label in app_labels
            for m in apps.get_app_config(label).get_models(include_auto_created=True)]  # fmt: skip


@contextlib.contextmanager
def postgresql_session(tables: list[str]) -> Iterator[bool]:
    """The session settings of :func:`postgresql_bulk_mode` on the default
    connection while inside (and restored after): also for each process that
    loads beside it (``jahesh.demo.processes``: the settings are per session).
    Yields whether the per-row foreign-key triggers are off (the keys are then
    for the caller to check)."""
    with default_connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        (synchronous,) = cursor.fetchone()
        cursor.execute("SHOW session_replication_role")
        (role,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text"
            " = ANY(%s)",
            [tables],
        )
        (own_triggers,) = cursor.fetchone()
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        (superuser,) = cursor.fetchone()
        cursor.execute("SHOW enable_nestloop")
        (nestloop,) = cursor.fetchone()
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET enable_nestloop = off")
        skip_fk = superuser and not own_triggers and role == "origin"
        if skip_fk:
            cursor.execute("SET session_replication_role = replica")
    try:
        yield skip_fk
    finally:
        # (on a new session if the connection was closed meanwhile: harmless)
        with default_connection.cursor() as cursor:
            cursor.execute("SELECT set_config('synchronous_commit', %s, false)", [synchronous])
            cursor.execute("SELECT set_config('enable_nestloop', %s, false)", [nestloop])
            if skip_fk:
                cursor.execute("SELECT set_config('session_replication_role', %s, false)", [role])


@contextlib.contextmanager
def deferred_indexes(tables: list[str], seconds: dict[str, float] | None = None) -> Iterator[None]:
    """PostgreSQL: drop the plain indexes of ``tables`` (not unique, not primary,
    not behind a constraint) while inside; create them again on the way out,
    from their own definitions, also when the load fails (``seconds["indexes"]``:
    how long that took)."""
    with default_connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),"
            " i.indrelid::regclass::text"
            " FROM pg_index i WHERE i.indrelid::regclass::text = ANY(%s)"
            " AND NOT i.indisunique AND NOT i.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
            " ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition, _table in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        started = time.monotonic()
        with default_connection.cursor() as cursor:
            cursor.execute("SHOW maintenance_work_mem")
            (memory,) = cursor.fetchone()
            # the largest tables' first, so that the connections end together
            cursor.execute(
                "SELECT t, pg_relation_size(t::regclass) FROM unnest(%s::text[]) t",
                [sorted({table for _n, _d, table in indexes})],
            )
            size = dict(cursor.fetchall())
        builds = [d for _n, d, table in sorted(indexes, key=lambda i: -size[i[2]])]
        try:
            _spread(builds, setup="SET maintenance_work_mem = '256MB'")
        finally:
            with default_connection.cursor() as cursor:
                cursor.execute("SELECT set_config('maintenance_work_mem', %s, false)", [memory])
        if seconds is not None:
            seconds["indexes"] = time.monotonic() - started


SPREAD_CONNECTIONS = 2  # the index builds and key checks at the end: the machine's cores


def _spread(statements: list[str], setup: str | None = None) -> list[Any]:
    """Run ``statements`` on ``SPREAD_CONNECTIONS`` connections at once (the
    default one and new ones, each in a thread of its own: the server does the
    work; only the default one inside a transaction), each connection taking the
    next statement when it is free; their first rows (None for none), in the
    statements' order. A failure stops the taking and is raised once all are done."""
    pending = list(reversed(statements))
    results: dict[int, Any] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(connection: Any) -> None:
        with connection.cursor() as cursor:
            if setup:
                cursor.execute(setup)
            while True:
                with lock:
                    if errors or not pending:
                        return
                    index = len(pending) - 1
                    statement = pending.pop()
                try:
                    cursor.execute(statement)
                    results[len(statements) - 1 - index] = (
                        cursor.fetchone() if cursor.description else None
                    )
                except BaseException as exc:  # raised below, in the caller's thread
                    errors.append(exc)
                    return

    def extra() -> None:
        connection = connections.create_connection(default_connection.alias)
        try:
            work(connection)
        except BaseException as exc:  # e.g. no connection: raised below
            errors.append(exc)
        finally:
            connection.close()

    # inside a transaction, only its own connection sees its rows and may wait on its locks
    spread = 1 if default_connection.in_atomic_block else SPREAD_CONNECTIONS
    threads = [threading.Thread(target=extra) for _ in range(min(spread, len(statements)) - 1)]
    for thread in threads:
        thread.start()
    try:
        work(default_connection)
    finally:
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
    return [results.get(i) for i in range(len(statements))]


def check_foreign_keys(tables: list[str]) -> None:
    """Raise when a row of ``tables`` refers to a row that does not exist (what
    PostgreSQL's foreign-key triggers check row by row), one anti-join per key."""
    with default_connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conname, c.conrelid::regclass::text, a.attname,"
            " c.confrelid::regclass::text, fa.attname"
            " FROM pg_constraint c"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
            " JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]"
            " WHERE c.contype = 'f' AND cardinality(c.conkey) = 1"
            " AND c.conrelid::regclass::text = ANY(%s) ORDER BY 1",
            [tables],
        )
        keys = cursor.fetchall()
    qn = default_connection.ops.quote_name
    found = _spread(
        [
            f"SELECT t.{qn(column)} FROM {qn(table)} t WHERE t.{qn(column)} IS NOT NULL"
            f" AND NOT EXISTS (SELECT 1 FROM {qn(target)} r"
            f" WHERE r.{qn(target_column)} = t.{qn(column)}) LIMIT 1"
            for _name, table, column, target, target_column in keys
        ]
    )
    for (name, table, column, target, target_column), dangling in zip(keys, found, strict=True):
        if dangling is not None:
            raise RuntimeError(
                f"{table}.{column} = {dangling[0]!r}: no such {target}.{target_column}"
                f" (foreign key {name})"
            )
