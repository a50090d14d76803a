"""Camps on the map (issue 17): ``GET /api/v1/map/camps`` answers the camps in the
reader's scope that have coordinates, with when they are held."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from jahesh.geo.models import Village
from jahesh.volunteers.models import Camp


def _camp(county, village_id, start, days=3, **fields):
    return Camp.objects.create(
        title=f"اردو {village_id}", purpose=Camp.Purpose.MEDICAL, county=county,
        village=Village.objects.get(pk=village_id), start_date=start,
        end_date=start + timedelta(days=days), **fields,
    )  # fmt: skip


def test_the_map_answers_the_camps_in_scope_with_when_they_are_held(api_client_for, users, geo):
    today = timezone.localdate()
    at = {"latitude": Decimal("34.5"), "longitude": Decimal("49.5")}
    past = _camp(geo["arak"], 1, date(2024, 5, 1), **at)
    now = _camp(geo["saveh"], 2, today - timedelta(days=1), **at)
    later = _camp(geo["arak"], 1, today + timedelta(days=10), **at)
    _camp(geo["arak"], 1, date(2024, 6, 1))  # no place on the map
    tehran = _camp(geo["tehran_county"], 3, date(2024, 5, 1), **at)

    answer = api_client_for(users["coordinator"]).get("/api/v1/map/camps")

    assert answer.status_code == 200 and answer["Content-Type"] == "application/geo+json"
    got = {f["id"]: f["properties"]["t"] for f in answer.json()["features"]}
    assert got == {past.pk: "p", now.pk: "o", later.pk: "u"}
    first = answer.json()["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [49.5, 34.5]}
    arak = api_client_for(users["arak"]).get("/api/v1/map/camps").json()
    assert {f["id"] for f in arak["features"]} == {past.pk, later.pk}
    other = api_client_for(users["hq_other"]).get("/api/v1/map/camps").json()
    assert [f["id"] for f in other["features"]] == [tehran.pk]
    assert api_client_for(users["fund"]).get("/api/v1/map/camps").status_code == 403
    assert api_client_for(None).get("/api/v1/map/camps").status_code == 401


def test_the_camp_form_sets_its_place_on_the_map(client_for, users, geo):
    answer = client_for(users["coordinator"]).post(
        "/volunteers/camps/new/",
        {
            "title": "اردوی نقشه", "purpose": Camp.Purpose.MEDICAL, "county": geo["arak"].pk,
            "village": 1, "start_date": "1404/02/01", "end_date": "1404/02/04",
            "latitude": "34.100001", "longitude": "49.700002",
        },
    )  # fmt: skip

    assert answer.status_code == 302, answer.content.decode()[:2000]
    camp = Camp.objects.get()
    assert (camp.latitude, camp.longitude) == (Decimal("34.100001"), Decimal("49.700002"))


def test_the_camp_page_sets_and_clears_its_place(client_for, users, geo):
    camp = _camp(geo["arak"], 1, date(2024, 5, 1))
    url = f"/volunteers/camps/{camp.pk}/location/"
    assert url in client_for(users["arak"]).get(f"/volunteers/camps/{camp.pk}/").content.decode()

    answer = client_for(users["arak"]).post(url, {"latitude": "34.3", "longitude": "49.9"})

    assert answer.status_code == 302 and answer["Location"] == f"/volunteers/camps/{camp.pk}/"
    camp.refresh_from_db()
    assert (camp.latitude, camp.longitude) == (Decimal("34.3"), Decimal("49.9"))
    assert camp.history.latest().history_change_reason == "جای روی نقشه"
    half = client_for(users["arak"]).post(url, {"latitude": "", "longitude": "49.9"})
    assert half.status_code == 422
    assert "هر دو را بنویسید یا هر دو را خالی بگذارید" in half.content.decode()
    client_for(users["arak"]).post(url, {"latitude": "", "longitude": ""})
    camp.refresh_from_db()
    assert (camp.latitude, camp.longitude) == (None, None)


def test_out_of_scope_and_anonymous_users_cannot_place_a_camp(client_for, users, geo):
    at = {"latitude": Decimal("34.5"), "longitude": Decimal("49.5")}
    camp = _camp(geo["arak"], 1, date(2024, 5, 1), **at)
    url = f"/volunteers/camps/{camp.pk}/location/"
    moved = {"latitude": "30", "longitude": "50"}

    assert client_for(users["saveh"]).post(url, moved).status_code == 404
    assert client_for(users["hq_other"]).post(url, moved).status_code == 404
    anonymous = client_for(None).post(url, moved)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    camp.refresh_from_db()
    assert (camp.latitude, camp.longitude) == (at["latitude"], at["longitude"])
