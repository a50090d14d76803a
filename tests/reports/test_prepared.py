"""A marked place's recount through its statement compiled once per process
(``core.prepared.prepared_total``, ``facts.marks.recount``): the same value and
the same statement as the part's selector through the ORM, for every part,
place and period; a count whose statement could change with its arguments is
never reused (it is computed by the ORM on every call)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext

from jahesh.accounts.scoping import Area
from jahesh.core import prepared
from jahesh.reports.facts.marks import recount, recounts
from jahesh.reports.kpis import PARTS
from jahesh.units.models import Visit

D = datetime.date
PERIODS = [
    (D(2024, 3, 20), D(2025, 3, 21)),  # the world's Jalali year 1403
    (D(2024, 5, 1), D(2024, 5, 2)),  # one day
    (D(2023, 1, 1), D(2024, 8, 2)),  # across the year's start
    (D(2024, 6, 1), D(2099, 1, 1)),  # ending after today
]
# PAR30's parts come from one pass over the loans in Python (core.daily.once):
# not one aggregate, so never compiled once.
REFUSED = {"par30_at_risk", "par30_outstanding"}


@pytest.fixture
def fresh():
    """No statement compiled before the test (nor left for the next)."""
    prepared._aggregates.clear()
    yield
    prepared._aggregates.clear()


def _areas(geo) -> list[Area]:
    markazi, tehran = geo["markazi"].pk, geo["tehran"].pk
    return [
        Area(province_id=markazi, county_id=geo["arak"].pk),
        Area(province_id=markazi, county_id=geo["saveh"].pk),
        Area(province_id=tehran, county_id=geo["tehran_county"].pk),
        Area(county_id=geo["arak"].pk),  # a county without its province: its own statement
        Area(province_id=markazi),
        Area(province_id=tehran),
    ]


def _compiled(code: str) -> list[object]:
    return [v for k, v in prepared._aggregates.items() if k[2] == ("facts.recount", code)]


def test_every_parts_recount_is_its_selectors_value_and_statement(world, geo, fresh):
    checked = 0
    for code, part in PARTS.items():
        for area in _areas(geo):
            for start, end in PERIODS:
                with CaptureQueriesContext(connection) as orm:
                    expected = part.total(area=area, start=start, end=end)
                recount(part, area, start=start, end=end)  # compiles (first call of the kind)
                with CaptureQueriesContext(connection) as ours:
                    got = recount(part, area, start=start, end=end)
                assert got == expected, (code, area, start, end)
                if code not in REFUSED:  # one statement, the ORM's, with these values
                    assert [q["sql"] for q in ours] == [q["sql"] for q in orm], (code, area)
                checked += 1
        assert all(isinstance(s, str) for s in _compiled(code)) == (code in REFUSED), code
    assert checked == len(PARTS) * 6 * len(PERIODS)


def test_a_recount_after_the_first_runs_one_statement_and_compiles_nothing(world, geo, fresh):
    part, arak = PARTS["units_high_risk"], _areas(geo)[0]
    assert recount(part, arak, start=D(2024, 3, 20), end=D(2025, 3, 21)) == 1
    with CaptureQueriesContext(connection) as ours:
        assert recount(part, _areas(geo)[1], start=D(2024, 3, 20), end=D(2025, 3, 21)) == 1
        assert recount(part, arak, start=D(2024, 1, 1), end=D(2024, 3, 20)) == 0
    assert len(ours) == 2
    assert len(_compiled("units_high_risk")) == 1


def test_a_reads_recounts_are_one_statement_each_its_selectors_value(world, geo, fresh):
    start, end = PERIODS[0]
    asked = [(PARTS[code], area) for code in ("units_monitored", "units_high_risk", "par30_at_risk",
                                              "cases_opened") for area in _areas(geo)]  # fmt: skip
    want = [part.total(area=area, start=start, end=end) for part, area in asked]
    assert recounts(asked, start=start, end=end) == want  # compiles
    with CaptureQueriesContext(connection) as ours:
        assert recounts(asked, start=start, end=end) == want
    # PAR30's parts (refused: their selectors run) and one statement for all the others
    assert len([q for q in ours if q["sql"].startswith("SELECT (")]) == 1


def test_a_first_recount_logs_only_the_statements_that_reached_the_database(world, geo, fresh):
    """The compilations' runs stop before the database: a caller counting its
    queries (tests, DEBUG) sees the one statement that ran, never a stopped one
    (logged with no text on PostgreSQL)."""
    part, arak = PARTS["units_high_risk"], _areas(geo)[0]
    with CaptureQueriesContext(connection) as first:
        assert recount(part, arak, start=D(2024, 3, 20), end=D(2025, 3, 21)) == 1
    assert len(_compiled("units_high_risk")) == 1
    assert [q["sql"] is not None for q in first.captured_queries] == [True]


def _visits(start, end):
    return Visit.objects.filter(visited_on__gte=start, visited_on__lt=end)


def _area(province, county):
    return Area(province_id=province, county_id=county)


def visits_counted(*, province, county, start, end):
    return _area(province, county).totals(_visits(start, end), "unit__county", Count("id"))[None]


def visits_long_only_late(*, province, county, start, end):
    """A different statement for a period longer than two years."""
    qs = _visits(start, end)
    if end - start > datetime.timedelta(days=730):
        qs = qs.filter(visited_on__gte=end - datetime.timedelta(days=730))
    return _area(province, county).totals(qs, "unit__county", Count("id"))[None]


def visits_last_month(*, province, county, start, end):
    """A parameter derived from the period (its last 30 days)."""
    qs = _visits(max(start, end - datetime.timedelta(days=30)), end)
    return _area(province, county).totals(qs, "unit__county", Count("id"))[None]


def visits_until_today(*, province, county, start, end):
    """The period clipped to today."""
    qs = _visits(start, min(end, datetime.date.today()))
    return _area(province, county).totals(qs, "unit__county", Count("id"))[None]


def visits_plus_one(*, province, county, start, end):
    """The aggregate changed in Python after it."""
    return visits_counted(province=province, county=county, start=start, end=end) + 1


def visits_and_another_query(*, province, county, start, end):
    """Another statement beside the aggregate."""
    extra = Visit.objects.filter(visited_on__lt=start).count()
    return visits_counted(province=province, county=county, start=start, end=end) + extra


def visits_twice(*, province, county, start, end):
    """Two aggregates."""
    area = _area(province, county)
    ids = area.totals(_visits(start, end), "unit__county", Sum("id"))[None]
    return area.totals(_visits(start, end), "unit__county", Count("id"))[None] + ids


@pytest.mark.parametrize(
    "count",
    [
        visits_long_only_late,
        visits_last_month,
        visits_until_today,
        visits_plus_one,
        visits_and_another_query,
        visits_twice,
    ],
)
def test_a_count_whose_statement_may_change_is_never_reused(world, geo, fresh, count):
    markazi, arak = geo["markazi"].pk, geo["arak"].pk
    for start, end in [*PERIODS, (D(2020, 1, 1), D(2025, 3, 21))]:
        for province, county in [(markazi, arak), (markazi, geo["saveh"].pk)]:
            args = {"province": province, "county": county, "start": start, "end": end}
            assert prepared.prepared_total("test", count, **args) == count(**args)
    assert list(prepared._aggregates.values()) == [prepared._NO_SQL]


def test_a_count_of_one_shape_is_reused_with_each_calls_values(world, geo, fresh):
    markazi = geo["markazi"].pk
    seen = set()
    for start, end in [*PERIODS, (D(2020, 1, 1), D(2025, 3, 21))]:
        for county in [geo["arak"].pk, geo["saveh"].pk, geo["tehran_county"].pk, None]:
            args = {"province": markazi, "county": county, "start": start, "end": end}
            value = prepared.prepared_total("test", visits_counted, **args)
            assert value == visits_counted(**args)
            seen.add(value)
    assert len(seen) > 2  # the values differ: each call's own place and period
    statements = list(prepared._aggregates.values())
    assert len(statements) == 2 and not any(isinstance(s, str) for s in statements)


def test_a_decimal_sum_is_converted_as_the_orm_converts_it(world, geo, fresh):
    part, arak = PARTS["volunteer_hour_tenths"], _areas(geo)[0]
    for start, end in PERIODS:
        expected = part.total(area=arak, start=start, end=end)
        recount(part, arak, start=start, end=end)
        assert recount(part, arak, start=start, end=end) == expected
    assert recount(part, arak, start=D(2024, 3, 20), end=D(2025, 3, 21)) == 145  # 10.5 + 4.0 h


def visits_up_to_the_last_day(*, province, county, start, end):
    """A date moved by a fixed number of days (as "active on the period's last day")."""
    qs = Visit.objects.filter(visited_on__gte=start, visited_on__lte=end - datetime.timedelta(1))
    return _area(province, county).totals(qs, "unit__county", Count("id"))[None]


def test_a_date_moved_by_fixed_days_is_filled_with_the_calls_own(world, geo, fresh):
    markazi, arak = geo["markazi"].pk, geo["arak"].pk
    for start, end in [
        *PERIODS,
        (D(2024, 4, 10), D(2024, 4, 11)),
        (D(2024, 4, 10), D(2024, 4, 12)),
    ]:
        args = {"province": markazi, "county": arak, "start": start, "end": end}
        assert prepared.prepared_total("test", visits_up_to_the_last_day, **args) == (
            visits_up_to_the_last_day(**args)
        )
    (statement,) = prepared._aggregates.values()
    assert not isinstance(statement, str)
    assert sorted(days for _i, _name, days in statement.slots) == [-1, 0, 0]
