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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, connections, transaction
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
    "volunteers.VolunteerStatusEvent": ("volunteer__county",),
    "volunteers.Camp": ("county",),
    "volunteers.RosterEntry": ("camp__county",),
    "projects.Project": ("county",),
    "projects.ProjectFunding": ("project__county",),
    "projects.DirectService": ("county",),
    "projects.ServiceBeneficiary": ("service__county",),
}


# --- Periods ---------------------------------------------------------------------


def standard_periods(today: datetime.date | None = None) -> list:
    """The periods kept in the table for ``today``, as the dashboard's pickers
    open them: the last five Jalali years, each Jalali year of it clipped to it
    (the trend charts), each of those years whole, and each of their quarters
    that has begun."""
    from jahesh.core.jalali import jalali_quarter_range, jalali_today, jalali_year_range
    from jahesh.reports.periods import Period, jalali_years_in, last_five_years

    today = today or jalali_today()
    five = last_five_years(today)
    years = jalali_years_in(five)
    found = [five, *(part for _year, part in years)]
    for year, _part in years:
        found.append(Period(*jalali_year_range(year)))
        for quarter in range(1, 5):
            start, end = jalali_quarter_range(year, quarter)
            if start <= today:
                found.append(Period(start, end))
    return list(dict.fromkeys(found))  # in order, each once


def _period(start: datetime.date, end: datetime.date) -> FactPeriod | None:
    return FactPeriod.objects.filter(start=start, end=end).first()


def served(*, area: Area, start: datetime.date, end: datetime.date) -> bool:
    """Whether figures for [start, end) are read from the table (any area)."""
    return FactPeriod.objects.filter(start=start, end=end).exists()


# --- Reading ---------------------------------------------------------------------------
#
# Rows: every county part has a row per county, and every part a row per
# province and one for the country (additive parts: sums of the level below,
# kept by _rollup; non-additive parts: computed per area). A figure for any
# area is therefore its own few rows, whatever the size of the country.


def _is_county_part(part) -> bool:
    return not (part.place == PROVINCE and part.additive)


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
    if area.kind == Fact.COUNTRY:
        _country_rows(period, parts)
    rows = Fact.objects.filter(period=period)
    if (
        area.county_id is not None
    ):  # county parts: the county's rows; province parts: its province's
        county = [p.code for p in parts if _is_county_part(p)]
        province = [p.code for p in parts if not _is_county_part(p)]
        q = Q(pk__in=[])
        if county:
            q |= Q(level=Fact.COUNTY, province_id=area.province_id, county_id=area.county_id,
                   part__in=county)  # fmt: skip
        if province:
            q |= Q(level=Fact.PROVINCE, province_id=area.province_id, part__in=province)
        rows = rows.filter(q)
    elif area.province_id is not None:
        rows = rows.filter(level=Fact.PROVINCE, province_id=area.province_id)
    else:
        rows = rows.filter(level=Fact.COUNTRY)
    found = dict(rows.filter(part__in=[p.code for p in parts]).values_list("part", "value"))
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
    codes = [p.code for p in parts]
    found: dict[str, dict[int, int]] = {code: {} for code in codes}
    rows = Fact.objects.filter(period=period, part__in=codes)
    if area.province_id is not None:
        rows = rows.filter(province_id=area.province_id)
    if by == PROVINCE:
        for code, place, value in rows.filter(level=Fact.PROVINCE).values_list(
            "part", "province_id", "value"
        ):
            found[code][place] = int(value)
        return found
    county_rows = rows.filter(level=Fact.COUNTY)
    if area.county_id is not None:
        county_rows = county_rows.filter(county_id=area.county_id)
    for code, place, value in county_rows.values_list("part", "county_id", "value"):
        found[code][place] = int(value)
    # Province parts (working groups): each county gets its province's value.
    provincial = [p.code for p in parts if not _is_county_part(p)]
    if provincial:
        from jahesh.reports.kpis import spread_to_counties

        per_province: dict[str, dict[int, int]] = {code: {} for code in provincial}
        for code, province, value in rows.filter(
            level=Fact.PROVINCE, part__in=provincial
        ).values_list("part", "province_id", "value"):
            per_province[code][province] = int(value)
        found.update(spread_to_counties(per_province, area))
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


def _computed(
    period: FactPeriod, part, area: Area, province_of: dict[int, int], level: str
) -> list[Fact]:
    """The ``level`` rows of ``part`` for the places of ``area``, computed from
    the records (county rows of county parts; province and country rows of parts
    that are not sums of the level below)."""
    start, end = period.start, period.end

    def row(value: int, province=None, county=None) -> Fact:
        return Fact(period=period, part=part.code, level=level, province_id=province,
                    county_id=county, value=value)  # fmt: skip

    if level == Fact.COUNTY:
        values = part.values(area=area, start=start, end=end, by="county")
        return [row(v, province_of.get(c), c) for c, v in values.items()]
    if level == Fact.PROVINCE:
        values = part.values(area=area, start=start, end=end, by="province")
        return [row(v, province=p) for p, v in values.items()]
    return [row(part.total(area=COUNTRY, start=start, end=end))]


def _sums(rows: list[Fact], period: FactPeriod, level: str) -> list[Fact]:
    """Rows of the level above ``rows`` (county → province → country), summed."""
    totals: dict[tuple[str, int | None], int] = defaultdict(int)
    for r in rows:
        totals[(r.part, r.province_id if level == Fact.PROVINCE else None)] += r.value
    return [Fact(period=period, part=code, level=level, province_id=place, value=value)
            for (code, place), value in totals.items()]  # fmt: skip


def _all_rows(period: FactPeriod, province_of: dict[int, int], report: RefreshReport) -> list[Fact]:
    """Every row of ``period``: computed where they must be, summed where they add up."""
    rows: list[Fact] = []
    for part in _all_parts():
        t = time.monotonic()
        if part.additive and part.place == COUNTY:
            county = _computed(period, part, COUNTRY, province_of, Fact.COUNTY)
            province = _sums(county, period, Fact.PROVINCE)
            rows += county + province + _sums(province, period, Fact.COUNTRY)
        elif part.additive:  # a province part: working groups
            province = _computed(period, part, COUNTRY, province_of, Fact.PROVINCE)
            rows += province + _sums(province, period, Fact.COUNTRY)
        else:
            for level in (Fact.COUNTY, Fact.PROVINCE, Fact.COUNTRY):
                rows += _computed(period, part, COUNTRY, province_of, level)
        report.per_part[part.code] = report.per_part.get(part.code, 0) + time.monotonic() - t
    return rows


def refresh(*, today: datetime.date | None = None, log=None) -> RefreshReport:
    """Materialize the standard periods of ``today`` (replacing older ones): one
    grouped query per part and period. Writes made while it runs stay marked
    stale and are recomputed by the next read."""
    report = RefreshReport()
    started = time.monotonic()
    seen = _seen_marks()
    province_of = _county_province()
    periods = standard_periods(today)
    computed: list[tuple[FactPeriod, list[Fact], float]] = []
    for period in periods:
        t = time.monotonic()
        shell = FactPeriod(start=period.start, end=period.end, computed_at=timezone.now())
        rows = _all_rows(shell, province_of, report)
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
    """Recompute, in every materialized period, the parts that read a table a
    write has touched, for the places it touched (``StalePlace``: place and
    source model), then the sums above them; returns how many places. Marks
    written meanwhile stay for the next read (only the marks seen at the start
    are removed). The national row of a non-additive part (distinct people) is
    dropped, not recomputed: the next country-wide read computes it
    (:func:`_country_rows`)."""
    seen = _seen_marks()
    if not seen:
        return 0
    marks = list(
        StalePlace.objects.filter(pk__lte=seen[-1][1])
        .values_list("province_id", "county_id", "source")
        .distinct()
    )
    periods = list(FactPeriod.objects.all())
    if not periods:
        _forget(seen)
        return 0
    province_of = _county_province()
    county_sources: dict[int, set[str]] = defaultdict(set)
    province_sources: dict[int, set[str]] = defaultdict(set)
    for province, county, source in marks:
        if county:
            county_sources[county].add(source)
        elif province:
            province_sources[province].add(source)
    parts = _all_parts()

    def reading(candidates: list, sources: set[str]) -> list:
        """The parts that read one of ``sources`` (a mark without a source: all)."""
        return [p for p in candidates if p.sources & sources or "" in sources]

    county_parts = [p for p in parts if _is_county_part(p)]
    province_parts = [p for p in parts if not _is_county_part(p)]
    per_area = [p for p in parts if not p.additive]
    # A province with many stale counties is recomputed whole (one query per part).
    per_province: dict[int, set[int]] = defaultdict(set)
    for county in county_sources:
        per_province[province_of.get(county, 0)].add(county)
    work: list[tuple[Area, list]] = []  # (area, stale parts) at county level
    touched: dict[int, set[str]] = defaultdict(set)  # province → sources
    for province, members in per_province.items():
        sources = set().union(*(county_sources[c] for c in members))
        touched[province] |= sources
        if len(members) > 3 and province:
            work.append((Area(province_id=province), reading(county_parts, sources)))
        else:
            work += [(Area(province_id=province_of.get(c), county_id=c),
                      reading(county_parts, county_sources[c])) for c in members]  # fmt: skip
    with transaction.atomic():
        for period in periods:
            resum: dict[str, set[int]] = defaultdict(set)  # additive county part → provinces
            national: set[str] = set()  # additive parts whose country row is a new sum
            for area, stale in work:
                _replace(period, stale, area, Fact.COUNTY, province_of)
                for part in stale:
                    if part.additive:
                        resum[part.code].add(area.province_id)
            for province, sources in touched.items():  # distinct people: per province
                _replace(period, reading(per_area, sources), Area(province_id=province),
                         Fact.PROVINCE, province_of)  # fmt: skip
            for province, sources in province_sources.items():  # working groups
                stale = reading(province_parts, sources)
                _replace(period, stale, Area(province_id=province), Fact.PROVINCE, province_of)
                national |= {p.code for p in stale}
            for code, provinces in resum.items():
                _sum_provinces(period, code, provinces)
                national.add(code)
            _sum_country(period, national)
        dropped = reading(per_area, set().union(*touched.values()) if touched else set())
        if dropped:
            Fact.objects.filter(level=Fact.COUNTRY, part__in=[p.code for p in dropped]).delete()
        _forget(seen)
    return len(work) + len(province_sources)


def _replace(period: FactPeriod, parts: list, area: Area, level: str, province_of) -> None:
    """Replace the computed ``level`` rows of ``parts`` for ``area`` in ``period``."""
    if not parts:
        return
    old = Fact.objects.filter(period=period, level=level, part__in=[p.code for p in parts])
    if area.province_id is not None:
        old = old.filter(province_id=area.province_id)
    if level == Fact.COUNTY and area.county_id is not None:
        old = old.filter(county_id=area.county_id)
    old.delete()
    rows = [r for p in parts for r in _computed(period, p, area, province_of, level)]
    Fact.objects.bulk_create(rows)


def _sum_provinces(period: FactPeriod, code: str, provinces: set[int]) -> None:
    """The province rows of an additive county part: sums of their county rows."""
    counties = Fact.objects.filter(period=period, part=code, level=Fact.COUNTY,
                                   province_id__in=provinces)  # fmt: skip
    sums = counties.values("province_id").annotate(v=Sum("value")).values_list("province_id", "v")
    Fact.objects.filter(period=period, part=code, level=Fact.PROVINCE,
                        province_id__in=provinces).delete()  # fmt: skip
    Fact.objects.bulk_create(
        Fact(period=period, part=code, level=Fact.PROVINCE, province_id=p, value=int(v))
        for p, v in sums
    )


def _sum_country(period: FactPeriod, codes: set[str]) -> None:
    """The country rows of additive parts: sums of their province rows."""
    if not codes:
        return
    sums = dict(
        Fact.objects.filter(period=period, part__in=codes, level=Fact.PROVINCE)
        .values("part")
        .annotate(v=Sum("value"))
        .values_list("part", "v")
    )
    Fact.objects.filter(period=period, part__in=codes, level=Fact.COUNTRY).delete()
    Fact.objects.bulk_create(
        Fact(period=period, part=code, level=Fact.COUNTRY, value=int(sums.get(code) or 0))
        for code in codes
    )


def _country_rows(period: FactPeriod, parts: list) -> None:
    """Compute the national rows of non-additive parts that a write dropped."""
    codes = [p.code for p in parts if not p.additive]
    if not codes:
        return
    present = set(
        Fact.objects.filter(period=period, level=Fact.COUNTRY, part__in=codes).values_list(
            "part", flat=True
        )
    )
    missing = [p for p in parts if not p.additive and p.code not in present]
    rows = [r for p in missing for r in _computed(period, p, COUNTRY, {}, Fact.COUNTRY)]
    Fact.objects.bulk_create(rows)


def _seen_marks() -> list[tuple[int, int]]:
    """The marks visible now, as runs of consecutive ids [(first, last), …] (a
    bulk load leaves millions; a mark whose transaction commits later falls in a
    gap between runs, so it is never removed unseen)."""
    table = StalePlace._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(id), MAX(id) FROM (SELECT id, id - ROW_NUMBER() OVER (ORDER BY id)"
            f" AS run FROM {table}) AS numbered GROUP BY run ORDER BY 1"
        )
        return [(int(lo), int(hi)) for lo, hi in cursor.fetchall()]


def _forget(runs: list[tuple[int, int]]) -> None:
    """Remove the marks a refresh has read (and only those)."""
    for lo, hi in runs:
        StalePlace.objects.filter(pk__range=(lo, hi)).delete()


def ensure_current(*, today: datetime.date | None = None) -> RefreshReport | None:
    """Refresh the table when it does not hold today's standard periods (the day
    has turned, or a bulk load dropped it); ``jahesh serve`` runs this every few
    minutes (``core.hooks.periodic``)."""
    five = standard_periods(today)[0]
    if FactPeriod.objects.filter(start=five.start, end=five.end).exists():
        return None
    return refresh(today=today)


def invalidate_if_present(using: str = "default") -> None:
    """:func:`invalidate` when the table exists (after migrations)."""
    if FactPeriod._meta.db_table in _tables(connections[using]):
        FactPeriod.objects.using(using).all().delete()
        StalePlace.objects.using(using).all().delete()


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
        for_row = {
            row: [select_sql(model, path, row, source=label) for path in paths]
            for row in ("NEW", "OLD")
        }
        if vendor == "sqlite":
            for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["OLD", "NEW"]),
                                ("DELETE", ["OLD"])):  # fmt: skip
                body = " ".join(
                    f"INSERT INTO reports_staleplace (province_id, county_id, source) {sql};"
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
                f"INSERT INTO reports_staleplace (province_id, county_id, source) {sql};"
                for sql in for_row["NEW"]
            )
            old = " ".join(
                f"INSERT INTO reports_staleplace (province_id, county_id, source) {sql};"
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


def select_sql(model, path: str, row: str, *, source: str) -> str:
    """SELECT (province_id, county_id, source) of the place ``path`` reaches from
    ``row`` (NEW or OLD in a trigger)."""
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
            columns += f", '{source}'"
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


def _tables(connection) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def install_triggers(using: str = "default") -> None:
    """(Re)create the stale-place triggers (idempotent; run after every migrate).
    Nothing happens until the source tables and the marks table exist."""
    from django.apps import apps

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
    from django.apps import apps

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


@contextmanager
def paused(using: str = "default") -> Iterator[None]:
    """Bulk loads (the demo scenario, the national generator): no triggers while
    loading; afterwards the planner's statistics are renewed (``ANALYZE``: with
    stale ones PostgreSQL chose a full scan per visit for units_high_risk) and
    every period is dropped (figures come from the records until ``refresh``)."""
    drop_triggers(using)
    try:
        yield
    finally:
        install_triggers(using)
        with connections[using].cursor() as cursor:
            cursor.execute("ANALYZE")
        invalidate()
