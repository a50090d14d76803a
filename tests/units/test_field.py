"""The field app's server side (issue 17): visits with the phone's position and an
Idempotency-Key, photos reduced and stored with their hash and served in scope,
the visit plan's due rule, the map's GeoJSON, and the pages of each."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.templatetags.static import static
from PIL import Image

from jahesh.units import selectors, views
from jahesh.units.distance import haversine_m
from jahesh.units.models import RiskLevel, Unit, Visit, VisitPhoto
from tests.units.conftest import TODAY

# Arak's bazaar and a point about 1.1 km north-east of it.
ARAK = (Decimal("34.091800"), Decimal("49.689700"))
NEAR = {"latitude": "34.091900", "longitude": "49.689800", "accuracy_m": 12}
FAR = {"latitude": "34.099000", "longitude": "49.697700", "accuracy_m": 20}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def unit(make_unit, geo):
    return make_unit(name="کارخانهٔ نمونه", county=geo["arak"], latitude=ARAK[0], longitude=ARAK[1])


def _post_visit(client, unit_id, key=None, **fields):
    payload = {"visited_on": TODAY.isoformat(), **fields}
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        f"/api/v1/units/{unit_id}/visits", json.dumps(payload), content_type="application/json",
        headers=headers,
    )  # fmt: skip


def _jpeg(width=3000, height=2000, exif=True) -> io.BytesIO:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    out = io.BytesIO()
    info = Image.Exif()
    if exif:
        info[0x010F] = "PhoneMaker"  # Make
        info[0x0131] = "secret-serial"  # Software
    image.save(out, format="JPEG", exif=info.tobytes())
    out.seek(0)
    out.name = "photo.jpg"
    return out


# --- Visits with a position and a key -------------------------------------------------


def test_it_answers_the_same_visit_with_200_when_the_key_is_sent_again(api_client_for, users, unit):
    client = api_client_for(users["arak"])

    first = _post_visit(client, unit.pk, key="key-0001-abcdef", **NEAR)
    again = _post_visit(client, unit.pk, key="key-0001-abcdef", **NEAR)

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Visit.objects.filter(unit=unit).count() == 1
    # Another officer's same key is another visit (the key is unique per user).
    other = api_client_for(users["hq"])
    assert _post_visit(other, unit.pk, key="key-0001-abcdef").status_code == 201
    assert Visit.objects.filter(unit=unit).count() == 2


def test_it_keeps_the_distance_and_flags_a_visit_far_from_the_unit(api_client_for, users, unit):
    client = api_client_for(users["arak"])

    near = _post_visit(client, unit.pk, key="near-visit-1", **NEAR).json()
    far = _post_visit(client, unit.pk, key="far-visit-01", **FAR).json()

    expected = haversine_m(ARAK[0], ARAK[1], Decimal(FAR["latitude"]), Decimal(FAR["longitude"]))
    assert near["distance_m"] == round(
        haversine_m(ARAK[0], ARAK[1], Decimal(NEAR["latitude"]), Decimal(NEAR["longitude"]))
    )
    assert near["far_from_unit"] is False
    assert far["distance_m"] == round(expected) and far["distance_m"] > 500
    assert far["far_from_unit"] is True
    assert far["accuracy_m"] == 20
    assert Visit.objects.get(pk=far["id"]).latitude == Decimal(FAR["latitude"])


def test_the_far_threshold_is_a_setting(api_client_for, users, unit, settings):
    settings.JAHESH_VISIT_FAR_M = 5000
    body = _post_visit(api_client_for(users["arak"]), unit.pk, key="far-visit-02", **FAR).json()
    assert body["far_from_unit"] is False


def test_a_unit_without_coordinates_takes_them_only_when_the_officer_confirms(
    api_client_for, users, make_unit
):
    bare = make_unit(name="بی‌مختصات")
    client = api_client_for(users["arak"])

    plain = _post_visit(client, bare.pk, key="no-take-0001", **NEAR).json()
    bare.refresh_from_db()
    assert plain["distance_m"] is None and bare.latitude is None

    taken = _post_visit(client, bare.pk, key="do-take-0001", set_unit_coordinates=True, **NEAR)
    bare.refresh_from_db()
    assert taken.status_code == 201
    assert (bare.latitude, bare.longitude) == (
        Decimal(NEAR["latitude"]),
        Decimal(NEAR["longitude"]),
    )
    assert taken.json()["distance_m"] == 0


def test_a_unit_changed_since_the_phone_read_it_is_a_conflict_until_sent_anyway(
    api_client_for, users, unit
):
    client = api_client_for(users["arak"])
    seen = client.get("/api/v1/units/field").json()["items"][0]["updated_at"]
    # The unit is edited at the office after the phone read it.
    hq = api_client_for(users["hq"])
    with __import__("time_machine").travel("2025-11-27 11:00:00+03:30", tick=False):
        hq.patch(
            f"/api/v1/units/{unit.pk}", {"address": "نشانی تازه"}, content_type="application/json"
        )

    refused = _post_visit(client, unit.pk, key="conflict-001", unit_seen_at=seen)
    assert refused.status_code == 409
    assert "تغییر کرده" in refused.json()["message"]
    assert not Visit.objects.filter(unit=unit).exists()
    # Sent anyway (without the stamp): recorded once.
    assert _post_visit(client, unit.pk, key="conflict-001").status_code == 201


def test_it_refuses_a_bad_key_a_lone_latitude_and_an_out_of_scope_unit(
    api_client_for, users, unit, make_unit, geo
):
    client = api_client_for(users["arak"])
    bad_key = _post_visit(client, unit.pk, key="bad key!")
    assert bad_key.status_code == 422
    assert bad_key.json()["errors"][0]["field"] == "Idempotency-Key"
    lone = _post_visit(client, unit.pk, latitude="34.1")
    assert lone.status_code == 422 and lone.json()["errors"][0]["field"] == "longitude"
    saveh = make_unit(county=geo["saveh"])
    assert _post_visit(client, saveh.pk, key="saveh-unit-01").status_code == 404
    assert _post_visit(api_client_for(None), unit.pk, key="anon-unit-001").status_code == 401


# --- Photos -------------------------------------------------------------------------------


def _visit(api_client_for, users, unit) -> int:
    return _post_visit(api_client_for(users["arak"]), unit.pk, key="photo-visit-1", **NEAR).json()[
        "id"
    ]


def test_it_reduces_a_photo_strips_its_metadata_and_recognises_it_when_resent(
    api_client_for, users, unit
):
    visit_id = _visit(api_client_for, users, unit)
    client = api_client_for(users["arak"])

    first = client.post(f"/api/v1/visits/{visit_id}/photos", {"file": _jpeg()})
    again = client.post(f"/api/v1/visits/{visit_id}/photos", {"file": _jpeg()})

    assert first.status_code == 201 and again.status_code == 200
    body = first.json()
    assert again.json()["id"] == body["id"]
    assert (body["width"], body["height"]) == (1600, 1067)
    photo = VisitPhoto.objects.get(pk=body["id"])
    data = photo.image.read()
    import hashlib

    assert hashlib.sha256(data).hexdigest() == body["sha256"] == photo.sha256
    stored = Image.open(io.BytesIO(data))
    assert stored.format == "JPEG" and not stored.getexif()
    detail = client.get(f"/api/v1/visits/{visit_id}").json()
    assert [p["id"] for p in detail["photos"]] == [body["id"]]
    assert detail["distance_m"] is not None


def test_it_refuses_a_file_that_is_not_an_image_whatever_its_name(api_client_for, users, unit):
    visit_id = _visit(api_client_for, users, unit)
    fake = io.BytesIO(b"%PDF-1.4 not a photo")
    fake.name = "photo.jpg"

    response = api_client_for(users["arak"]).post(
        f"/api/v1/visits/{visit_id}/photos", {"file": fake}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    assert not VisitPhoto.objects.exists()


def test_photos_and_visits_are_served_only_in_scope(api_client_for, client_for, users, unit):
    visit_id = _visit(api_client_for, users, unit)
    photo_id = (
        api_client_for(users["arak"])
        .post(f"/api/v1/visits/{visit_id}/photos", {"file": _jpeg(400, 300)})
        .json()["id"]
    )
    url = f"/units/photos/{photo_id}/"

    ok = client_for(users["arak"]).get(url)
    assert ok.status_code == 200 and ok["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(ok.streaming_content))).size == (400, 300)
    assert client_for(users["saveh"]).get(url).status_code == 404
    assert client_for(users["viewer"]).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    assert api_client_for(users["saveh"]).get(f"/api/v1/visits/{visit_id}").status_code == 404
    assert api_client_for(None).get(f"/api/v1/visits/{visit_id}").status_code == 401
    saveh_post = api_client_for(users["saveh"]).post(
        f"/api/v1/visits/{visit_id}/photos", {"file": _jpeg(40, 30)}
    )
    assert saveh_post.status_code == 404


# --- The visit plan ----------------------------------------------------------------------------


def _set(unit, level, last):
    Unit.objects.filter(pk=unit.pk).update(risk_level=level, last_visit_on=last)


def test_visits_due_follows_the_risk_level_and_the_settings(users, make_unit, geo, settings):
    on = TODAY
    high_due = make_unit(name="پرخطر سررسید")
    high_ok = make_unit(name="پرخطر تازه")
    watch_due = make_unit(name="زیر نظر سررسید")
    low_ok = make_unit(name="کم‌خطر تازه")
    never = make_unit(name="هرگز")
    closed = make_unit(name="تعطیل", status="closed")
    saveh = make_unit(name="ساوه", county=geo["saveh"])
    _set(high_due, RiskLevel.HIGH, on - timedelta(days=30))
    _set(high_ok, RiskLevel.HIGH, on - timedelta(days=29))
    _set(watch_due, RiskLevel.WATCH, on - timedelta(days=91))
    _set(low_ok, RiskLevel.LOW, on - timedelta(days=200))
    _set(saveh, RiskLevel.HIGH, on - timedelta(days=60))
    _set(closed, RiskLevel.HIGH, on - timedelta(days=60))

    due = set(selectors.visits_due(user=users["arak"], on=on).values_list("name", flat=True))

    assert due == {high_due.name, watch_due.name, never.name}
    settings.JAHESH_VISIT_EVERY_LOW_DAYS = 180
    due = set(selectors.visits_due(user=users["arak"], on=on).values_list("name", flat=True))
    assert low_ok.name in due
    assert saveh.name in set(
        selectors.visits_due(user=users["hq"], on=on).values_list("name", flat=True)
    )


def test_hq_sees_overdue_counts_per_county(users, make_unit, geo, client_for):
    a = make_unit(name="الف")
    b = make_unit(name="ب", county=geo["saveh"])
    c = make_unit(name="ج", county=geo["saveh"])
    _set(a, RiskLevel.HIGH, TODAY - timedelta(days=10))  # due in 20 days: neither
    _set(b, RiskLevel.HIGH, TODAY - timedelta(days=40))  # overdue
    _set(c, RiskLevel.HIGH, TODAY - timedelta(days=27))  # due in 3 days: this week

    rows = selectors.visits_overdue_by_county(user=users["hq"], today=TODAY)

    assert rows == [{"county_id": geo["saveh"].pk, "county": "ساوه", "overdue": 1, "week": 2}]
    page = client_for(users["hq"]).get("/units/plan/")
    assert page.status_code == 200
    assert "ساوه" in page.content.decode()
    assert client_for(users["arak"]).get("/units/plan/").status_code == 200
    assert "ساوه" not in client_for(users["arak"]).get("/units/plan/").content.decode()
    assert client_for(users["viewer"]).get("/units/plan/").status_code == 403
    assert client_for(None).get("/units/plan/").status_code == 302


def test_the_field_list_holds_the_weeks_units_with_risk_reasons(
    api_client_for, users, unit, make_unit, geo, make_visit
):
    make_visit(unit, visited_on=TODAY - timedelta(days=400), unpaid_wage_months=6)
    make_unit(name="ساوه", county=geo["saveh"])

    body = api_client_for(users["arak"]).get("/api/v1/units/field").json()

    assert [u["name"] for u in body["items"]] == [unit.name]
    item = body["items"][0]
    assert item["overdue"] is True
    assert item["last_visit_on"] == (TODAY - timedelta(days=400)).isoformat()
    assert item["risk_reasons"] and all(item["risk_reasons"])
    assert body["far_m"] == 500
    assert api_client_for(None).get("/api/v1/units/field").status_code == 401
    assert api_client_for(users["viewer"]).get("/api/v1/units/field").status_code == 403


# --- The map -------------------------------------------------------------------------------------


def test_the_map_answers_compact_geojson_of_the_units_in_scope(
    api_client_for, users, unit, make_unit, geo
):
    make_unit(name="بی‌مختصات")
    saveh = make_unit(name="ساوه", county=geo["saveh"], latitude="35.02", longitude="50.35")
    Unit.objects.filter(pk=unit.pk).update(risk_level=RiskLevel.HIGH)

    arak = api_client_for(users["arak"]).get("/api/v1/map/units")
    hq = api_client_for(users["hq"]).get("/api/v1/map/units", {"risk_level": "high"})

    assert arak.status_code == 200 and arak["Content-Type"] == "application/geo+json"
    body = arak.json()
    assert body["type"] == "FeatureCollection"
    assert body["features"] == [
        {
            "type": "Feature", "id": unit.pk,
            "geometry": {"type": "Point", "coordinates": [49.6897, 34.0918]},
            "properties": {"r": "h"},
        }
    ]  # fmt: skip
    assert [f["id"] for f in hq.json()["features"]] == [unit.pk]
    county = api_client_for(users["hq"]).get("/api/v1/map/units", {"county_id": geo["saveh"].pk})
    assert [f["id"] for f in county.json()["features"]] == [saveh.pk]
    assert api_client_for(users["hq_other"]).get("/api/v1/map/units").json()["features"] == []
    assert api_client_for(None).get("/api/v1/map/units").status_code == 401
    assert api_client_for(users["viewer"]).get("/api/v1/map/units").status_code == 403


# --- Pages ----------------------------------------------------------------------------------------


def test_the_field_app_and_map_pages(client_for, users, settings):
    settings.JAHESH_MAP_TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    app = client_for(users["arak"]).get("/units/field/")
    assert app.status_code == 200
    html = app.content.decode()
    assert 'rel="manifest"' in html and "units/js/field.js" in html
    assert client_for(users["viewer"]).get("/units/field/").status_code == 403
    assert client_for(None).get("/units/field/").status_code == 302

    manifest = client_for(None).get("/units/field/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert json.loads(manifest.content)["start_url"] == "/units/field/"
    worker = client_for(None).get("/units/field/sw.js")
    assert worker["Content-Type"] == "text/javascript"
    assert "/static/units/js/field.js" in worker.content.decode()

    page = client_for(users["arak"]).get(
        "/units/map/", {"risk_level": "high", "sector": "industry"}
    )
    assert page.status_code == 200
    assert (
        'data-src="/api/v1/map/units?sector=industry&amp;risk_level=high"' in page.content.decode()
    )
    assert (
        "img-src 'self' data: https://*.tile.openstreetmap.org" in page["Content-Security-Policy"]
    )
    assert client_for(users["viewer"]).get("/units/map/").status_code == 403
    assert client_for(None).get("/units/map/").status_code == 302


def test_the_unit_page_shows_a_visits_distance_and_flag(api_client_for, client_for, users, unit):
    _post_visit(api_client_for(users["arak"]), unit.pk, key="page-far-001", **FAR)

    html = client_for(users["arak"]).get(f"/units/{unit.pk}/").content.decode()

    assert "jh-visit-distance" in html
    assert '<span class="badge text-bg-warning">دور از واحد</span>' in html


def test_the_map_is_sent_gzipped_to_a_client_that_accepts_it(api_client_for, users, make_unit):
    for i in range(30):
        make_unit(latitude=Decimal("34.1") + Decimal(i) / 100, longitude=Decimal("49.7"))
    client = api_client_for(users["arak"])

    plain = client.get("/api/v1/map/units")
    zipped = client.get("/api/v1/map/units", headers={"Accept-Encoding": "gzip, br"})

    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    import gzip

    assert gzip.decompress(zipped.content) == plain.content
    assert len(json.loads(plain.content)["features"]) == 30


def test_a_release_that_changes_the_apps_files_changes_its_worker(
    client_for, monkeypatch, tmp_path
):
    # The worker names every file of the shell and a cache named after their digest
    body = client_for(None).get("/units/field/sw.js").content.decode()
    assert all(f'"{static(path)}"' in body for path in views.FIELD_SHELL)
    assert f'var CACHE = "jahesh-field-{views.field_shell_version()}";' in body
    # When field.js changes (a new release), the digest changes, so phones take the new worker
    before = views.field_shell_version()
    changed = tmp_path / "field.js"
    changed.write_text("/* a new release */")
    real_find = views.finders.find
    monkeypatch.setattr(
        views.finders,
        "find",
        lambda path, *a, **k: str(changed) if path == "units/js/field.js" else real_find(path),
    )
    views.field_shell_version.cache_clear()
    try:
        assert views.field_shell_version() != before
    finally:
        views.field_shell_version.cache_clear()
