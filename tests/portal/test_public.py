"""The public figures page and API serve the latest published snapshot of a
province (figures approved county by county, then by the manager), with when
it was published and a provenance card; nothing before a publication."""

from __future__ import annotations

import pytest
import time_machine

from jahesh.portal import publishing
from tests.conftest import MARKAZI, TEHRAN
from tests.reports.conftest import (
    MARKAZI_1403,
    world,  # noqa: F401  (the hand-built world)
)


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()
    with time_machine.travel("2025-04-21 10:00:00+03:30", tick=False):
        yield


@pytest.fixture
def published(world, users, geo):  # noqa: F811
    """Markazi's 1403 figures: Arak and Saveh submitted, approved, published."""
    for county in ("arak", "saveh"):
        publishing.county_figures_submit(user=users[county], county=geo[county], year=1403,
                                         quarter=0)  # fmt: skip
    release = publishing.release_for(province=geo["markazi"], year=1403, quarter=0)
    publishing.release_approve(user=users["hq"], release=release)
    return publishing.release_publish(user=users["hq"], release=release)


def test_it_shows_nothing_before_a_publication(world, client_for):  # noqa: F811
    response = client_for(None).get("/public/")
    assert response.status_code == 200 and response.context["figures"] == []
    assert "هنوز رقمی برای این استان منتشر نشده است" in response.content.decode()
    body = client_for(None).get("/api/v1/public/figures").json()
    assert body["figures"] == [] and body["published_at"] is None


def test_it_shows_markazis_published_figures_without_sign_in(published, client_for):
    response = client_for(None).get("/public/")
    figures = {f["code"]: f for f in response.context["figures"]}
    assert figures["units_monitored"]["value"] == MARKAZI_1403["units_monitored"]
    assert figures["volunteers"]["value"] == MARKAZI_1403["volunteers"]
    assert figures["projects_value_rial"]["text"] == "۱۷۰ میلیون تومان"
    html = response.content.decode()
    assert "کارنامهٔ قرارگاه جهش تولید استان مرکزی" in html
    assert published.sha256 in html  # the provenance card
    assert "رضایی" not in html and "ریخته‌گری" not in html  # nothing personal, no record


def test_it_shows_only_headline_aggregates(published, client_for):
    codes = [f["code"] for f in client_for(None).get("/public/").context["figures"]]
    assert codes == [
        "units_monitored", "closures_prevented", "funds_active", "jobs_created",
        "volunteers", "projects_completed", "projects_value_rial", "services_value_rial",
    ]  # fmt: skip


def test_another_province_has_its_own_publications(published, client_for):
    response = client_for(None).get("/public/", {"province": TEHRAN})
    assert response.context["figures"] == []


def test_it_answers_404_for_an_unknown_province(geo, client_for):
    assert client_for(None).get("/public/", {"province": 999}).status_code == 404
    assert client_for(None).get("/public/", {"province": "x"}).status_code == 404


def test_it_refuses_other_methods(geo, client_for):
    assert client_for(None).post("/public/").status_code == 405


def test_it_serves_the_figures_api_without_auth(published, client):
    body = client.get("/api/v1/public/figures", {"province": MARKAZI}).json()
    assert body["province"] == {"id": MARKAZI, "name": "مرکزی"}
    assert body["period"]["from_jalali"] == "1403/01/01"
    assert body["period"]["year"] == "1403" and body["period"]["quarter"] == "0"
    assert body["published_at"] == published.published_at.isoformat()
    assert body["sha256"] == published.sha256
    values = {f["code"]: f["value"] for f in body["figures"]}
    assert values["funds_active"] == MARKAZI_1403["funds_active"]
    assert values["services_value_rial"] == MARKAZI_1403["services_value_rial"]
    assert set(body["figures"][0]) == {
        "code", "name", "definition", "unit", "value", "text", "headline",
    }  # fmt: skip


def test_it_defaults_the_api_to_markazi_and_answers_404_for_unknown(world, client):  # noqa: F811
    assert client.get("/api/v1/public/figures").json()["province"]["id"] == MARKAZI
    assert client.get("/api/v1/public/figures", {"province": 999}).status_code == 404
    assert client.get("/api/v1/public/figures", {"province": "x"}).status_code == 422
    assert client.post("/api/v1/public/figures").status_code == 405


def test_it_publishes_open_data_without_personal_data(published, client):
    rows = client.get("/public/open-data/figures.json").json()["items"]
    by_code = {r["code"]: r for r in rows}
    assert by_code["volunteers"]["value"] == MARKAZI_1403["volunteers"]
    assert by_code["volunteers"]["sha256"] == published.sha256
    csv_text = client.get("/public/open-data/figures.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("province_id,province,year,quarter")
    assert len(csv_text.splitlines()) == len(rows) + 1
    for private in ("رضایی", "ریخته‌گری", "09"):
        assert private not in csv_text
    assert client.get("/public/open-data/figures.xml").status_code == 404
