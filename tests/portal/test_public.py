from __future__ import annotations

import pytest
import time_machine

from tests.conftest import MARKAZI, TEHRAN
from tests.reports.conftest import world  # noqa: F401  (the hand-built world)


@pytest.fixture(autouse=True)
def _pinned(settings):
    # 1404/01/01: the last five Jalali years end just after the world's year 1403.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    with time_machine.travel("2025-03-21 10:00:00+03:30", tick=False):
        yield


def test_it_shows_markazis_headline_figures_without_sign_in(world, client_for):  # noqa: F811
    response = client_for(None).get("/public/")
    assert response.status_code == 200
    figures = {f["code"]: f for f in response.context["figures"]}
    assert figures["units_monitored"]["value"] == 3
    assert figures["volunteers"]["value"] == 2
    assert figures["projects_value_rial"]["text"] == "۱۷۰ میلیون تومان"
    html = response.content.decode()
    assert "کارنامهٔ قرارگاه جهش تولید استان مرکزی" in html
    assert "رضایی" not in html and "ریخته‌گری" not in html  # nothing personal, no record


def test_it_shows_only_headline_aggregates(world, client_for):  # noqa: F811
    codes = [f["code"] for f in client_for(None).get("/public/").context["figures"]]
    assert codes == [
        "units_monitored", "closures_prevented", "funds_active", "jobs_created",
        "volunteers", "projects_completed", "projects_value_rial", "services_value_rial",
    ]  # fmt: skip


def test_it_switches_province(world, client_for):  # noqa: F811
    response = client_for(None).get("/public/", {"province": TEHRAN})
    figures = {f["code"]: f["value"] for f in response.context["figures"]}
    assert figures["units_monitored"] == 1


def test_it_caches_the_figures_for_a_few_minutes(world, client_for):  # noqa: F811
    client = client_for(None)
    client.get("/public/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/public/")
    assert len(queries.captured_queries) <= 2  # the province and the province list


def test_it_answers_404_for_an_unknown_province(geo, client_for):
    assert client_for(None).get("/public/", {"province": 999}).status_code == 404
    assert client_for(None).get("/public/", {"province": "x"}).status_code == 404


def test_it_refuses_other_methods(geo, client_for):
    assert client_for(None).post("/public/").status_code == 405


def test_it_serves_the_figures_api_without_auth(world, client):  # noqa: F811
    response = client.get("/api/v1/public/figures", {"province": MARKAZI})
    assert response.status_code == 200
    body = response.json()
    assert body["province"] == {"id": MARKAZI, "name": "مرکزی"}
    assert body["period"]["from_jalali"] == "1399/01/01"
    assert body["period"]["to_jalali"] == "1404/01/01"
    values = {f["code"]: f["value"] for f in body["figures"]}
    assert (
        values["funds_active"] == 2 and values["services_value_rial"] == 420_000_005
    )  # s3 (1401) is inside five years
    assert set(body["figures"][0]) == {
        "code",
        "name",
        "definition",
        "unit",
        "value",
        "text",
        "headline",
    }


def test_it_defaults_the_api_to_markazi_and_answers_404_for_unknown(world, client):  # noqa: F811
    assert client.get("/api/v1/public/figures").json()["province"]["id"] == MARKAZI
    assert client.get("/api/v1/public/figures", {"province": 999}).status_code == 404
    assert client.get("/api/v1/public/figures", {"province": "x"}).status_code == 422
    assert client.post("/api/v1/public/figures").status_code == 405
