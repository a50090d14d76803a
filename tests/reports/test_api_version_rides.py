"""A kept KPI answer's data version rides on the reader's token or session
read (``reports.api``, ``core.prepared.riding``): one statement for the whole
request once the reader has asked for the same place, the version still read
on every request, the token still checked, the area still computed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jahesh.accounts.models import User
from jahesh.reports import api as kpi_api
from jahesh.units.models import Visit
from tests.conftest import ARAK, MARKAZI, TEHRAN
from tests.reports.conftest import ARAK_1403, COUNTRY_1403, MARKAZI_1403

URL = "/api/v1/kpis"
Q1403 = {"from": "2024-03-20", "to": "2025-03-21"}


@pytest.fixture(autouse=True)
def _no_guesses():
    kpi_api._areas.clear()
    yield
    kpi_api._areas.clear()


def _read(client, params=Q1403):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    return response, [q["sql"] for q in ctx.captured_queries]


@pytest.fixture(params=["token", "session"])
def reader(request, api_client_for, client_for):
    """A client of ``user`` by API token or by the browser's session."""
    return api_client_for if request.param == "token" else client_for


def test_a_kept_answer_takes_one_statement(cached, world, users, reader):
    client = reader(users["hq"])
    first, _ = _read(client)
    second, _ = _read(client)  # the area is known now
    third, sqls = _read(client)
    assert first.content == second.content == third.content
    assert third.json()["kpis"] == MARKAZI_1403
    (only,) = sqls  # the token or session, the version of Markazi beside it
    assert "reports_staleplace" in only and (
        "accounts_apitoken" in only or "django_session" in only
    )


def test_a_write_shows_on_the_next_read(cached, world, users, reader):
    client = reader(users["hq"])
    for _ in range(2):
        assert client.get(URL, Q1403).json()["kpis"] == MARKAZI_1403
    with connection.cursor() as cursor:  # another server dates an Arak unit's visits away
        cursor.execute(
            f"UPDATE {Visit._meta.db_table} SET visited_on = '2015-01-01' WHERE unit_id = %s",
            [world["units"]["u1"].pk],
        )
    assert client.get(URL, Q1403).json()["kpis"]["units_monitored"] == 2


def test_a_reader_moved_elsewhere_gets_their_new_area(cached, world, users, reader):
    client = reader(users["hq"])
    for _ in range(2):
        assert client.get(URL, Q1403).json()["scope"]["province"] == MARKAZI
    User.objects.filter(pk=users["hq"].pk).update(province=TEHRAN)
    # the guess (Markazi) rode along, the area is Tehran's: its version is read on its own
    moved, sqls = _read(client)
    body = moved.json()
    assert body["scope"] == {"kind": "province", "province": TEHRAN, "county": None}
    assert body["kpis"]["units_monitored"] == 1
    assert "reports_staleplace" in sqls[0]  # Markazi's, rode along, not used
    assert len([s for s in sqls if s.startswith("SELECT (SELECT COUNT(*) FROM")]) == 1  # Tehran's
    again, sqls = _read(client)
    assert again.json() == body and len(sqls) == 1


def test_scope_in_out_and_anonymous(cached, world, users, reader):
    for _ in range(3):
        # in scope: a county of the province; out of scope: Tehran asked, Markazi answered
        hq = reader(users["hq"])
        arak = hq.get(URL, {**Q1403, "county": ARAK}).json()
        assert (arak["scope"]["county"], arak["kpis"]) == (ARAK, ARAK_1403)
        assert hq.get(URL, {**Q1403, "province": TEHRAN}).json()["kpis"] == MARKAZI_1403
        officer = reader(users["arak"]).get(URL, {**Q1403, "province": MARKAZI}).json()
        assert (officer["scope"]["county"], officer["kpis"]) == (ARAK, ARAK_1403)
        assert reader(users["admin"]).get(URL, Q1403).json()["kpis"] == COUNTRY_1403
        assert reader(users["expert"]).get(URL, Q1403).status_code == 404
        assert reader(None).get(URL, Q1403).status_code == 401


def test_without_kept_answers_nothing_rides(world, users, reader, settings):
    settings.JAHESH_DASHBOARD_CACHE_SECONDS = 0
    client = reader(users["hq"])
    for _ in range(2):
        response, sqls = _read(client)
        assert response.json()["kpis"] == MARKAZI_1403
    # the token or session read carries no version, and no version is read on its own
    assert "reports_staleplace" not in sqls[0]
    assert not [s for s in sqls if s.startswith("SELECT (SELECT COUNT(*) FROM")]
