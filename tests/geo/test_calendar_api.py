"""The working-day calendar's routes: the due day for any signed-in user, the
closures (listed for signed-in users, added and removed by admins only) through
the API and the page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from jahesh.geo.models import Closure
from jahesh.geo.services import closure_add
from tests.conftest import MARKAZI, TEHRAN


@pytest.fixture(autouse=True)
def _weekend(settings):
    settings.JAHESH_WEEKEND = "thu,fri"


def _due(client, **params):
    return client.get("/api/v1/calendar/due", params)


def test_the_due_day_follows_the_reference_vectors(users, api_client_for):
    client = api_client_for(users["viewer"])  # any signed-in user
    assert _due(client, start="2027-03-16", days=3).json() == {"due_on": "2027-03-28"}
    # Jalali is read when the year is below 1700; the answer is ISO.
    assert _due(client, start="1404-12-26", days=5).json() == {"due_on": "2026-03-30"}
    assert _due(client, start="1405/09/04", days=10).json() == {"due_on": "2026-12-09"}
    assert _due(client, start="2026-06-22", days=3, province=MARKAZI).json() == {
        "due_on": "2026-06-28"
    }


def test_a_province_closure_moves_only_that_provinces_due_day(geo, users, api_client_for):
    closure_add(on=datetime.date(2026, 6, 27), province=geo["markazi"], reason="آلودگی هوا")
    client = api_client_for(users["hq_other"])
    assert (
        _due(client, start="2026-06-22", days=3, province=MARKAZI).json()["due_on"] == "2026-06-29"
    )
    assert (
        _due(client, start="2026-06-22", days=3, province=TEHRAN).json()["due_on"] == "2026-06-28"
    )
    assert _due(client, start="2026-06-22", days=3).json()["due_on"] == "2026-06-28"


def test_bad_input_and_anonymous(users, api_client_for):
    client = api_client_for(users["hq"])
    assert _due(client, start="2026-02-30", days=3).status_code == 422
    assert _due(client, start="2026-06-22", days=-1).status_code == 422
    assert _due(client, start="2026-06-22", days=3, province=99).status_code == 422
    assert _due(client, days=3).status_code == 422
    assert _due(api_client_for(None), start="2026-06-22", days=3).status_code == 401


def test_admins_add_list_and_remove_closures_through_the_api(geo, users, api_client_for):
    admin = api_client_for(users["admin"])
    body = {"on": "1405/04/06", "province_id": MARKAZI, "reason": "کمبود برق"}
    created = admin.post("/api/v1/calendar/closures", body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["on"] == "2026-06-27" and created.json()["province"] == "مرکزی"
    again = admin.post("/api/v1/calendar/closures", body, content_type="application/json")
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "on"
    country = {"on": "2026-07-01", "province_id": None, "reason": "عزای عمومی"}
    assert (
        admin.post(
            "/api/v1/calendar/closures", country, content_type="application/json"
        ).status_code
        == 201
    )
    # Listed for every signed-in user (they hold everyone's deadlines).
    listed = api_client_for(users["expert"]).get("/api/v1/calendar/closures").json()
    assert [(c["on"], c["province_id"]) for c in listed["items"]] == [
        ("2026-07-01", None),
        ("2026-06-27", MARKAZI),
    ]
    assert api_client_for(None).get("/api/v1/calendar/closures").status_code == 401
    # Not an admin: refused, with the reason.
    hq = api_client_for(users["hq"])
    refused = hq.post(
        "/api/v1/calendar/closures", country | {"on": "2026-07-02"}, content_type="application/json"
    )
    assert refused.status_code == 403 and "مدیر سامانه" in refused.json()["message"]
    pk = created.json()["id"]
    assert hq.delete(f"/api/v1/calendar/closures/{pk}").status_code == 403
    assert admin.delete(f"/api/v1/calendar/closures/{pk}").status_code == 204
    assert admin.delete(f"/api/v1/calendar/closures/{pk}").status_code == 404
    assert list(Closure.objects.values_list("on", flat=True)) == [datetime.date(2026, 7, 1)]


def test_the_closures_page_is_the_admins(geo, users, client_for):
    url = reverse("geo:closures")
    admin = client_for(users["admin"])
    added = admin.post(url, {"on": "1405/04/06", "province": MARKAZI, "reason": "آلودگی هوا"})
    assert added.status_code == 302
    page = admin.get(url).content.decode()
    assert "۱۴۰۵/۰۴/۰۶" in page and "آلودگی هوا" in page and "مرکزی" in page
    bad = admin.post(url, {"on": "1405/04/06", "province": MARKAZI, "reason": "دوباره"})
    assert bad.status_code == 422 and "پیش‌تر تعطیل" in bad.content.decode()
    empty = admin.post(url, {"on": "1405/04/07", "province": "", "reason": ""})
    assert empty.status_code == 422
    assert client_for(users["hq"]).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    closure = Closure.objects.get()
    remove = reverse("geo:closure_remove", args=[closure.pk])
    assert client_for(users["hq"]).post(remove).status_code == 403
    assert admin.get(remove).status_code == 405
    assert admin.post(remove).status_code == 302
    assert not Closure.objects.exists()
