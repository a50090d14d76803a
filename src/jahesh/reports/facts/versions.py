"""The table's one writer at a time (:func:`writing`), the data versions the
cached figures carry (:func:`data_version`), and dropping the table (:func:`invalidate`)."""

from __future__ import annotations

import fcntl
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, connections
from django.db.models import Count, F

from jahesh.accounts.scoping import COUNTRY, Area
from jahesh.core.sql import quote_table
from jahesh.geo.models import County
from jahesh.reports.models import (
    DayDigest,
    DayFact,
    FactPeriod,
    FactVersion,
    MonthBalance,
    StalePlace,
)

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper


def _county_province(counties: set[int] | None = None) -> dict[int, int]:
    """Each county's province (of ``counties``, or all): one plain-SQL
    statement (a read of a marked county's figures asks it)."""
    sql = f"SELECT id, province_id FROM {quote_table(County)}"
    params: list[int] = []
    if counties is not None:
        if not counties:
            return {}
        params = sorted(counties)
        sql += f" WHERE id IN ({', '.join(['%s'] * len(params))})"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _seen_marks() -> list[tuple[int, int]]:
    """The marks visible now, as runs of consecutive ids [(first, last), …] (a
    bulk load leaves millions; a mark whose transaction commits later falls in a
    gap between runs, so it is never removed unseen)."""
    table = quote_table(StalePlace)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(id), MAX(id) FROM (SELECT id, id - ROW_NUMBER() OVER (ORDER BY id)"
            f" AS run FROM {table}) AS numbered GROUP BY run ORDER BY 1"
        )
        return [(int(lo), int(hi)) for lo, hi in cursor.fetchall()]


def _forget(runs: list[tuple[int, int]]) -> None:
    """Remove the marks a refresh has read (and only those), counting them per
    place in :func:`data_version`."""
    per_place: dict[tuple[int, int], int] = defaultdict(int)
    for run in runs:
        marks = StalePlace.objects.filter(pk__range=run)
        for province, county, n in (
            marks.order_by().values("province_id", "county_id").annotate(n=Count("id"))
            .values_list("province_id", "county_id", "n")
        ):  # fmt: skip
            per_place[(province, county)] += n
        marks.delete()
    province_of = _county_province({c for _p, c in per_place if c}) if per_place else {}
    counted: dict[tuple[int, int], int] = defaultdict(int)
    for (province, county), n in per_place.items():
        counted[(province_of.get(county, 0), county) if county else (province, 0)] += n
    _count_forgotten(counted)


def _count_forgotten(per_place: Mapping[tuple[int, int], int], using: str = "default") -> None:
    """Add removed marks to their places' counts (writers only: one at a time)."""
    rows = FactVersion.objects.using(using)
    for (province, county), marks in per_place.items():
        if marks and not rows.filter(province_id=province, county_id=county).update(
            forgotten=F("forgotten") + marks
        ):
            rows.create(province_id=province, county_id=county, forgotten=marks)


def data_version(area: Area = COUNTRY) -> int:
    """A number that every committed write that can change ``area``'s figures
    raises, the same for every server: the marks written so far in it (those
    present, and those a writer has removed) — a county counts its own and its
    province's (working groups), a province every one inside it, the country all
    — plus the bulk loads' bumps. The dashboards' cache keys carry it, so no
    server serves a figure computed before a write it can see, and a write
    elsewhere leaves a figure cached. One query."""
    return data_versions([area])[area]


def data_versions(areas: Iterable[Area]) -> dict[Area, int]:
    """:func:`data_version` of each of ``areas``, a few hundred in one query
    (each read in one statement: one snapshot)."""
    found: dict[Area, int] = {}
    wanted = list(dict.fromkeys(areas))
    for i in range(0, len(wanted), 200):
        chunk = wanted[i : i + 200]
        columns, params = zip(*(version_sql(area) for area in chunk), strict=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(columns), [p for ps in params for p in ps])
            found.update(zip(chunk, map(int, cursor.fetchone()), strict=True))
    return found


def version_sql(area: Area) -> tuple[str, list[Any]]:
    """The expression of ``area``'s data version, and its parameters (a scalar
    expression: it can ride on another statement, ``core.prepared.riding``)."""
    marks, version = quote_table(StalePlace), quote_table(FactVersion)
    counties = quote_table(County)
    if area.county_id is not None:
        province = (
            "%s"
            if area.province_id is not None
            else f"(SELECT province_id FROM {counties} WHERE id = %s)"
        )
        place = area.province_id if area.province_id is not None else area.county_id
        present = f"county_id = %s OR (county_id = 0 AND province_id = {province})"
        removed = f"province_id = 0 OR (province_id = {province} AND county_id IN (0, %s))"
        params: list[Any] = [area.county_id, place, place, area.county_id]
    elif area.province_id is not None:
        present = (f"(county_id = 0 AND province_id = %s)"
                   f" OR county_id IN (SELECT id FROM {counties} WHERE province_id = %s)")  # fmt: skip
        removed = "province_id IN (0, %s)"
        params = [area.province_id, area.province_id, area.province_id]
    else:
        present = removed = "1 = 1"
        params = []
    return (
        f"(SELECT COUNT(*) FROM {marks} WHERE {present})"
        f" + COALESCE((SELECT SUM(forgotten) FROM {version} WHERE {removed}), 0)",
        params,
    )


# A PostgreSQL advisory lock key ("jahesh" and 1): the table's writers.
LOCK_KEY = 0x6A61686573680001


@contextmanager
def writing(*, wait: bool = True, using: str = "default") -> Iterator[bool]:
    """One writer of the table at a time, whatever process or server it runs in
    (the periodic job, the refresh task, ``jahesh refresh_kpis``): PostgreSQL's
    advisory lock, or on SQLite (one machine) a lock file in JAHESH_VAR. Yields
    whether the lock is held (always, unless ``wait=False`` finds it taken)."""
    conn = connections[using]
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute(f"SELECT pg_{'' if wait else 'try_'}advisory_lock(%s)", [LOCK_KEY])
            held = wait or bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            if held:
                with conn.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        return
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(settings.VAR_DIR / "facts.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            held = True
        except BlockingIOError:
            held = False
        try:
            yield held
        finally:
            if held:
                fcntl.flock(handle, fcntl.LOCK_UN)


def invalidate_if_present(using: str = "default") -> None:
    """:func:`invalidate` when the table exists (after migrations)."""
    if FactPeriod._meta.db_table in _tables(connections[using]):
        invalidate(using)


def invalidate(using: str = "default") -> None:
    """Drop the table's periods (every figure is computed from the records until
    the next :func:`refresh`); the data version moves on (a bulk load wrote
    without marks)."""
    with writing(using=using):
        FactPeriod.objects.using(using).all().delete()
        DayFact.objects.using(using).all().delete()
        MonthBalance.objects.using(using).all().delete()
        DayDigest.objects.using(using).all().delete()
        removed, _ = StalePlace.objects.using(using).all().delete()
        _count_forgotten({(0, 0): removed + 1}, using)  # every place's version moves


def _tables(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))
