"""Projects on the map (issue 17): ``GET /api/v1/map/projects`` answers the
projects in the reader's scope that have coordinates, as compact GeoJSON."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jahesh.core.errors import InvalidInput
from jahesh.projects.models import Project


@pytest.fixture
def placed(make_project):
    """Arak's and Saveh's projects (Markazi) and Tehran's, each with a place on the
    map, and one in Arak without."""
    made = {
        name: make_project(
            village_id=village, title=f"پروژهٔ {name}",
            latitude=Decimal("34.1") + village, longitude=Decimal("49.7"),
        )
        for name, village in (("arak", 1), ("saveh", 2), ("tehran", 3))
    }  # fmt: skip
    make_project(village_id=1, title="پروژهٔ بی‌مختصات")
    return made


def test_the_map_answers_the_projects_in_scope(api_client_for, users, placed):
    answer = api_client_for(users["projects"]).get("/api/v1/map/projects")

    assert answer.status_code == 200 and answer["Content-Type"] == "application/geo+json"
    features = sorted(answer.json()["features"], key=lambda f: f["id"])
    assert features == [
        {
            "type": "Feature", "id": placed[name].pk,
            "geometry": {"type": "Point", "coordinates": [49.7, 34.1 + village]},
            "properties": {"s": "p"},
        }
        for name, village in (("arak", 1), ("saveh", 2))
    ]  # fmt: skip
    arak = api_client_for(users["arak"]).get("/api/v1/map/projects").json()
    assert [f["id"] for f in arak["features"]] == [placed["arak"].pk]
    filtered = api_client_for(users["projects"]).get(
        "/api/v1/map/projects", {"county_id": placed["saveh"].county_id}
    )
    assert [f["id"] for f in filtered.json()["features"]] == [placed["saveh"].pk]


def test_out_of_scope_and_anonymous_readers_get_none_of_them(api_client_for, users, placed):
    other = api_client_for(users["hq_other"]).get("/api/v1/map/projects").json()
    assert [f["id"] for f in other["features"]] == [placed["tehran"].pk]
    assert api_client_for(users["fund"]).get("/api/v1/map/projects").status_code == 403
    assert api_client_for(None).get("/api/v1/map/projects").status_code == 401


def test_a_project_keeps_both_coordinates_or_neither(make_project):
    with pytest.raises(InvalidInput) as error:
        make_project(village_id=1, latitude=Decimal("34.1"))
    assert error.value.field == "longitude"
    assert not Project.objects.exists()


def test_the_form_sets_a_projects_place_on_the_map(client_for, users, geo):
    answer = client_for(users["projects"]).post(
        "/projects/new/",
        {
            "title": "مدرسهٔ روستای اراک", "kind": Project.Kind.SCHOOL,
            "county": geo["arak"].pk, "village": 1, "households": 0, "people": 0,
            "latitude": "34.123456", "longitude": "49.654321",
        },
    )  # fmt: skip

    assert answer.status_code == 302, answer.content.decode()[:2000]
    project = Project.objects.get()
    assert (project.latitude, project.longitude) == (Decimal("34.123456"), Decimal("49.654321"))


def test_the_detail_page_sets_moves_and_clears_a_projects_place(client_for, users, make_project):
    project = make_project(village_id=1)
    url = f"/projects/{project.pk}/location/"
    page = client_for(users["arak"]).get(f"/projects/{project.pk}/")
    assert url in page.content.decode()

    answer = client_for(users["arak"]).post(url, {"latitude": "34.2", "longitude": "49.8"})

    assert answer.status_code == 302 and answer["Location"] == f"/projects/{project.pk}/"
    project.refresh_from_db()
    assert (project.latitude, project.longitude) == (Decimal("34.2"), Decimal("49.8"))
    latest = project.history.latest()
    assert (latest.latitude, latest.history_change_reason) == (Decimal("34.2"), "جای روی نقشه")
    client_for(users["arak"]).post(url, {"latitude": "", "longitude": ""})
    project.refresh_from_db()
    assert (project.latitude, project.longitude) == (None, None)


def test_the_location_form_refuses_half_a_pair_in_the_readers_language(
    client_for, users, make_project
):
    project = make_project(village_id=1, latitude=Decimal("34.1"), longitude=Decimal("49.7"))

    answer = client_for(users["arak"]).post(
        f"/projects/{project.pk}/location/", {"latitude": "35", "longitude": ""}
    )

    assert answer.status_code == 422
    assert "هر دو را بنویسید یا هر دو را خالی بگذارید" in answer.content.decode()
    project.refresh_from_db()
    assert (project.latitude, project.longitude) == (Decimal("34.1"), Decimal("49.7"))


def test_out_of_scope_and_anonymous_users_cannot_place_a_project(client_for, users, make_project):
    project = make_project(village_id=1, latitude=Decimal("34.1"), longitude=Decimal("49.7"))
    url = f"/projects/{project.pk}/location/"
    moved = {"latitude": "30", "longitude": "50"}

    assert client_for(users["saveh"]).post(url, moved).status_code == 404
    assert client_for(users["hq_other"]).post(url, moved).status_code == 404
    anonymous = client_for(None).post(url, moved)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    project.refresh_from_db()
    assert (project.latitude, project.longitude) == (Decimal("34.1"), Decimal("49.7"))


def test_the_projects_layer_filters_by_kind_and_status(api_client_for, users, make_project):
    at = {"latitude": Decimal("34.1"), "longitude": Decimal("49.7")}
    school = make_project(village_id=1, kind=Project.Kind.SCHOOL, **at)
    started = make_project(
        village_id=2, kind=Project.Kind.SCHOOL, status=Project.Status.IN_PROGRESS, **at
    )
    other_kind = next(k for k in Project.Kind.values if k != Project.Kind.SCHOOL)
    other = make_project(village_id=1, kind=other_kind, **at)
    client = api_client_for(users["projects"])

    def ids(**query) -> set[int]:
        return {f["id"] for f in client.get("/api/v1/map/projects", query).json()["features"]}

    assert ids() == {school.pk, started.pk, other.pk}
    assert ids(kind=Project.Kind.SCHOOL) == {school.pk, started.pk}
    assert ids(kind=other_kind) == {other.pk}
    assert ids(status=Project.Status.IN_PROGRESS) == {started.pk}
    assert ids(kind=other_kind, status=Project.Status.IN_PROGRESS) == set()
    assert client.get("/api/v1/map/projects", {"kind": "nonsense"}).status_code == 422
    arak = api_client_for(users["arak"]).get("/api/v1/map/projects", {"kind": Project.Kind.SCHOOL})
    assert {f["id"] for f in arak.json()["features"]} == {school.pk}
