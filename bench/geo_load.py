"""How long loading Iran's geography takes: a first load into an empty
database, then a second (idempotent) one that should write nothing.

    uv run python bench/geo_load.py                       # SQLite under /tmp
    DATABASE_URL=postgres://user@host/postgres uv run python bench/geo_load.py
    uv run python bench/geo_load.py --smoke               # Markazi's rows only

The baseline, measured in the same run on the same database: the same files
read and their rows inserted into one scratch table with no checks, no
comparison with what exists and no keys (the floor any load can approach).

With DATABASE_URL set the script creates a throwaway database
``jahesh_bench_geo`` on that server, loads into it and drops it; without it, a
throwaway SQLite file under /tmp. Wall-clock and CPU seconds are printed (CPU
time is the fairer figure on a busy machine).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable

from _smoke import SMOKE, only_provinces, var_dir

BENCH_DB = "jahesh_bench_geo"


MARKAZI = "28"


def _prepare_environment() -> tuple[str, Callable[[], None]]:
    """Point the settings at a throwaway database; return its label and a cleanup."""
    var = var_dir(tempfile.mkdtemp(prefix="jahesh-bench-geo-"))
    os.environ["JAHESH_VAR"] = var
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite", lambda: shutil.rmtree(var, ignore_errors=True)
    import psycopg

    conninfo = _conninfo(url)
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    os.environ["DATABASE_URL"] = _with_name(url, BENCH_DB)

    def cleanup() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(**conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        shutil.rmtree(var, ignore_errors=True)

    return "postgresql", cleanup


def _conninfo(url: str) -> dict:
    import dj_database_url

    cfg = dj_database_url.parse(url)
    info = {
        "dbname": cfg["NAME"] or "postgres",
        "user": cfg["USER"],
        "password": cfg["PASSWORD"],
        "host": cfg["HOST"],
        "port": cfg["PORT"],
    }
    return {k: v for k, v in info.items() if v}


def _with_name(url: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _timed(label: str, func, baseline: float | None = None):
    """``func()`` and its wall-clock seconds, printed (beside ``baseline`` seconds)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    ratio = f" = {wall / baseline:.1f} × the baseline" if baseline else ""
    print(f"{label}: {wall:.2f}s wall, {cpu:.2f}s CPU{ratio}")
    return result, wall


def baseline() -> int:
    """The same files read and their rows inserted into a scratch table with no
    checks and no keys; returns the number of rows."""
    from django.db import connection, transaction

    from jahesh.geo import loader

    rows = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_geo_rows (level varchar(20), id integer, name varchar(200),"
            " code varchar(20))"
        )
        for level in loader.LEVELS:
            batch = [
                (level.file, int(row["id"]), row["name"], row.get("code") or "")
                for row in loader.data_rows(level.file)
            ]
            cursor.executemany("INSERT INTO bench_geo_rows VALUES (%s, %s, %s, %s)", batch)
            rows += len(batch)
        cursor.execute("DROP TABLE bench_geo_rows")
    return rows


def main() -> int:
    vendor, cleanup = _prepare_environment()
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jahesh.settings")
        import django

        django.setup()
        from django.core.management import call_command

        from jahesh.geo.services import geo_load

        call_command("migrate", verbosity=0)
        if SMOKE:
            only_provinces({MARKAZI})  # every level, a hundredth of the rows
        print(f"database: {vendor}{' (smoke: Markazi only)' if SMOKE else ''}")
        rows, base = _timed("baseline: read the files, insert into one table unchecked", baseline)
        print(f"  {rows:,} rows")
        first, _wall = _timed("first load", geo_load, base)
        print("  " + ", ".join(f"{k}={v}" for k, v in first.items() if v))
        second, _wall = _timed("second load (idempotent)", geo_load, base)
        print("  " + ", ".join(f"{k}={v}" for k, v in second.items() if v))
        if first["created"] != rows or first["skipped"] or first["fixed"]:
            print(f"first load created {first['created']:,} of {rows:,} rows", file=sys.stderr)
            return 1
        if second["created"] or second["updated"]:
            print("second load wrote rows: not idempotent", file=sys.stderr)
            return 1
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
