from __future__ import annotations

import pytest

from tests.conftest import ARAK, MARKAZI, SAVEH, TEHRAN
from tests.reports.conftest import ARAK_1403, COUNTRY_1403, MARKAZI_1403

URL = "/api/v1/kpis"
Q1403 = {"from": "2024-03-20", "to": "2025-03-21"}


def test_it_returns_every_kpi_of_the_hq_province(world, users, api_client_for):
    response = api_client_for(users["hq"]).get(URL, {**Q1403})
    assert response.status_code == 200
    body = response.json()
    assert body["kpis"] == MARKAZI_1403
    assert body["beside"] == {"jobs_planned_unverified": 5}
    assert body["scope"] == {"kind": "province", "province": MARKAZI, "county": None}
    assert body["period"] == {
        "from": "2024-03-20", "to": "2025-03-21",
        "from_jalali": "1403/01/01", "to_jalali": "1404/01/01",
    }  # fmt: skip


def test_it_narrows_to_a_county_within_the_scope(world, users, api_client_for):
    body = api_client_for(users["hq"]).get(URL, {**Q1403, "county": ARAK}).json()
    assert body["scope"] == {"kind": "county", "province": MARKAZI, "county": ARAK}
    assert body["kpis"] == ARAK_1403


def test_it_gives_a_county_officer_their_county_when_asking_for_more(world, users, api_client_for):
    client = api_client_for(users["arak"])
    for params in ({}, {"province": MARKAZI}, {"province": TEHRAN}, {"county": SAVEH}):
        body = client.get(URL, {**Q1403, **params}).json()
        assert body["scope"] == {"kind": "county", "province": MARKAZI, "county": ARAK}
        assert body["kpis"] == ARAK_1403


def test_it_gives_an_hq_of_another_province_their_own(world, users, api_client_for):
    body = api_client_for(users["hq_other"]).get(URL, {**Q1403, "province": MARKAZI}).json()
    assert body["scope"]["province"] == TEHRAN
    assert body["kpis"]["units_monitored"] == 1  # Tehran's one unit, never Markazi's 3


def test_it_gives_the_admin_the_country(world, users, api_client_for):
    body = api_client_for(users["admin"]).get(URL, Q1403).json()
    assert body["scope"] == {"kind": "country", "province": None, "county": None}
    assert body["kpis"] == COUNTRY_1403


def test_it_gives_a_viewer_the_figures(world, users, api_client_for):
    body = api_client_for(users["viewer"]).get(URL, Q1403).json()
    assert body["kpis"] == MARKAZI_1403


@pytest.mark.parametrize("who", ["expert", "fund"])
def test_it_answers_404_to_roles_without_an_area(world, users, api_client_for, who):
    response = api_client_for(users[who]).get(URL, Q1403)
    assert response.status_code == 404
    assert response.json()["message"] == "یافت نشد."


def test_it_answers_401_to_anonymous_callers(world, api_client_for):
    response = api_client_for(None).get(URL, Q1403)
    assert response.status_code == 401


def test_it_refuses_other_methods(users, api_client_for):
    assert api_client_for(users["hq"]).post(URL, Q1403).status_code == 405


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2024-13-01", "to": "2025-01-01"}, "from"),
        ({"from": "2024-03-20", "to": "tomorrow"}, "to"),
        ({"from": "2024-03-20"}, "to"),
        ({"from": "2025-03-20", "to": "2024-03-20"}, "to"),
        ({"from": "2025-03-20", "to": "2025-03-20"}, "to"),
    ],
)
def test_it_refuses_bad_dates_in_persian(users, api_client_for, params, field):
    response = api_client_for(users["hq"]).get(URL, params)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == field
    assert any("\u0600" <= ch <= "\u06ff" for ch in body["message"])


def test_it_accepts_jalali_dates_too(world, users, api_client_for):
    body = api_client_for(users["hq"]).get(URL, {"from": "1403/01/01", "to": "1404/01/01"}).json()
    assert body["kpis"] == MARKAZI_1403


def test_it_defaults_to_the_last_five_jalali_years(users, api_client_for):
    import time_machine

    with time_machine.travel("2026-11-27 10:00:00+03:30", tick=False):
        body = api_client_for(users["hq"]).get(URL).json()
    assert body["period"]["from_jalali"] == "1400/09/06"
    assert body["period"]["to_jalali"] == "1405/09/06"


def test_it_answers_404_for_an_unknown_place(users, api_client_for):
    client = api_client_for(users["admin"])
    assert client.get(URL, {**Q1403, "province": 999}).status_code == 404
    assert client.get(URL, {**Q1403, "county": 999999}).status_code == 404
    assert client.get(URL, {**Q1403, "county": "abc"}).status_code == 422


def test_a_kept_answer_is_served_only_within_its_scope_and_until_a_write(
    cached, world, users, api_client_for
):
    # given the hq manager's answer, kept as its JSON text
    from django.db import connection

    from jahesh.units.models import Visit

    hq = api_client_for(users["hq"])
    first = hq.get(URL, Q1403)
    kept = hq.get(URL, Q1403)
    assert kept.content == first.content
    assert kept["Content-Type"] == "application/json; charset=utf-8"
    assert kept.json()["kpis"] == MARKAZI_1403
    # the same URL read by others gets each their own scope's answer
    arak = api_client_for(users["arak"]).get(URL, Q1403).json()
    assert (arak["scope"]["county"], arak["kpis"]) == (ARAK, ARAK_1403)
    tehran = api_client_for(users["hq_other"]).get(URL, Q1403).json()
    assert tehran["scope"]["province"] == TEHRAN and tehran["kpis"]["units_monitored"] == 1
    assert api_client_for(users["admin"]).get(URL, Q1403).json()["kpis"] == COUNTRY_1403
    assert api_client_for(None).get(URL, Q1403).status_code == 401
    # when another server dates an Arak unit's visits out of the period (plain SQL)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Visit._meta.db_table} SET visited_on = '2015-01-01' WHERE unit_id = %s",
            [world["units"]["u1"].pk],
        )
    # then the next read shows the write, for the province and the county
    assert hq.get(URL, Q1403).json()["kpis"]["units_monitored"] == 2
    assert api_client_for(users["arak"]).get(URL, Q1403).json()["kpis"]["units_monitored"] == 1
    # and Tehran's kept answer is Tehran's still
    assert api_client_for(users["hq_other"]).get(URL, Q1403).json() == tehran
