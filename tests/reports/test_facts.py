"""The analytics table (``reports.facts``): figures read from it equal the
hand-built world's figures, writes of every kind mark their place stale through
the triggers, and the next read recomputes it."""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Q, Sum
from django.test.utils import CaptureQueriesContext

from jahesh.accounts.scoping import Area
from jahesh.reports import facts
from jahesh.reports.facts import days
from jahesh.reports.facts.days import OPENED, since_code
from jahesh.reports.facts.marks import DERIVED, derived_source
from jahesh.reports.facts.spans import CLASSES, PENDING, RUNNING, after_code
from jahesh.reports.figures import kpi_beside, kpi_values, kpi_values_by_place
from jahesh.reports.kpis import PARTS
from jahesh.reports.models import (
    DayDigest,
    DayFact,
    Fact,
    FactPeriod,
    MonthBalance,
    StalePlace,
)
from jahesh.reports.periods import Period
from tests.reports.conftest import (
    ARAK_1403,
    BESIDE_MARKAZI,
    COUNTRY_1403,
    MARKAZI_1403,
    P1403,
)

# On 1404/01/01 the last five Jalali years are 1399–1403: 1403 is one of the
# standard periods, whole.
TODAY = datetime.date(2025, 3, 21)


@pytest.fixture
def table(world):
    StalePlace.objects.all().delete()  # the world's own writes
    report = facts.refresh(today=TODAY)
    assert report.periods == 26 and report.rows > 0
    return report


def test_the_standard_periods_are_what_the_pickers_open():
    # 1404/01/01: the five years 1399–1403, each of those years (clipped to the
    # five years, here whole) and their 20 quarters.
    periods = facts.standard_periods(TODAY)
    assert periods[0] == Period(datetime.date(2020, 3, 20), TODAY)
    assert P1403 in periods
    assert Period(datetime.date(2024, 12, 21), TODAY) in periods  # 1403's winter
    assert len(periods) == len(set(periods)) == 1 + 5 + 20
    # A day later the window touches 1404: its first quarter has begun, the others not.
    later = facts.standard_periods(TODAY + datetime.timedelta(days=1))
    assert Period(datetime.date(2025, 3, 21), datetime.date(2025, 6, 22)) in later
    assert Period(datetime.date(2025, 6, 22), datetime.date(2025, 9, 23)) not in later
    assert len(later) == 1 + 6 + 2 + 21  # clipped 1399 and 1404, whole 1399 and 1404


def test_it_serves_the_hand_built_figures_from_the_table(table, geo, markazi_area, arak_area):
    assert facts.served(area=markazi_area, start=P1403.start, end=P1403.end)
    got = {
        "markazi": kpi_values(area=markazi_area, start=P1403.start, end=P1403.end),
        "arak": kpi_values(area=arak_area, start=P1403.start, end=P1403.end),
        "country": kpi_values(area=Area(), start=P1403.start, end=P1403.end),
    }
    assert got == {"markazi": MARKAZI_1403, "arak": ARAK_1403, "country": COUNTRY_1403}
    beside = kpi_beside(area=markazi_area, start=P1403.start, end=P1403.end)
    assert beside == BESIDE_MARKAZI


def test_the_table_is_read_not_recomputed(table, markazi_area, django_assert_max_num_queries):
    # The periods, the stale marks, one read per kind of row (county, province, area).
    with django_assert_max_num_queries(5):
        kpi_values(area=markazi_area, start=P1403.start, end=P1403.end)


def test_per_place_figures_match_each_place_alone(table, geo):
    by_county = kpi_values_by_place(
        area=Area(province_id=geo["markazi"].pk), start=P1403.start, end=P1403.end, by="county"
    )
    assert by_county[geo["arak"].pk] == ARAK_1403
    by_province = kpi_values_by_place(area=Area(), start=P1403.start, end=P1403.end, by="province")
    assert by_province[geo["markazi"].pk] == MARKAZI_1403


def test_other_periods_are_computed_from_the_records(table, markazi_area):
    other = Period(datetime.date(2024, 3, 20), datetime.date(2025, 3, 20))
    assert not facts.served(area=markazi_area, start=other.start, end=other.end)
    values = kpi_values(area=markazi_area, start=other.start, end=other.end)
    assert values["units_monitored"] == MARKAZI_1403["units_monitored"]


# A custom period (not stored): its flow parts are sums of the day rows, its stock
# parts (funds, volunteers, PAR) month balances plus days.
CUSTOM = Period(datetime.date(2024, 4, 2), datetime.date(2025, 2, 11))
FLOW = sorted(code for code, part in PARTS.items() if part.daily)


def _from_records(area: Area, period: Period) -> dict[str, int]:
    return {code: PARTS[code].total(area=area, start=period.start, end=period.end) for code in FLOW}


def _flow(area: Area, period: Period) -> dict[str, int]:
    return _values(area, period, FLOW)


def _values(area: Area, period: Period, codes: list[str]) -> dict[str, int]:
    from jahesh.reports.figures import part_values

    return part_values(area=area, start=period.start, end=period.end,
                       parts=[PARTS[code] for code in codes])  # fmt: skip


@pytest.mark.parametrize("opened", [True, False])
def test_a_distinct_part_counts_once_whatever_its_edges(
    table, geo, markazi_area, arak_area, monkeypatch, opened
):
    # Periods whose edges fall on, just before and just after a row's day and its
    # since (the unit's or person's previous day), read through the running totals
    # (the balance at the horizon, the one at the start, the rows after the end)
    # or through the period's rows, equal the recount for a county, its province
    # and the country.
    monkeypatch.setattr(days, "_by_opened", lambda start, end: opened)
    codes = ["units_monitored", "services_beneficiaries"]
    rows = DayFact.objects.filter(part__in=[c for code in codes for c in days.since_codes(code)])
    ever = datetime.date(1, 1, 1)
    assert rows.exclude(since=ever).exists()  # some seen again
    seen = sorted({d for pair in rows.values_list("day", "since") for d in pair if d != ever})
    picked = [*seen[:: max(1, len(seen) // 5)], seen[-1]]
    one = datetime.timedelta(days=1)
    edges = sorted({day + shift for day in picked for shift in (-one, 0 * one, one)})
    counted = dict.fromkeys(codes, 0)
    for area in (arak_area, markazi_area, Area()):
        for i, start in enumerate(edges):
            for end in edges[i + 1 :]:
                want = {c: PARTS[c].total(area=area, start=start, end=end) for c in codes}
                assert _values(area, Period(start, end), codes) == want, (area, start, end)
                for code in codes:
                    counted[code] += want[code]
    assert all(counted.values()), counted


def test_a_custom_period_sums_the_flow_parts_day_rows(table, geo, markazi_area, arak_area):
    assert facts.days_built() and DayFact.objects.exists()
    opened = {code + OPENED for code in FLOW if PARTS[code].distinct}  # their second series
    assert opened == {"units_monitored@opened", "services_beneficiaries@opened"}
    spans = {code + series for code in FLOW if PARTS[code].spans for series in (RUNNING, PENDING)}
    assert spans == {"jobs_created@running", "jobs_created@pending",
                     "jobs_planned_unverified@running", "jobs_planned_unverified@pending"}  # fmt: skip
    # and their events by distance class (jobs_created@after0 … @after15)
    spans |= {after_code(code, k) for code in FLOW if PARTS[code].spans for k in CLASSES}
    # a distinct part's own rows by their distance from since (units_monitored@since0 … 15)
    distinct = {code for code in FLOW if PARTS[code].distinct}
    by_distance = {since_code(code, k) for code in distinct for k in CLASSES}
    stored = set(DayFact.objects.values_list("part", flat=True))
    assert stored <= (set(FLOW) - distinct) | by_distance | opened | spans
    assert {"units_monitored@since15", "services_beneficiaries@since15"} <= stored  # first visits
    for area in (markazi_area, arak_area, Area()):
        want = _from_records(area, CUSTOM)
        assert any(want.values())
        with CaptureQueriesContext(connection) as ctx:
            assert _flow(area, CUSTOM) == want
        # Read from the analytics tables alone, whatever the source tables hold.
        read = set(re.findall(r'(?:FROM|JOIN) "(\w+)"', " ".join(q["sql"] for q in ctx)))
        assert read <= {"reports_factperiod", "reports_factversion", "reports_staleplace",
                        "reports_dayfact", "reports_monthbalance", "geo_county"}, read  # fmt: skip
    by_county = kpi_values_by_place(area=markazi_area, start=CUSTOM.start, end=CUSTOM.end,
                                    by="county", codes=["cases_opened", "services_value_rial"])  # fmt: skip
    for county in (geo["arak"], geo["saveh"]):
        here = Area(province_id=geo["markazi"].pk, county_id=county.pk)
        alone = kpi_values(area=here, start=CUSTOM.start, end=CUSTOM.end,
                           codes=["cases_opened", "services_value_rial"])  # fmt: skip
        assert by_county.get(county.pk, dict.fromkeys(alone, 0)) == alone


def test_a_province_or_the_country_reads_its_own_day_rows_from_the_level_index(table, markazi_area):
    # With planner statistics (refresh_kpis renews them), each range of day rows a
    # custom period reads for a province or the country is one range of the level
    # index, the rows above the places alone, covered by it: not the county index
    # (whose county_id NULL group held every province's rows, each read from the
    # table), nor the rows of the places below.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for area in (markazi_area, Area()):
        with CaptureQueriesContext(connection) as ctx:
            _flow(area, CUSTOM)
        sums = [q["sql"] for q in ctx if "UNION ALL" in q["sql"] and "reports_dayfact" in q["sql"]]
        assert len(sums) == 1
        scans = [line for line in _plan(sums[0])
                 if re.search(r"(SEARCH|SCAN) reports_dayfact |Scan .*on reports_dayfact ", line)]  # fmt: skip
        assert scans and all(
            "COVERING INDEX reports_dayfact_level_idx " in line  # SQLite
            or "Index Only Scan using reports_dayfact_level_idx " in line  # PostgreSQL
            for line in scans
        ), scans


def _plan(sql: str) -> list[str]:
    """The plan's lines of ``sql`` (as executed, its values in it); PostgreSQL
    told to take an index whenever one serves (its statistics of a few rows
    favour reading the whole table)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("EXPLAIN " + sql)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return [row[-1] for row in cursor.fetchall()]


def _sums_above() -> tuple[dict, dict]:
    """Every additive part's rows kept above its places (each province's, the
    country's), and the same summed from the rows of its places: {(model, part,
    province, when): value}, sums of nothing left out."""
    kept: dict[tuple, int] = {}
    summed: dict[tuple, int] = {}
    for model, when in ((DayFact, ("day", "since", "lo", "hi")), (MonthBalance, ("month",))):
        name = model.__name__
        for code, part in PARTS.items():
            if not part.daily or not part.additive:
                continue
            rows = model.objects.filter(part=code)
            county_part = part.place == "county"
            below = rows.filter(county_id__isnull=False) if county_part else rows.filter(
                county_id__isnull=True, province_id__isnull=False)  # fmt: skip
            for *key, value in rows.filter(county_id__isnull=True).values_list(
                "province_id", *when, "value"
            ):
                if county_part or key[0] is None:
                    kept[(name, code, *key)] = kept.get((name, code, *key), 0) + int(value)
            levels = ("province_id", None) if county_part else (None,)
            for level in levels:
                group = [level, *when] if level else list(when)
                for *key, value in (
                    below.values(*group).annotate(v=Sum("value")).values_list(*group, "v")
                ):
                    if value:
                        place = key[0] if level else None
                        rest = key[1:] if level else key
                        summed[(name, code, place, *rest)] = int(value)
    return {k: v for k, v in kept.items() if v}, summed


def test_the_rows_above_the_places_are_their_sums(table):
    kept, summed = _sums_above()
    assert kept and kept == summed


def test_a_write_rewrites_only_its_own_day_rows(table, world, geo, markazi_area):
    from jahesh.projects.models import DirectService

    service = DirectService.objects.filter(county=geo["saveh"], value_rial__gt=0).first()
    moved = datetime.date(2024, 12, 1)
    assert service.delivered_on != moved
    rows = dict(DayFact.objects.values_list("pk", "value"))
    service.delivered_on = moved
    service.save()
    want = _from_records(markazi_area, CUSTOM)
    # Read before the writer ran: the marked county from its records, nothing stored.
    assert _flow(markazi_area, CUSTOM) == want
    assert dict(DayFact.objects.values_list("pk", "value")) == rows
    facts.refresh_stale()
    assert _flow(markazi_area, CUSTOM) == want
    after = dict(DayFact.objects.values_list("pk", "value"))
    changed = {pk for pk in rows if pk not in after} | {pk for pk in after if pk not in rows}
    assert changed  # the service's old and new days
    saveh = set(DayFact.objects.filter(county_id=geo["saveh"].pk).values_list("pk", flat=True))
    kept = {pk for pk in rows if pk in after}
    assert all(after[pk] == rows[pk] for pk in kept)  # no row rewritten in place
    # Saveh's rows, and those of the levels above it (Markazi's and the country's:
    # the sums moved by what changed, and distinct beneficiaries recomputed).
    above = DayFact.objects.filter(county_id__isnull=True)
    above = set(above.filter(Q(province_id=geo["markazi"].pk) | Q(province_id__isnull=True))
                .values_list("pk", flat=True))  # fmt: skip
    assert {pk for pk in after if pk not in rows} <= saveh | above
    # Only rows of the direct services' parts changed (the tables the write touched).
    new = DayFact.objects.filter(pk__in=[pk for pk in after if pk not in rows])
    assert ("services_value_rial", geo["saveh"].pk) in set(new.values_list("part", "county_id"))
    assert set(new.values_list("part", flat=True)) <= {
        "services_value_rial", *days.since_codes("services_beneficiaries"),
        "services_beneficiaries" + OPENED}  # fmt: skip
    kept, summed = _sums_above()
    assert kept == summed


def test_a_custom_period_takes_a_marked_place_out_of_the_sums_above_it(
    table, world, geo, markazi_area, arak_area
):
    from jahesh.clinic.models import Resolution
    from jahesh.projects.models import DirectService

    # A county marked (a service in Saveh moved out of the period) and a province
    # marked (a Markazi working group's resolution moved out of it).
    service = DirectService.objects.filter(county=geo["saveh"], value_rial__gt=0,
                                           delivered_on__gte=CUSTOM.start,
                                           delivered_on__lt=CUSTOM.end).first()  # fmt: skip
    service.delivered_on = CUSTOM.end + datetime.timedelta(days=3)
    service.save()
    passed = Resolution.objects.filter(passed_on__gte=CUSTOM.start, passed_on__lt=CUSTOM.end,
                                       session__group__province=geo["markazi"])  # fmt: skip
    assert passed.exists()
    passed.update(passed_on=CUSTOM.start - datetime.timedelta(days=30))
    marked = set(StalePlace.objects.values_list("province_id", "county_id"))
    assert (0, geo["saveh"].pk) in marked and (geo["markazi"].pk, 0) in marked
    for area in (Area(), markazi_area, arak_area):
        want = _from_records(area, CUSTOM)
        assert _flow(area, CUSTOM) == want, area
    country = _flow(Area(), CUSTOM)
    by_province = kpi_values_by_place(area=Area(), start=CUSTOM.start, end=CUSTOM.end,
                                      by="province", codes=["resolutions_passed", "cases_opened"])  # fmt: skip
    markazi = kpi_values(area=markazi_area, start=CUSTOM.start, end=CUSTOM.end,
                         codes=["resolutions_passed", "cases_opened"])  # fmt: skip
    assert by_province[geo["markazi"].pk] == markazi
    # The writer stores them: the same figures, read from the stored rows alone.
    facts.refresh_stale()
    assert not StalePlace.objects.exists()
    assert _flow(Area(), CUSTOM) == country
    kept, summed = _sums_above()
    assert kept == summed


def test_a_write_marks_its_county_and_the_next_read_recomputes_it_in_memory(
    table, world, geo, arak_area, markazi_area
):
    from jahesh.units.models import Visit

    unit = world["units"]["u1"]
    assert unit.county_id == geo["arak"].pk
    assert not StalePlace.objects.exists()
    Visit.objects.filter(unit=unit).delete()  # a queryset delete: no signals, the trigger sees it
    assert set(StalePlace.objects.values_list("province_id", "county_id")) == {(0, geo["arak"].pk)}
    stored = dict(Fact.objects.values_list("pk", "value"))
    marks = StalePlace.objects.count()
    for area, expected in ((arak_area, ARAK_1403), (markazi_area, MARKAZI_1403),
                           (Area(), COUNTRY_1403)):  # fmt: skip
        values = kpi_values(area=area, start=P1403.start, end=P1403.end)
        assert values["units_monitored"] == expected["units_monitored"] - 1
    # The reads stored nothing: the marks and the rows are as the write left them.
    assert StalePlace.objects.count() == marks
    assert dict(Fact.objects.values_list("pk", "value")) == stored
    # The writer stores what the reads computed, and the marks go.
    assert facts.refresh_stale() == 1
    assert not StalePlace.objects.exists()
    values = kpi_values(area=arak_area, start=P1403.start, end=P1403.end)
    assert values["units_monitored"] == ARAK_1403["units_monitored"] - 1


def test_a_raw_sql_update_is_seen_too(table, world, geo, markazi_area):
    from jahesh.projects.models import DirectService

    service = DirectService.objects.filter(county=geo["saveh"]).first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {DirectService._meta.db_table} SET delivered_on = %s WHERE id = %s",
            [datetime.date(2019, 1, 1), service.pk],
        )
    values = kpi_values(area=markazi_area, start=P1403.start, end=P1403.end)
    expected = MARKAZI_1403["services_value_rial"] - service.value_rial
    assert service.value_rial > 0 and values["services_value_rial"] == expected


def test_moving_a_unit_marks_both_counties(table, world, geo):
    unit = world["units"]["u1"]
    unit.county = geo["saveh"]
    unit.save(update_fields=["county"])
    marked = set(StalePlace.objects.values_list("county_id", flat=True))
    assert {geo["arak"].pk, geo["saveh"].pk} <= marked
    arak = kpi_values(
        area=Area(province_id=geo["markazi"].pk, county_id=geo["arak"].pk),
        start=P1403.start,
        end=P1403.end,
    )
    assert arak["units_monitored"] == ARAK_1403["units_monitored"] - 1


def test_a_resolution_marks_its_province(table, geo):
    from jahesh.clinic.models import Resolution

    resolution = Resolution.objects.filter(session__group__province=geo["markazi"]).first()
    resolution.text = resolution.text + " "
    resolution.save()
    assert (geo["markazi"].pk, 0) in set(StalePlace.objects.values_list("province_id", "county_id"))


def test_a_refresh_replaces_the_periods_of_another_day(table):
    first = set(FactPeriod.objects.values_list("start", "end"))
    facts.refresh(today=TODAY + datetime.timedelta(days=1))
    second = set(FactPeriod.objects.values_list("start", "end"))
    # A day later the five years touch six Jalali years (1399 to 1404).
    assert len(second) == 30 and first - second  # yesterday's five years are gone
    assert Fact.objects.values("period").distinct().count() == 30


def _indexes() -> dict[str, set[str]]:
    tables = [model._meta.db_table for model in (Fact, DayFact, MonthBalance)]
    with connection.cursor() as cursor:
        return {table: {name for name, c in connection.introspection.get_constraints(
                    cursor, table).items() if c["index"]} for table in tables}  # fmt: skip


def test_a_refresh_keeps_the_indexes_and_never_locks_postgresql_readers_out(table, monkeypatch):
    """PostgreSQL's readers never wait on the rewrite: inside its transaction
    the three tables keep their indexes and hold no ACCESS EXCLUSIVE lock (no
    DROP INDEX, TRUNCATE or LOCK TABLE), so a reader reads its snapshot. SQLite
    drops its secondary indexes while it writes; both end with every index."""
    # the module, not the package's function of that name
    refresh_module = importlib.import_module("jahesh.reports.facts.refresh")
    before, inside, build = _indexes(), {}, refresh_module._build_days

    def spying(*args):
        written = build(*args)
        inside["indexes"] = _indexes()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
                    " AND mode = 'AccessExclusiveLock' AND relation IN"
                    " (SELECT to_regclass(t) FROM unnest(%s::text[]) t)",
                    [list(before)],
                )
                inside["locks"] = cursor.fetchone()[0]
        return written

    monkeypatch.setattr(refresh_module, "_build_days", spying)
    facts.refresh(today=TODAY)  # the day rows as stored: none rewritten, indexes kept
    assert all(before.values()) and _indexes() == before
    if connection.vendor == "postgresql":
        assert inside == {"indexes": before, "locks": 0}
    else:
        assert inside["indexes"] == before
    DayFact.objects.all().delete()  # every day row to write: the table written again
    build_module, seen = importlib.import_module("jahesh.reports.facts.build"), []
    insert = build_module._insert

    def watched(model, *args):
        seen.append((model, _indexes()[model._meta.db_table]))
        return insert(model, *args)

    monkeypatch.setattr(build_module, "_insert", watched)
    facts.refresh(today=TODAY)
    assert _indexes() == before
    held = [indexes for model, indexes in seen if model is DayFact]
    if connection.vendor == "postgresql":
        assert held == [before[DayFact._meta.db_table]]
    else:  # dropped while the rows go in
        assert held and not held[0] & {"reports_dayfact_day_idx", "reports_dayfact_level_idx"}


def _contents(model: type[DayFact] | type[MonthBalance]) -> list[tuple]:
    columns = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    return sorted(model.objects.values_list(*columns), key=repr)


def test_a_refresh_of_current_day_rows_rewrites_only_those_that_differ(table):
    # The writer keeps the day rows current (refresh_stale), so the nightly
    # rebuild finds them as it computes them: it keeps each such row (its id)
    # and puts right only what differs, here a value changed, a row removed and
    # one no part computes, in both tables; a writer removes the digests of the
    # series it changes, as here (hand edits otherwise go unseen: a value).
    days_before, balances_before = _contents(DayFact), _contents(MonthBalance)
    ids = set(DayFact.objects.values_list("pk", flat=True))
    changed = DayFact.objects.filter(county_id__isnull=False).order_by("pk").first()
    DayFact.objects.filter(pk=changed.pk).update(value=changed.value + 7)
    removed = DayFact.objects.order_by("pk").last()
    DayFact.objects.filter(pk=removed.pk).delete()
    extra = DayFact.objects.create(part="cases_opened", day=datetime.date(2021, 1, 5),
                                   province_id=None, county_id=None, value=5)  # fmt: skip
    balance = MonthBalance.objects.exclude(part="").order_by("pk").first()
    MonthBalance.objects.filter(pk=balance.pk).update(value=balance.value - 3)
    touched = {changed.part, removed.part, extra.part, balance.part}
    digests = DayDigest.objects.count()
    DayDigest.objects.filter(part__in=touched).delete()
    facts.refresh(today=TODAY)
    assert _contents(DayFact) == days_before and _contents(MonthBalance) == balances_before
    now = set(DayFact.objects.values_list("pk", flat=True))
    assert ids - {changed.pk, removed.pk} <= now  # every other row kept
    assert changed.pk not in now and extra.pk not in now
    assert len(now - ids) == 2  # the changed and the removed rows, as computed
    assert DayDigest.objects.count() == digests  # each series' digest again


def _read_back(queries) -> list[str]:
    """The statements of ``queries`` that read the day rows back row by row."""
    tables = (DayFact._meta.db_table, MonthBalance._meta.db_table)
    return [q["sql"] for q in queries
            if q["sql"].startswith("SELECT id, ") and any(t in q["sql"] for t in tables)]  # fmt: skip


def test_a_refresh_reads_back_only_the_series_a_writer_changed(table, world, geo):
    from jahesh.projects.models import DirectService

    parts = set(DayDigest.objects.values_list("part", flat=True))
    assert {"cases_opened", "services_value_rial", ""} <= parts
    ids = set(DayFact.objects.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as nothing_changed:
        facts.refresh(today=TODAY)
    assert _read_back(nothing_changed.captured_queries) == []  # each digest as stored
    assert set(DayFact.objects.values_list("pk", flat=True)) == ids
    service = DirectService.objects.filter(county=geo["saveh"], value_rial__gt=0).first()
    service.delivered_on = datetime.date(2024, 12, 1)
    service.save()
    facts.refresh_stale()  # the services' series rewritten: their digests gone
    left = set(DayDigest.objects.values_list("part", flat=True))
    assert "services_value_rial" not in left and "cases_opened" in left
    days_before = _contents(DayFact)
    with CaptureQueriesContext(connection) as after_a_write:
        facts.refresh(today=TODAY)
    read = _read_back(after_a_write.captured_queries)
    assert read and all("WHERE part IN" in sql for sql in read)
    assert _contents(DayFact) == days_before  # the writer had them current
    assert set(DayDigest.objects.values_list("part", flat=True)) >= left | {"services_value_rial"}


def test_a_day_row_removed_or_stored_twice_is_seen_by_its_series_count(table):
    before = _contents(DayFact)
    twice = DayFact.objects.filter(county_id__isnull=False).order_by("pk").first()
    ids = set(DayFact.objects.exclude(part=twice.part).values_list("pk", flat=True))
    twice.pk = None
    twice.save()
    facts.refresh(today=TODAY)
    assert _contents(DayFact) == before
    # its series written anew, the others kept
    assert DayFact.objects.filter(part=twice.part, pk__lte=twice.pk).count() == 0
    assert set(DayFact.objects.exclude(part=twice.part).values_list("pk", flat=True)) == ids
    DayFact.objects.filter(pk=DayFact.objects.order_by("pk").last().pk).delete()
    facts.refresh(today=TODAY)
    assert _contents(DayFact) == before


def test_paused_loads_drop_the_table_and_keep_no_marks(table, world):
    from jahesh.units.models import Visit

    with facts.paused():
        Visit.objects.filter(unit=world["units"]["u2"]).delete()
        assert not StalePlace.objects.exists()
    assert not FactPeriod.objects.exists()  # figures come from the records until refresh
    assert not DayFact.objects.exists() and not facts.days_built()
    assert not DayDigest.objects.exists()


def test_ensure_current_refreshes_only_when_today_is_missing(world):
    assert facts.ensure_current(today=TODAY) is not None  # nothing stored yet
    assert facts.ensure_current(today=TODAY) is None  # today's periods are there
    assert facts.ensure_current(today=TODAY + datetime.timedelta(days=1)) is not None


def test_the_server_runs_it_periodically():
    from jahesh.core import hooks

    assert facts.ensure_current in hooks.periodic


@pytest.mark.parametrize("code", sorted(PARTS))
def test_each_part_declares_exactly_the_tables_its_selector_reads(code, geo):
    # A write marks a part stale only through the tables it declares: a selector
    # that reads an undeclared table would let the table serve a stale figure.
    part = PARTS[code]
    with CaptureQueriesContext(connection) as ctx:
        for by in (None, "province", "county" if part.place == "county" else None):
            part.values(area=Area(province_id=geo["markazi"].pk), start=P1403.start,
                        end=P1403.end, by=by)  # fmt: skip
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    read = {t for t in re.findall(r'(?:FROM|JOIN) "(\w+)"', sql) if not t.startswith("geo_")}
    declared = {apps.get_model(label)._meta.db_table for label in part.sources}
    assert read == declared
    assert part.sources <= set(facts.SOURCES)
    # Nor a column an update of which marks nothing a part reads (facts.DERIVED),
    # in its selector or its daily selector.
    with CaptureQueriesContext(connection) as ctx:
        part.daily_values(area=Area(province_id=geo["markazi"].pk))
    sql += " ".join(q["sql"] for q in ctx.captured_queries)
    for label, columns in DERIVED.items():
        model = apps.get_model(label)
        for name in columns:
            column = model._meta.get_field(name).column
            assert f'"{model._meta.db_table}"."{column}"' not in sql
            assert f'"{column}"' not in sql  # nor through an alias


def test_a_write_recomputes_only_the_parts_that_read_its_table(table, world, geo):
    from jahesh.units.models import Visit

    Visit.objects.filter(unit=world["units"]["u1"]).update(notes="seen")
    assert set(StalePlace.objects.values_list("source", flat=True)) == {"units.Visit"}
    before = dict(Fact.objects.filter(county_id=geo["arak"].pk).values_list("pk", "part"))
    facts.refresh_stale()
    after = dict(Fact.objects.filter(county_id=geo["arak"].pk).values_list("pk", "part"))
    replaced = {before[pk] for pk in set(before) - set(after)}
    assert replaced == {"units_monitored", "units_high_risk"}


def _recounts(monkeypatch) -> list[tuple[str, Area]]:
    """The parts counted from the records from now on (``facts.marks.recounts``,
    each a statement compiled once per process), with their areas."""
    from jahesh.reports.facts import marks

    counted: list[tuple[str, Area]] = []
    counting = marks.prepared_totals

    def spy(calls, **options):
        for key, _count, arguments in calls:
            area = Area(province_id=arguments["province"], county_id=arguments["county"])
            counted.append((key[1], area))
        return counting(calls, **options)

    monkeypatch.setattr(marks, "prepared_totals", spy)
    return counted


def _read_all(area: Area, period: Period) -> dict[str, int]:
    from jahesh.reports.figures import part_values

    return part_values(area=area, start=period.start, end=period.end, parts=list(PARTS.values()))


def _recount_all(area: Area, period: Period) -> dict[str, int]:
    return {code: part.total(area=area, start=period.start, end=period.end)
            for code, part in PARTS.items()}  # fmt: skip


def test_a_read_after_a_write_recounts_only_the_parts_that_read_its_table(
    table, world, geo, markazi_area, arak_area, monkeypatch
):
    from jahesh.units.models import Visit

    # u1's visits leave 1403 (and the custom period): Arak's units figures move.
    Visit.objects.filter(unit=world["units"]["u1"]).update(visited_on=datetime.date(2019, 1, 1))
    assert set(StalePlace.objects.values_list("source", flat=True)) == {"units.Visit"}
    areas = (arak_area, markazi_area, Area())
    want = {(area, period): _recount_all(area, period) for area in areas
            for period in (P1403, CUSTOM)}  # fmt: skip
    assert want[(arak_area, P1403)]["units_monitored"] == ARAK_1403["units_monitored"] - 1
    counted = _recounts(monkeypatch)
    for area in areas:
        assert _read_all(area, P1403) == want[(area, P1403)], area
        assert _flow(area, CUSTOM) == {code: want[(area, CUSTOM)][code] for code in FLOW}, area
    # Only the marked county's parts that read visits, each once per period (the
    # next readers take the count from the cache).
    assert sorted(code for code, _area in counted) == [
        "units_high_risk", "units_high_risk", "units_monitored", "units_monitored"
    ]  # fmt: skip
    assert {area.county_id for _code, area in counted} == {geo["arak"].pk}


def test_a_cached_recount_is_not_served_after_a_further_write(
    table, world, geo, markazi_area, monkeypatch
):
    from jahesh.projects.models import DirectService
    from jahesh.units.models import Visit

    visits = Visit.objects.filter(unit=world["units"]["u1"])
    visits.update(visited_on=datetime.date(2019, 1, 1))  # Arak
    service = DirectService.objects.filter(county=geo["saveh"], value_rial__gt=0).first()
    DirectService.objects.filter(pk=service.pk).update(delivered_on=datetime.date(2019, 1, 1))
    counted = _recounts(monkeypatch)
    first = _read_all(markazi_area, P1403)
    assert {(code, area.county_id) for code, area in counted} >= {
        ("units_monitored", geo["arak"].pk), ("services_value_rial", geo["saveh"].pk)
    }  # fmt: skip
    # A second reader after the same writes counts nothing again.
    counted.clear()
    assert _read_all(markazi_area, P1403) == first
    assert [code for code, area in counted if area.county_id] == []
    # A further write in Arak: its count is not served from before it (u1's visits
    # are back in 1403), while Saveh's count stays cached.
    visits.update(visited_on=datetime.date(2024, 6, 1))
    counted.clear()
    after = _read_all(markazi_area, P1403)
    monkeypatch.undo()
    assert after == _recount_all(markazi_area, P1403)
    assert after["units_monitored"] == first["units_monitored"] + 1
    assert {area.county_id for _code, area in counted if area.county_id} == {geo["arak"].pk}


def test_an_update_of_derived_columns_only_moves_the_version(table, world, geo, arak_area):
    # A visit's POST updates its unit's last visit and cached risk after writing
    # the visit and its assessment: that update changes no figure, so its mark
    # (a source no part reads) recomputes nothing, while the data version still
    # moves for the cached reads of those columns (the watch list).
    from jahesh.units.models import Unit

    unit = world["units"]["u1"]
    before = facts.data_version(arak_area)
    Unit.objects.filter(pk=unit.pk).update(risk_level="high", risk_score=99,
                                           last_visit_on=TODAY)  # fmt: skip
    assert set(StalePlace.objects.values_list("source", flat=True)) == {
        derived_source("units.Unit")
    }
    assert facts.data_version(arak_area) > before
    marks = facts.Marks(counties={geo["arak"].pk: {derived_source("units.Unit")}},
                        provinces={}, province_of={geo["arak"].pk: geo["markazi"].pk})  # fmt: skip
    assert not any(marks.places(part) for part in PARTS.values())
    assert kpi_values(area=arak_area, start=P1403.start, end=P1403.end) == ARAK_1403
    StalePlace.objects.all().delete()
    # Any other column (its name, its county) marks the unit's table itself.
    Unit.objects.filter(pk=unit.pk).update(name="renamed", risk_level="low")
    assert set(StalePlace.objects.values_list("source", flat=True)) == {"units.Unit"}


def _trigger_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {name for (name,) in cursor.fetchall() if name.startswith("jahesh_stale_")}


def test_migrations_run_without_the_triggers_and_get_them_back(db):
    # SQLite rebuilds a table to alter it; a trigger naming the table would stop
    # the rebuild, so pre_migrate drops them and post_migrate puts them back.
    from jahesh.reports.wiring import _drop_triggers, _install_triggers

    per_table = 3 if connection.vendor == "sqlite" else 1
    assert len(_trigger_names()) == len(facts.SOURCES) * per_table
    _drop_triggers(sender=None)
    assert _trigger_names() == set()
    FactPeriod.objects.create(start=TODAY, end=TODAY + datetime.timedelta(days=1),
                              computed_at=datetime.datetime(2025, 3, 21, tzinfo=datetime.UTC))  # fmt: skip
    _install_triggers(sender=None, plan=[("reports", "0002")])
    assert len(_trigger_names()) == len(facts.SOURCES) * per_table
    assert not FactPeriod.objects.exists()  # migrations ran: figures come from the records
