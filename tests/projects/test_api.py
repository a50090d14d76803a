from __future__ import annotations

import datetime

import pytest

from jahesh.projects import services
from jahesh.projects.models import DirectService, Project, ProjectFunding

from .conftest import NOW

BASE = "/api/v1/projects"


def _ids(response):
    return sorted(item["id"] for item in response.json()["items"])


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("projects", {"arak", "saveh"}),
        ("hq", {"arak", "saveh"}),
        ("arak", {"arak"}),
        ("coordinator", {"arak", "saveh"}),
        ("hq_other", {"tehran"}),
        ("admin", {"arak", "saveh", "tehran"}),
        ("viewer", set()),
        ("expert", set()),
    ],
)
def test_it_lists_the_projects_in_the_users_scope(api_client_for, users, projects3, who, visible):
    response = api_client_for(users[who]).get(f"{BASE}/")
    assert response.status_code == 200
    assert _ids(response) == sorted(projects3[k].pk for k in visible)
    assert response.json()["count"] == len(visible)


def test_it_answers_401_to_an_anonymous_client(api_client_for, projects3):
    client = api_client_for(None)
    assert client.get(f"{BASE}/").status_code == 401
    assert client.get(f"{BASE}/{projects3['arak'].pk}").status_code == 401
    assert client.get(f"{BASE}/services").status_code == 401


def test_it_shows_an_in_scope_project_with_its_value(api_client_for, users, projects3):
    project = projects3["arak"]
    services.funding_add(project=project, role=ProjectFunding.Role.GOVERNMENT, amount_rial=700)
    services.funding_add(project=project, role=ProjectFunding.Role.IN_KIND, amount_rial=300)
    body = api_client_for(users["arak"]).get(f"{BASE}/{project.pk}").json()
    assert (
        body["title"],
        body["value_rial"],
        body["funding_cash_rial"],
        body["funding_in_kind_rial"],
    ) == ("مدرسهٔ روستای اراک", 1000, 700, 300)
    assert body["allowed_transitions"] == ["in_progress", "cancelled"]
    assert body["in_deprived_area"] is True


@pytest.mark.parametrize("who", ["saveh", "hq_other", "viewer"])
def test_it_answers_404_for_a_project_out_of_scope(api_client_for, users, projects3, who):
    project = projects3["arak"]
    client = api_client_for(users[who])
    for path in ("", "/progress", "/funding"):
        response = client.get(f"{BASE}/{project.pk}{path}")
        assert response.status_code == 404, path
        assert response.json()["message"]
    response = client.post(
        f"{BASE}/{project.pk}/transition",
        {"to_status": "in_progress"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Project.objects.get(pk=project.pk).status == Project.Status.PLANNED


def test_it_answers_404_for_a_missing_or_bad_id(api_client_for, users):
    client = api_client_for(users["projects"])
    assert client.get(f"{BASE}/999999").status_code == 404
    assert client.get(f"{BASE}/abc").status_code == 404
    assert client.get(f"{BASE}/services/999999").status_code == 404


def test_it_answers_405_to_a_wrong_method(api_client_for, users, projects3):
    client = api_client_for(users["projects"])
    assert client.delete(f"{BASE}/{projects3['arak'].pk}").status_code == 405
    assert client.put(f"{BASE}/").status_code == 405


def test_it_creates_a_project_in_scope_and_refuses_one_out_of_scope(api_client_for, users, clock):
    client = api_client_for(users["arak"])
    response = client.post(
        f"{BASE}/",
        {
            "title": "راه روستایی",
            "kind": "road",
            "village_id": 1,
            "budget_original_rial": 5_000_000,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["county_id"], response.json()["status"]) == (19, "planned")
    response = client.post(
        f"{BASE}/",
        {"title": "راه", "kind": "road", "village_id": 2},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "county_id")
    assert Project.objects.count() == 1


def test_it_refuses_a_viewer_who_tries_to_create(api_client_for, users, clock):
    response = api_client_for(users["viewer"]).post(
        f"{BASE}/", {"title": "x", "kind": "road", "village_id": 1}, content_type="application/json"
    )
    assert response.status_code == 403


def test_it_moves_a_project_and_reports_progress_through_the_api(
    api_client_for, users, projects3, clock
):
    client = api_client_for(users["projects"])
    pk = projects3["saveh"].pk
    body = client.post(
        f"{BASE}/{pk}/transition",
        {"to_status": "in_progress", "on": "2025-02-01"},
        content_type="application/json",
    ).json()
    assert (body["status"], body["actual_start"]) == ("in_progress", "2025-02-01")
    response = client.post(
        f"{BASE}/{pk}/progress",
        {"reported_on": "2025-05-30", "progress_pct": 100},
        content_type="application/json",
    )
    assert response.status_code == 201
    response = client.post(
        f"{BASE}/{pk}/transition", {"to_status": "completed"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "on", "message": "برای تکمیل پروژه تاریخ پایان واقعی را وارد کنید."}
    ]
    body = client.post(
        f"{BASE}/{pk}/transition",
        {"to_status": "completed", "on": "2025-05-31"},
        content_type="application/json",
    ).json()
    assert (body["status"], body["actual_end"], body["progress_pct"]) == (
        "completed",
        "2025-05-31",
        100,
    )
    progress = client.get(f"{BASE}/{pk}/progress").json()
    assert [(i["reported_on"], i["progress_pct"]) for i in progress["items"]] == [
        ("2025-05-30", 100)
    ]


def test_it_refuses_progress_over_100_with_a_field_error(api_client_for, users, make_project):
    project = make_project(status=Project.Status.IN_PROGRESS)
    response = api_client_for(users["projects"]).post(
        f"{BASE}/{project.pk}/progress",
        {"reported_on": "2025-05-01", "progress_pct": 120},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "progress_pct"


def test_it_adds_funding_and_lists_it_with_its_total(api_client_for, users, projects3):
    client = api_client_for(users["projects"])
    pk = projects3["arak"].pk
    for role, amount in (("government", 400), ("charity", 100)):
        response = client.post(
            f"{BASE}/{pk}/funding",
            {"role": role, "amount_rial": amount},
            content_type="application/json",
        )
        assert response.status_code == 201
    body = client.get(f"{BASE}/{pk}/funding").json()
    assert (body["count"], body["total_rial"]) == (2, 500)
    assert client.get(f"{BASE}/{pk}").json()["value_rial"] == 500


def test_it_records_a_service_and_lists_services_in_scope(api_client_for, users, clock):
    client = api_client_for(users["projects"])
    response = client.post(
        f"{BASE}/services",
        {
            "kind": "dental",
            "delivered_on": "2025-05-20",
            "quantity": 12,
            "unit_value_rial": 3_000_000,
            "village_id": 2,
            "female_adults": 7,
            "male_children": 5,
            "people": [{"national_code": "0081234562"}, {"national_code": "۰۰۸۱۲۳۴۵۶۲"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["value_rial"], body["county_id"], body["people_count"]) == (36_000_000, 236, 1)
    services.service_create(
        user=users["admin"],
        kind="food",
        delivered_on=datetime.date(2025, 5, 1),
        quantity=1,
        unit_value_rial=5,
        village=_village(3),
        now=NOW,
    )
    listing = client.get(f"{BASE}/services").json()
    assert (listing["count"], listing["value_rial"]) == (1, 36_000_000)
    assert listing["items"][0]["people_count"] == 1
    assert api_client_for(users["arak"]).get(f"{BASE}/services").json()["count"] == 0
    other = DirectService.objects.get(county_id=90001).pk
    assert client.get(f"{BASE}/services/{other}").status_code == 404
    assert client.get(f"{BASE}/services/{body['id']}").json()["value_rial"] == 36_000_000


def test_it_refuses_a_service_without_quantity(api_client_for, users, clock):
    response = api_client_for(users["projects"]).post(
        f"{BASE}/services",
        {
            "kind": "dental",
            "delivered_on": "2025-05-20",
            "quantity": 0,
            "unit_value_rial": 3,
            "village_id": 2,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "quantity"


def _village(pk):
    from jahesh.geo.models import Village

    return Village.objects.get(pk=pk)


def test_it_filters_the_api_list(api_client_for, users, projects3):
    client = api_client_for(users["projects"])
    assert _ids(client.get(f"{BASE}/?deprived=true")) == [projects3["arak"].pk]
    assert _ids(client.get(f"{BASE}/?county_id=236")) == [projects3["saveh"].pk]
    assert _ids(client.get(f"{BASE}/?kind=water")) == [projects3["saveh"].pk]
    assert _ids(client.get(f"{BASE}/?q=آب رسانی")) == [projects3["saveh"].pk]
    response = client.get(f"{BASE}/?limit=1")
    assert (len(response.json()["items"]), response.json()["count"]) == (1, 2)
    assert client.get(f"{BASE}/?limit=0").status_code == 422


def test_the_api_list_runs_a_bounded_number_of_queries(
    api_client_for, users, make_project, django_assert_max_num_queries
):
    for i in range(20):
        project = make_project(village_id=1 + i % 2, title=f"پروژه {i}")
        services.funding_add(project=project, role=ProjectFunding.Role.CHARITY, amount_rial=10)
    client = api_client_for(users["projects"])
    with django_assert_max_num_queries(8):
        body = client.get(f"{BASE}/?limit=50").json()
    assert (body["count"], {i["value_rial"] for i in body["items"]}) == (20, {10})
