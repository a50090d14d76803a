"""The units map's server-side clustering (issue 17): ``GET /api/v1/map/units?zoom=Z
&bbox=w,s,e,n`` answers grid clusters (count, riskiest level, mean position) at a
low zoom and the units themselves at a high one, all through the scoped unit
list; without ``zoom`` it answers the whole collection as before."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jahesh.core import mapdata
from jahesh.units.models import RiskLevel, Unit

IRAN = "44,25,63.5,40"


@pytest.fixture
def spread(make_unit, geo):
    """Twelve units in Arak and Saveh (Markazi) in two tight groups, one of them
    high risk; and, AT THE SAME PLACES, twelve units in Tehran (another province)."""
    made: dict[str, list[Unit]] = {"markazi": [], "tehran": []}
    for i in range(12):
        lat = Decimal("34.0") + Decimal(i % 6) / 1000 + (Decimal(2) if i >= 6 else 0)
        lon = Decimal("49.7") + Decimal(i % 6) / 1000
        county = geo["arak"] if i < 6 else geo["saveh"]
        made["markazi"].append(make_unit(county=county, latitude=lat, longitude=lon))
        made["tehran"].append(make_unit(county=geo["tehran_county"], latitude=lat, longitude=lon))
    Unit.objects.filter(pk=made["markazi"][7].pk).update(risk_level=RiskLevel.HIGH)
    Unit.objects.filter(pk__in=[u.pk for u in made["markazi"][:6]]).update(risk_level=RiskLevel.LOW)
    return made


@pytest.fixture
def few(monkeypatch):
    """Cluster from five units on (the real threshold is thousands)."""
    monkeypatch.setattr(mapdata, "CLUSTER_AT_LEAST", 5)


def _counts(body: dict) -> tuple[int, list[int]]:
    """How many units the answer stands for, and the ids it names."""
    total, ids = 0, []
    for feature in body["features"]:
        if "n" in feature["properties"]:
            assert "id" not in feature
            total += feature["properties"]["n"]
        else:
            total += 1
            ids.append(feature["id"])
    return total, ids


def test_cluster_counts_add_up_to_the_scoped_units_and_leave_out_the_rest(
    api_client_for, users, spread, few
):
    answer = api_client_for(users["hq"]).get("/api/v1/map/units", {"zoom": 6, "bbox": IRAN})

    assert answer.status_code == 200 and answer["Content-Type"] == "application/geo+json"
    body = answer.json()
    assert body["clustered"] is True and body["zoom"] == 6
    clusters = [f for f in body["features"] if "n" in f["properties"]]
    # Arak's six and Saveh's six lie two degrees apart: two cells, whatever Tehran holds.
    assert sorted(f["properties"]["n"] for f in clusters) == [6, 6]
    assert _counts(body)[0] == len(spread["markazi"])
    by_lat = sorted(clusters, key=lambda f: f["geometry"]["coordinates"][1])
    assert [f["properties"]["r"] for f in by_lat] == ["l", "h"]  # the riskiest member's
    lon, lat = by_lat[0]["geometry"]["coordinates"]
    assert (lon, lat) == (pytest.approx(49.7025), pytest.approx(34.0025))

    officer = api_client_for(users["arak"]).get("/api/v1/map/units", {"zoom": 6, "bbox": IRAN})
    assert _counts(officer.json())[0] == 6  # Arak's only, Saveh's and Tehran's left out


def test_a_high_zoom_answers_the_units_in_the_box(api_client_for, users, spread, few):
    box = "49.6,33.9,49.8,34.1"  # Arak's group only
    body = api_client_for(users["hq"]).get("/api/v1/map/units", {"zoom": 14, "bbox": box}).json()

    assert "clustered" not in body
    assert sorted(f["id"] for f in body["features"]) == sorted(u.pk for u in spread["markazi"][:6])


def test_few_units_in_view_are_answered_one_by_one(api_client_for, users, spread):
    body = api_client_for(users["hq"]).get("/api/v1/map/units", {"zoom": 5, "bbox": IRAN}).json()

    total, ids = _counts(body)
    assert total == len(ids) == 12 and "clustered" not in body
    assert set(ids) == {u.pk for u in spread["markazi"]}


def test_an_out_of_scope_reader_sees_no_cluster_of_others_and_anonymous_none(
    api_client_for, users, spread, few
):
    other = api_client_for(users["hq_other"]).get("/api/v1/map/units", {"zoom": 6, "bbox": IRAN})
    assert _counts(other.json())[0] == len(spread["tehran"])
    viewer = api_client_for(users["viewer"]).get("/api/v1/map/units", {"zoom": 6})
    assert viewer.status_code == 403
    anonymous = api_client_for(None).get("/api/v1/map/units", {"zoom": 6, "bbox": IRAN})
    assert anonymous.status_code == 401


@pytest.mark.parametrize("bbox", ["1,2,3", "50,30,40,35", "a,b,c,d", "nan,1,2,3"])
def test_a_bad_box_is_refused_on_its_field(api_client_for, users, bbox):
    answer = api_client_for(users["hq"]).get("/api/v1/map/units", {"zoom": 6, "bbox": bbox})

    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "bbox"


def test_the_map_page_offers_the_layers_its_reader_may_read(client_for, users, geo, make_unit):
    make_unit(county=geo["arak"])  # the county filter offers counties with units
    hq = client_for(users["hq"]).get("/units/map/", {"county": geo["arak"].pk})
    expert = client_for(users["expert"]).get("/units/map/")

    html = hq.content.decode()
    assert f'data-projects="/api/v1/map/projects?county_id={geo["arak"].pk}"' in html
    assert f'data-camps="/api/v1/map/camps?county_id={geo["arak"].pk}"' in html
    assert expert.status_code == 200
    assert "data-projects" not in expert.content.decode()
    assert "data-camps" not in expert.content.decode()
