"""The analytics table: KPI parts of the standard periods, precomputed per place.

DHIS2 keeps figures fast over a country by precomputing them per org unit and
period; so does Jahesh, for the periods its dashboards open by default:

- :func:`standard_periods` — the last five Jalali years (the dashboard's, the
  KPI API's and the public page's default) and each Jalali year of it, clipped
  to it (the trend charts);
- :func:`refresh` computes every part (``reports.kpis.Part``) of those periods
  with one grouped query per part and period (``by="county"`` / ``"province"``)
  and stores them in ``reports.Fact``; ``jahesh refresh_kpis`` runs it (nightly,
  after a day turns, and after bulk loads);
- triggers on every source table (:data:`SOURCES`, installed after each
  ``migrate`` by :func:`install_triggers`) append the county — or, for
  working groups, the province — of every inserted, updated or deleted row to
  ``reports.StalePlace``, whatever wrote it (services, bulk inserts, queryset
  updates, the admin, SQL);
- :func:`read` serves a figure from the table only for a materialized period,
  after recomputing the stale places (:func:`refresh_stale`), so a figure read
  from the table always equals the one computed from the records.

Other periods are computed from the records (``reports.kpis.part_values``).
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from jahesh.accounts.scoping import COUNTRY, Area
from jahesh.reports.models import Fact, FactPeriod, StalePlace

COUNTY, PROVINCE = "county", "province"

# Every table a KPI reads, and the lookup path from its rows to the place whose
# figures a change of the row touches (kpis.md; the selectors' filters).
SOURCES: dict[str, tuple[str, ...]] = {
    "units.Unit": ("county",),
    "units.Visit": ("unit__county",),
    "units.RiskAssessment": ("unit__county",),
    "clinic.Case": ("county", "unit__county"),
    "clinic.Resolution": ("session__group__province",),
    "clinic.Session": ("group__province",),
    "clinic.WorkingGroup": ("province",),
    "funds.Fund": ("county",),
    "funds.Loan": ("fund__county",),
    "funds.Installment": ("loan__fund__county",),
    "funds.LedgerEntry": ("fund__county",),
    "funds.Verification": ("loan__fund__county",),
    "volunteers.Volunteer": ("county",),
    "volunteers.Camp": ("county",),
    "volunteers.RosterEntry": ("camp__county",),
    "projects.Project": ("county",),
    "projects.ProjectFunding": ("project__county",),
    "projects.DirectService": ("county",),
    "projects.ServiceBeneficiary": ("service__county",),
}


# --- Periods ---------------------------------------------------------------------


def standard_periods(today: datetime.date | None = None) -> list:
    """The periods kept in the table for ``today``: the last five Jalali years and
    each Jalali year of it (clipped), as the dashboard opens them."""
    from jahesh.reports.periods import jalali_years_in, last_five_years

    five = last_five_years(today)
    return [five, *(part for _year, part in jalali_years_in(five) if part != five)]


def _period(start: datetime.date, end: datetime.date) -> FactPeriod | None:
    return FactPeriod.objects.filter(start=start, end=end).first()


def served(*, area: Area, start: datetime.date, end: datetime.date) -> bool:
    """Whether figures for [start, end) are read from the table (any area)."""
    return FactPeriod.objects.filter(start=start, end=end).exists()


# --- Reading ---------------------------------------------------------------------------


def _parts_q(area: Area, parts: Iterable) -> Q:
    """The rows that hold ``parts`` for ``area``."""
    county, province, per_area = [], [], []
    for part in parts:
        if not part.additive:
            per_area.append(part.code)
        elif part.place == PROVINCE:
            province.append(part.code)
        else:
            county.append(part.code)
    q = Q(pk__in=[])
    if county:
        q |= Q(level=Fact.COUNTY, part__in=county, **_place(area, Fact.COUNTY))
    if province:
        q |= Q(level=Fact.PROVINCE, part__in=province, **_place(area, Fact.PROVINCE))
    if per_area:
        q |= Q(level=str(area.kind), part__in=per_area, **_place(area, str(area.kind)))
    return q


def _place(area: Area, level: str) -> dict:
    if level == Fact.PROVINCE and area.province_id is not None:
        return {"province_id": area.province_id}
    if level == Fact.COUNTY and area.county_id is not None:
        return {"county_id": area.county_id}
    if area.province_id is not None and level != Fact.COUNTRY:
        return {"province_id": area.province_id}
    return {}


def read(
    *, area: Area, start: datetime.date, end: datetime.date, parts: list
) -> dict[str, int] | None:
    """The parts' values for ``area`` from the table, or None when the period is
    not materialized (the caller computes them from the records)."""
    period = _period(start, end)
    if period is None:
        return None
    if StalePlace.objects.exists():
        refresh_stale()
    rows = (
        Fact.objects.filter(period=period)
        .filter(_parts_q(area, parts))
        .values("part")
        .annotate(v=Sum("value"))
        .values_list("part", "v")
    )
    found = dict(rows)
    return {part.code: int(found.get(part.code) or 0) for part in parts}


def read_by_place(
    *, area: Area, start: datetime.date, end: datetime.date, parts: list, by: str
) -> dict[str, dict[int, int]] | None:
    """The parts' values per county (``by="county"``) or province of ``area``, or
    None when the period is not materialized."""
    period = _period(start, end)
    if period is None:
        return None
    if StalePlace.objects.exists():
        refresh_stale()
    key = "county_id" if by == COUNTY else "province_id"
    rows = Fact.objects.filter(period=period)
    if area.province_id is not None:
        rows = rows.filter(province_id=area.province_id)
    if area.county_id is not None and by == COUNTY:
        rows = rows.filter(Q(county_id=area.county_id) | Q(level=Fact.PROVINCE))
    found: dict[str, dict[int, int]] = {part.code: {} for part in parts}
    # Rows keyed by the place asked for: additive county parts (summed per
    # province when by province) and non-additive parts' own level.
    summed = [p.code for p in parts if p.additive and p.place == COUNTY]
    own = [p.code for p in parts if not p.additive]
    q = Q(level=Fact.COUNTY, part__in=summed) | Q(level=by, part__in=own)
    for code, place, value in (
        rows.filter(q).values("part", key).annotate(v=Sum("value")).values_list("part", key, "v")
    ):
        found[code][place] = int(value or 0)
    # Province parts (working groups): a county gets its province's value.
    provincial = [p.code for p in parts if p.additive and p.place == PROVINCE]
    if provincial:
        per_province: dict[str, dict[int, int]] = defaultdict(dict)
        for code, province, value in rows.filter(
            level=Fact.PROVINCE, part__in=provincial
        ).values_list("part", "province_id", "value"):
            per_province[code][province] = int(value)
        if by == COUNTY:
            from jahesh.geo.models import County

            counties = County.objects.filter(area.counties_q()).values_list("pk", "province_id")
            for code in provincial:
                found[code] = {c: per_province[code][p] for c, p in counties
                               if p in per_province[code]}  # fmt: skip
        else:
            for code in provincial:
                found[code] = per_province[code]
    return found


# --- Computing -----------------------------------------------------------------------------


@dataclass
class RefreshReport:
    periods: int = 0
    rows: int = 0
    places: int = 0
    seconds: float = 0.0
    per_part: dict[str, float] = field(default_factory=dict)


def _all_parts() -> list:
    from jahesh.reports.kpis import PARTS

    return list(PARTS.values())


def _county_province() -> dict[int, int]:
    from jahesh.geo.models import County

    return dict(County.objects.values_list("pk", "province_id"))


def _rows_for(
    period: FactPeriod, part, area: Area, province_of: dict[int, int], *, counties: bool = True
) -> list[Fact]:
    """The rows of ``part`` for ``area`` (country or a province or a county)."""
    start, end = period.start, period.end
    rows: list[Fact] = []
    if part.place == PROVINCE and part.additive:
        for province, value in part.values(area=area, start=start, end=end, by="province").items():
            rows.append(Fact(period=period, part=part.code, level=Fact.PROVINCE,
                             province_id=province, value=value))  # fmt: skip
        return rows
    if counties:
        for county, value in part.values(area=area, start=start, end=end, by="county").items():
            rows.append(Fact(period=period, part=part.code, level=Fact.COUNTY,
                             province_id=province_of.get(county), county_id=county, value=value))  # fmt: skip
    if not part.additive:  # stored per area: provinces and the country too
        if area.county_id is None:
            for province, value in part.values(
                area=area, start=start, end=end, by="province"
            ).items():
                rows.append(Fact(period=period, part=part.code, level=Fact.PROVINCE,
                                 province_id=province, value=value))  # fmt: skip
        if area.province_id is None:
            value = part.total(area=area, start=start, end=end)
            rows.append(Fact(period=period, part=part.code, level=Fact.COUNTRY, value=value))
    return rows


def refresh(*, today: datetime.date | None = None, log=None) -> RefreshReport:
    """Materialize the standard periods of ``today`` (replacing older ones): one
    grouped query per part and period. Writes made while it runs stay marked
    stale and are recomputed by the next read."""
    report = RefreshReport()
    started = time.monotonic()
    seen = list(StalePlace.objects.values_list("pk", flat=True))
    province_of = _county_province()
    periods = standard_periods(today)
    computed: list[tuple[object, list[Fact], float]] = []
    for period in periods:
        t = time.monotonic()
        shell = FactPeriod(start=period.start, end=period.end, computed_at=timezone.now())
        rows: list[Fact] = []
        for part in _all_parts():
            p = time.monotonic()
            rows.extend(_rows_for(shell, part, COUNTRY, province_of))
            report.per_part[part.code] = report.per_part.get(part.code, 0) + time.monotonic() - p
        computed.append((shell, rows, time.monotonic() - t))
        if log:
            log(f"{period.start} – {period.end}: {len(rows)} rows, {time.monotonic() - t:.1f} s")
    with transaction.atomic():
        FactPeriod.objects.all().delete()
        for shell, rows, seconds in computed:
            shell.seconds = seconds
            shell.save()
            for row in rows:
                row.period = shell
            Fact.objects.bulk_create(rows, batch_size=2000)
            report.rows += len(rows)
        _forget(seen)
    report.periods = len(periods)
    report.seconds = time.monotonic() - started
    return report


def refresh_stale() -> int:
    """Recompute the places that writes have marked, in every materialized
    period; returns how many places. Marks written meanwhile stay for the next
    read (only the marks seen at the start are removed)."""
    marks = list(StalePlace.objects.values_list("pk", "province_id", "county_id"))
    if not marks:
        return 0
    periods = list(FactPeriod.objects.all())
    if not periods:
        _forget([pk for pk, _p, _c in marks])
        return 0
    province_of = _county_province()
    counties = {c for _pk, _p, c in marks if c}
    provinces = {p for _pk, p, c in marks if p and not c}
    # A province with many stale counties is recomputed whole (one query per part).
    per_province: dict[int, set[int]] = defaultdict(set)
    for county in counties:
        per_province[province_of.get(county, 0)].add(county)
    areas: list[Area] = []
    for province, members in per_province.items():
        if len(members) > 3 and province:
            areas.append(Area(province_id=province))
        else:
            areas.extend(Area(province_id=province_of.get(c), county_id=c) for c in members)
    parts = _all_parts()
    with transaction.atomic():
        for period in periods:
            for area in areas:
                for part in parts:
                    if part.place == PROVINCE and part.additive:
                        continue
                    _replace(period, part, area, province_of)
            for province in provinces | (
                {province_of.get(c) for c in counties} if _has_province_parts(parts) else set()
            ):
                for part in parts:
                    if part.place == PROVINCE and part.additive:
                        _replace(period, part, Area(province_id=province), province_of)
            if counties:  # non-additive parts: their province and country rows too
                touched = {province_of.get(c) for c in counties}
                for part in parts:
                    if not part.additive:
                        for province in touched:
                            _replace(period, part, Area(province_id=province), province_of,
                                     counties=False)  # fmt: skip
                        _replace(period, part, COUNTRY, province_of, counties=False)
        _forget([pk for pk, _p, _c in marks])
    return len(areas) + len(provinces)


def _has_province_parts(parts: list) -> bool:
    return any(p.place == PROVINCE and p.additive for p in parts)


def _replace(period: FactPeriod, part, area: Area, province_of, *, counties: bool = True) -> None:
    """Replace the rows of ``part`` for ``area`` in ``period``."""
    old = Fact.objects.filter(period=period, part=part.code)
    if part.place == PROVINCE and part.additive:
        old = old.filter(level=Fact.PROVINCE, province_id=area.province_id)
    elif counties:
        level_q = Q(level=Fact.COUNTY, **_place(area, Fact.COUNTY))
        if not part.additive and area.county_id is None:
            level_q |= Q(level=Fact.PROVINCE, province_id=area.province_id)
        old = old.filter(level_q)
    elif area.province_id is not None:
        old = old.filter(level=Fact.PROVINCE, province_id=area.province_id)
    else:
        old = old.filter(level=Fact.COUNTRY)
    old.delete()
    Fact.objects.bulk_create(_rows_for(period, part, area, province_of, counties=counties))


def _forget(pks: list[int]) -> None:
    for i in range(0, len(pks), 5000):
        StalePlace.objects.filter(pk__in=pks[i : i + 5000]).delete()


def ensure_current(*, today: datetime.date | None = None) -> RefreshReport | None:
    """Refresh the table when it does not hold today's standard periods (the day
    has turned, or a bulk load dropped it); ``jahesh serve`` runs this every few
    minutes (``core.hooks.periodic``)."""
    five = standard_periods(today)[0]
    if FactPeriod.objects.filter(start=five.start, end=five.end).exists():
        return None
    return refresh(today=today)


def invalidate() -> None:
    """Drop the table's periods (every figure is computed from the records until
    the next :func:`refresh`)."""
    FactPeriod.objects.all().delete()
    StalePlace.objects.all().delete()


# --- Triggers ----------------------------------------------------------------------------------


def trigger_statements(vendor: str) -> list[str]:
    """CREATE statements of the stale-place triggers for ``vendor``."""
    from django.apps import apps

    statements: list[str] = []
    for label, paths in SOURCES.items():
        model = apps.get_model(label)
        table = model._meta.db_table
        name = f"jahesh_stale_{table}"
        for_row = {row: [select_sql(model, path, row) for path in paths] for row in ("NEW", "OLD")}
        if vendor == "sqlite":
            for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]),
                                ("DELETE", ["OLD"])):  # fmt: skip
                body = " ".join(
                    f"INSERT INTO reports_staleplace (province_id, county_id) {sql};"
                    for row in rows
                    for sql in for_row[row]
                )
                statements.append(f"DROP TRIGGER IF EXISTS {name}_{event.lower()}")
                statements.append(
                    f"CREATE TRIGGER {name}_{event.lower()} AFTER {event} ON {table} "
                    f"FOR EACH ROW BEGIN {body} END"
                )
        else:
            new = " ".join(
                f"INSERT INTO reports_staleplace (province_id, county_id) {sql};"
                for sql in for_row["NEW"]
            )
            old = " ".join(
                f"INSERT INTO reports_staleplace (province_id, county_id) {sql};"
                for sql in for_row["OLD"]
            )
            statements.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {old} END IF; "
                f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {new} END IF; "
                f"RETURN NULL; END $$ LANGUAGE plpgsql"
            )
            statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            statements.append(
                f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
    return statements


def select_sql(model, path: str, row: str) -> str:
    """SELECT (province_id, county_id) of the place ``path`` reaches from ``row``."""
    names = path.split("__")
    current = model
    ref = row
    joins: list[str] = []
    for i, name in enumerate(names):
        f = current._meta.get_field(name)
        value = f"{ref}.{f.column}"
        if i == len(names) - 1:
            is_county = f.related_model._meta.model_name == "county"
            columns = f"0, {value}" if is_county else f"{value}, 0"
            where = f"{value} IS NOT NULL"
            break
        target = f.related_model
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
    """(Re)create the stale-place triggers (idempotent; run after every migrate)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        for statement in trigger_statements(connection.vendor):
            cursor.execute(statement)


def drop_triggers(using: str = "default") -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        for label in SOURCES:
            from django.apps import apps

            table = apps.get_model(label)._meta.db_table
            name = f"jahesh_stale_{table}"
            if connection.vendor == "sqlite":
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")


@contextmanager
def paused(using: str = "default") -> Iterator[None]:
    """Bulk loads (the national generator): no triggers while loading, then every
    period is dropped (figures come from the records until ``refresh``)."""
    drop_triggers(using)
    try:
        yield
    finally:
        install_triggers(using)
        invalidate()
