"""The geography API: sign-in required, list shape, filters, 404s."""

from __future__ import annotations

import pytest

from jahesh.geo.models import Village
from tests.conftest import ARAK, MARKAZI

BASE = "/api/v1/geo"


@pytest.mark.parametrize("path", ["provinces", "counties", "cities", "villages"])
def test_it_answers_401_to_an_anonymous_client(api_client_for, geo, path):
    response = api_client_for(None).get(f"{BASE}/{path}")
    assert response.status_code == 401
    assert response.json()["message"]


@pytest.mark.parametrize("who", ["arak", "hq_other", "expert", "viewer"])
def test_it_lists_provinces_for_every_signed_in_role(api_client_for, users, who):
    body = api_client_for(users[who]).get(f"{BASE}/provinces").json()

    assert body["count"] == 2
    assert sorted(body["items"], key=lambda p: p["id"]) == [
        {"id": 8, "name": "تهران", "code": "23"},
        {"id": 28, "name": "مرکزی", "code": "0"},
    ]


def test_it_lists_the_counties_of_a_province(api_client_for, users):
    body = api_client_for(users["arak"]).get(f"{BASE}/counties?province={MARKAZI}").json()

    assert body["count"] == 2
    assert [c["name"] for c in body["items"]] == ["اراک", "ساوه"]
    assert body["items"][0]["province_id"] == MARKAZI


def test_it_answers_404_in_persian_for_a_province_that_does_not_exist(api_client_for, users):
    response = api_client_for(users["hq"]).get(f"{BASE}/counties?province=9999")

    assert response.status_code == 404
    assert response.json()["message"] == "استانی با شناسهٔ 9999 وجود ندارد."


def test_it_answers_422_for_a_malformed_id(api_client_for, users):
    response = api_client_for(users["hq"]).get(f"{BASE}/counties?province=abc")
    assert response.status_code == 422


def test_it_lists_the_cities_of_a_county(api_client_for, users):
    client = api_client_for(users["hq"])
    body = client.get(f"{BASE}/cities?county={ARAK}").json()

    assert body["count"] == 1 and body["items"][0]["name"] == "شهر اراک"
    assert client.get(f"{BASE}/cities?county=9999").status_code == 404


def test_it_searches_villages_in_any_spelling_and_filters_deprived(api_client_for, users, geo):
    Village.objects.create(
        id=10, name="كهك", name_key="کهک", province=geo["markazi"], county=geo["arak"], code="2801"
    )
    client = api_client_for(users["hq"])

    found = client.get(f"{BASE}/villages?county={ARAK}&q=كهك").json()
    assert [v["id"] for v in found["items"]] == [10]
    by_code = client.get(f"{BASE}/villages?q=۲۸۰").json()
    assert [v["id"] for v in by_code["items"]] == [10]
    deprived = client.get(f"{BASE}/villages?deprived=true").json()
    assert [(v["id"], v["is_deprived"]) for v in deprived["items"]] == [(1, True)]


def test_it_pages_villages_with_the_total_count(api_client_for, users):
    client = api_client_for(users["hq"])

    page = client.get(f"{BASE}/villages?limit=2&offset=1").json()
    assert page["count"] == 3 and len(page["items"]) == 2
    assert set(page["items"][0]) >= {"id", "name", "code", "county_id", "rural_district_id"}
    assert client.get(f"{BASE}/villages?limit=201").status_code == 422
    assert client.get(f"{BASE}/villages?county=9999").status_code == 404


def test_it_refuses_other_methods(api_client_for, users):
    assert api_client_for(users["hq"]).post(f"{BASE}/provinces").status_code == 405
