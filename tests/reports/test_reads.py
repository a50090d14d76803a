"""Reads never write (DESIGN §7): a signed-in GET of the dashboard, the KPI API,
the narrative report, a drill-down or the home page opens no transaction and
writes nothing, even with places marked stale, and still shows the figure a
write made; the cached figures follow every write, whichever server made it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jahesh.accounts.scoping import Area
from jahesh.reports import facts
from jahesh.reports.models import Fact, StalePlace
from jahesh.reports.periods import last_five_years
from tests.reports.oracle import Tables, recount

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|SAVEPOINT|BEGIN|CREATE|DROP)\b", re.I)
GETS = ("/", "/reports/", "/reports/report/", "/api/v1/kpis", "/reports/kpi/units_monitored/")


@pytest.fixture
def stale(world, geo):
    """The table of today's standard periods, then a write it has not stored:
    Arak's first unit loses its visits (a queryset delete, seen by the triggers)."""
    from jahesh.units.models import Visit

    facts.refresh()
    Visit.objects.filter(unit=world["units"]["u1"]).delete()
    assert StalePlace.objects.exists()
    return world


def _recounted(area: Area, code: str) -> int:
    period = last_five_years()
    return recount(Tables.load(), area=area, start=period.start, end=period.end, codes=[code])[code]


@pytest.mark.parametrize("url", GETS)
def test_it_serves_a_signed_in_get_without_a_write(url, stale, users, client_for):
    # given places marked stale, when the hq manager opens the page, then no
    # statement writes or opens a transaction (on SQLite, whose transactions all
    # take the write lock, a BEGIN would queue the reader behind every writer)
    client = client_for(users["hq"])
    marks, rows = StalePlace.objects.count(), Fact.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    written = [q["sql"] for q in ctx.captured_queries if WRITES.match(q["sql"])]
    assert written == []
    assert (StalePlace.objects.count(), Fact.objects.count()) == (marks, rows)


def test_it_shows_the_stale_place_as_the_records_stand(stale, geo, users, client_for):
    markazi = Area(province_id=geo["markazi"].pk)
    response = client_for(users["hq"]).get("/api/v1/kpis")
    # u1 lost its visits: Markazi counts the two other units it visited.
    assert response.json()["kpis"]["units_monitored"] == _recounted(markazi, "units_monitored") == 2
    assert StalePlace.objects.exists()  # computed in memory, not stored


def test_it_shows_a_new_figure_through_the_cache_after_a_write(
    cached, world, geo, users, client_for
):
    from jahesh.units.models import Visit

    facts.refresh()
    client = client_for(users["hq"])
    first = client.get("/api/v1/kpis").json()["kpis"]["units_monitored"]
    assert first == 3
    assert client.get("/reports/").context["cards"][0]["value"] == 3  # cached now
    # when another server dates a unit's visits before the five years (plain SQL:
    # this process hears nothing of it, no signal, no cache invalidation of its own)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Visit._meta.db_table} SET visited_on = %s WHERE unit_id = %s",
            [datetime.date(2015, 1, 1), world["units"]["u1"].pk],
        )
    # then the next reads, through the cache, show the new figure
    assert client.get("/api/v1/kpis").json()["kpis"]["units_monitored"] == 2
    cards = {c["kpi"].code: c["value"] for c in client.get("/reports/").context["cards"]}
    assert cards["units_monitored"] == 2


def test_the_data_version_grows_with_each_write_and_survives_the_writer(stale, world):
    from jahesh.units.models import Visit

    before = facts.data_version()
    Visit.objects.filter(unit=world["units"]["u2"]).update(notes="seen")
    after_write = facts.data_version()
    assert after_write > before
    facts.refresh_stale()  # the marks move into the count of forgotten ones
    assert not StalePlace.objects.exists()
    assert facts.data_version() == after_write
    Visit.objects.filter(unit=world["units"]["u2"]).update(notes="seen again")
    assert facts.data_version() > after_write


def test_a_write_moves_the_data_version_of_its_places_only(stale, world, geo):
    # given the marks of the fixture's write stored by the writer
    from jahesh.units.models import Visit

    facts.refresh_stale()
    arak = Area(province_id=geo["markazi"].pk, county_id=geo["arak"].pk)
    saveh = Area(province_id=geo["markazi"].pk, county_id=geo["saveh"].pk)
    areas = {
        "arak": arak,
        "arak without its province": Area(county_id=geo["arak"].pk),
        "saveh": saveh,
        "markazi": Area(province_id=geo["markazi"].pk),
        "tehran": Area(province_id=geo["tehran"].pk),
        "country": Area(),
    }
    before = {name: facts.data_version(area) for name, area in areas.items()}
    # when a visit of an Arak unit changes
    Visit.objects.filter(unit=world["units"]["u2"]).update(notes="seen")
    after = {name: facts.data_version(area) for name, area in areas.items()}
    moved = {name for name in areas if after[name] > before[name]}
    assert moved == {"arak", "arak without its province", "markazi", "country"}
    assert all(after[name] == before[name] for name in areas if name not in moved)
    # then the writer moves the marks into each place's count: nothing goes back
    facts.refresh_stale()
    assert not StalePlace.objects.exists()
    assert {name: facts.data_version(area) for name, area in areas.items()} == after
    # and a bulk load's invalidation moves every place
    facts.invalidate()
    assert all(facts.data_version(area) > after[name] for name, area in areas.items())


def test_it_shows_a_custom_period_figure_through_the_cache_after_a_write(
    cached, world, users, client_for
):
    # given a period no table holds (computed from the records), read once: cached
    from jahesh.units.models import Visit

    client = client_for(users["hq"])
    url = "/api/v1/kpis?from=2024-04-01&to=2025-01-01"
    assert client.get(url).json()["kpis"]["units_monitored"] == 3
    # when another server dates a unit's visits out of the period (plain SQL)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Visit._meta.db_table} SET visited_on = %s WHERE unit_id = %s",
            [datetime.date(2015, 1, 1), world["units"]["u1"].pk],
        )
    # then the next read through the cache shows it
    assert client.get(url).json()["kpis"]["units_monitored"] == 2


def _widget_counts(client) -> tuple[int, int, int]:
    widgets = client.get("/reports/").context["widgets"]
    return widgets.watchlist_count, widgets.overdue_count, widgets.resolutions_count


def test_it_shows_new_widget_counts_through_the_cache_after_a_write(
    cached, world, users, client_for
):
    from jahesh.clinic.models import Case, Resolution
    from jahesh.units.models import Unit

    # given Markazi's watch list (u1, u3), overdue cases (c4) and open resolutions
    # (r2, r4), read once: cached
    client = client_for(users["hq"])
    assert _widget_counts(client) == (2, 1, 2)
    # when another server puts u2 on watch, gives c4 a deadline to come and
    # reopens resolution 1, by plain SQL
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Unit._meta.db_table} SET risk_level = 'watch' WHERE id = %s",
            [world["units"]["u2"].pk],
        )
        cursor.execute(
            f"UPDATE {Case._meta.db_table} SET due_at = %s WHERE id = %s",
            [timezone.now() + datetime.timedelta(days=30), world["cases"]["c4"].pk],
        )
        cursor.execute(f"UPDATE {Resolution._meta.db_table} SET status = 'open' WHERE number = 1")
    # then the next read shows every new count
    assert _widget_counts(client) == (3, 0, 3)


def test_it_reads_the_data_version_once_per_dashboard(cached, world, users, client_for):
    # the dashboard's seven cached reads (figures, five years of trend, the
    # county table) and the widget counts share one version query
    client = client_for(users["hq"])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/reports/").status_code == 200
    versions = [q for q in ctx.captured_queries if "reports_factversion" in q["sql"]]
    assert len(versions) == 1


@pytest.mark.parametrize("who", ["hq", "admin"])
def test_it_bounds_the_cached_dashboards_queries(
    who, cached, world, users, client_for, django_assert_max_num_queries
):
    # given the figures cached by a first read, the next costs the session, the
    # user, one version query, the places, the picker and the widgets' rows (the
    # portal's satisfaction by county is kept too: reports.panels)
    client = client_for(users[who])
    assert client.get("/reports/").status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get("/reports/").status_code == 200
