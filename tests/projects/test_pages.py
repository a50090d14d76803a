from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from jahesh.geo.models import Village
from jahesh.projects import services
from jahesh.projects.models import DirectService, Project, ProjectFunding

from .conftest import NOW


def test_it_lists_the_projects_in_scope_with_their_value(client_for, users, projects3):
    services.funding_add(
        project=projects3["arak"], role=ProjectFunding.Role.CHARITY, amount_rial=1_500_000_000
    )
    response = client_for(users["projects"]).get(reverse("projects:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "مدرسهٔ روستای اراک" in html and "آب‌رسانی ساوه" in html
    assert "خانهٔ بهداشت تهران" not in html
    assert "۱۵۰٬۰۰۰٬۰۰۰ تومان" in html


def test_a_county_officer_sees_only_their_county(client_for, users, projects3):
    html = client_for(users["arak"]).get(reverse("projects:list")).content.decode()
    assert "مدرسهٔ روستای اراک" in html and "آب‌رسانی ساوه" not in html


def test_it_filters_the_list_by_kind_and_deprived(client_for, users, projects3):
    client = client_for(users["projects"])
    html = client.get(reverse("projects:list"), {"kind": "water"}).content.decode()
    assert "آب‌رسانی ساوه" in html and "مدرسهٔ روستای اراک" not in html
    html = client.get(reverse("projects:list"), {"deprived": "1"}).content.decode()
    assert "مدرسهٔ روستای اراک" in html and "آب‌رسانی ساوه" not in html


def test_it_filters_the_list_to_projects_outside_deprived_areas(client_for, users, projects3):
    """«خیر» is a filter of its own (False), not «همه» (no filter), and stays chosen."""
    client = client_for(users["projects"])
    html = client.get(reverse("projects:list"), {"deprived": "0"}).content.decode()
    assert "آب‌رسانی ساوه" in html and "مدرسهٔ روستای اراک" not in html
    assert '<option value="0" selected>' in html


def test_the_list_page_runs_a_bounded_number_of_queries(
    client_for, users, make_project, django_assert_max_num_queries
):
    for i in range(30):
        make_project(village_id=1 + i % 2, title=f"پروژه {i}")
    client = client_for(users["projects"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("projects:list"))
    assert response.context["page_obj"].paginator.count == 30
    assert len(response.context["rows"]) == 25


@pytest.mark.parametrize(
    "name",
    [
        "projects:list",
        "projects:service_list",
        "projects:create",
        "projects:service_create",
        "projects:service_import",
        "projects:county_table",
    ],
)
def test_it_sends_an_anonymous_visitor_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "name",
    [
        "projects:list",
        "projects:service_list",
        "projects:create",
        "projects:service_create",
        "projects:service_import",
    ],
)
def test_a_viewer_gets_no_record_pages(client_for, users, name):
    # The module, not a record: 403 saying why (accounts.scoping.ModuleDenied).
    assert client_for(users["viewer"]).get(reverse(name)).status_code == 403


def test_the_detail_page_shows_funding_progress_results_and_history(
    client_for, users, make_project
):
    project = make_project(status=Project.Status.COMPLETED, title="مدرسهٔ شش‌کلاسه")
    services.funding_add(project=project, role=ProjectFunding.Role.GOVERNMENT, amount_rial=8_000)
    services.funding_add(project=project, role=ProjectFunding.Role.IN_KIND, amount_rial=2_000)
    services.result_set(project=project, indicator="کلاس درس", target=6, actual=6)
    response = client_for(users["projects"]).get(reverse("projects:detail", args=[project.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "مدرسهٔ شش‌کلاسه" in html and "کلاس درس" in html
    assert "۱٬۰۰۰ تومان" in html  # 10,000 rials recorded value
    assert "progress-chart" in html
    assert "تکمیل‌شده" in html and "در حال اجرا" in html  # the events


@pytest.mark.parametrize("who", ["saveh", "hq_other", "viewer"])
def test_the_detail_page_is_404_out_of_scope(client_for, users, projects3, who):
    url = reverse("projects:detail", args=[projects3["arak"].pk])
    assert client_for(users[who]).get(url).status_code == 404


def test_the_detail_page_is_404_for_a_missing_id(client_for, users):
    assert client_for(users["admin"]).get("/projects/999999/").status_code == 404


def test_the_detail_page_refuses_a_post(client_for, users, projects3):
    url = reverse("projects:detail", args=[projects3["arak"].pk])
    assert client_for(users["projects"]).post(url).status_code == 405


def test_it_creates_a_project_from_the_form(client_for, users, geo, clock):
    response = client_for(users["projects"]).post(
        reverse("projects:create"),
        {
            "title": "خانهٔ بهداشت روستا",
            "kind": "health_house",
            "county": geo["arak"].pk,
            "village": 1,
            "budget_original_rial": "۵۰۰٬۰۰۰",
            "households": 40,
            "people": 160,
            "planned_start": "۱۴۰۴/۰۱/۱۵",
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    assert (project.county_id, project.budget_original_rial, project.in_deprived_area) == (
        geo["arak"].pk,
        5_000_000,
        True,
    )
    assert project.planned_start == datetime.date(2025, 4, 4)


def test_every_field_of_the_form_reaches_the_project(client_for, users, geo, clock):
    """The form's cleaned fields are the service's arguments: a blank budget is 0."""
    data = {
        "title": "راه روستای اراک", "kind": "road", "county": geo["arak"].pk, "village": 1,
        "contractor_name": " شرکت  راه‌سازان ", "budget_original_rial": "",
        "planned_start": "۱۴۰۴/۰۱/۱۵", "planned_end": "۱۴۰۴/۰۶/۰۱", "households": 12,
        "people": 50, "description": "آسفالت", "latitude": "34.1", "longitude": "49.7",
    }  # fmt: skip
    assert client_for(None).post(reverse("projects:create"), data).status_code == 302
    assert client_for(users["saveh"]).post(reverse("projects:create"), data).status_code == 200
    assert Project.objects.count() == 0
    response = client_for(users["projects"]).post(reverse("projects:create"), data)
    assert response.status_code == 302
    project = Project.objects.get()
    assert (
        project.title, project.contractor_name, project.budget_original_rial,
        project.planned_end, project.households, project.people, project.description,
        project.latitude, project.village_id, project.created_by,
    ) == (
        "راه روستای اراک", "شرکت راه‌سازان", 0, datetime.date(2025, 8, 23), 12, 50,
        "آسفالت", Decimal("34.1"), 1, users["projects"],
    )  # fmt: skip


def test_the_form_offers_only_counties_in_scope(client_for, users, geo, clock):
    response = client_for(users["arak"]).post(
        reverse("projects:create"),
        {"title": "راه", "kind": "road", "county": geo["saveh"].pk, "households": 0, "people": 0},
    )
    assert response.status_code == 200
    assert "county" in response.context["form"].errors
    assert Project.objects.count() == 0


def test_it_completes_a_project_from_the_detail_page_and_refuses_below_100(
    client_for, users, make_project
):
    project = make_project(status=Project.Status.IN_PROGRESS)
    client = client_for(users["projects"])
    url = reverse("projects:transition", args=[project.pk])
    response = client.post(url, {"to_status": "completed", "on": "۱۴۰۴/۰۳/۰۱"})
    assert response.status_code == 422
    assert "۱۰۰" in response.content.decode()
    response = client.post(
        reverse("projects:progress_add", args=[project.pk]),
        {"reported_on": "۱۴۰۴/۰۳/۰۱", "progress_pct": 100},
    )
    assert response.status_code == 302
    response = client.post(url, {"to_status": "completed", "on": "۱۴۰۴/۰۳/۰۱"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.status, project.actual_end) == ("completed", datetime.date(2025, 5, 22))


def test_posting_to_a_project_out_of_scope_is_404(client_for, users, projects3):
    url = reverse("projects:funding_add", args=[projects3["arak"].pk])
    response = client_for(users["saveh"]).post(url, {"role": "charity", "amount_rial": "100"})
    assert response.status_code == 404
    assert ProjectFunding.objects.count() == 0


def test_it_adds_funding_from_the_detail_page(client_for, users, projects3):
    url = reverse("projects:funding_add", args=[projects3["arak"].pk])
    response = client_for(users["arak"]).post(url, {"role": "charity", "amount_rial": "۱۰۰"})
    assert response.status_code == 302
    assert ProjectFunding.objects.get().amount_rial == 1_000  # 100 tomans


def test_it_records_a_service_from_the_form(client_for, users, geo, clock):
    response = client_for(users["projects"]).post(
        reverse("projects:service_create"),
        {
            "kind": "medical",
            "delivered_on": "۱۴۰۴/۰۲/۲۰",
            "county": geo["saveh"].pk,
            "village": 2,
            "quantity": 30,
            "unit_value_rial": "۲۵۰٬۰۰۰",
            "male_children": 4,
            "male_adults": 6,
            "male_elderly": 0,
            "female_children": 5,
            "female_adults": 10,
            "female_elderly": 5,
            "national_codes": "0081234562\n۰۰۸۱۲۳۴۵۶۲\n0639876544",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    service = DirectService.objects.get()
    assert (service.value_rial, service.beneficiaries_total, service.people.count()) == (
        75_000_000,
        30,
        2,
    )


def test_the_service_list_shows_services_in_scope_with_totals(client_for, users, clock):
    for village_id, qty in ((1, 10), (3, 99)):
        services.service_create(
            user=users["admin"],
            kind="food",
            quantity=qty,
            unit_value_rial=10_000_000,
            delivered_on=datetime.date(2025, 5, 1),
            village=Village.objects.get(pk=village_id),
            now=NOW,
        )
    response = client_for(users["projects"]).get(reverse("projects:service_list"))
    assert response.status_code == 200
    assert response.context["totals"] == {"count": 1, "value_rial": 100_000_000}


def test_the_county_table_counts_per_county_and_a_viewer_may_read_it(
    client_for, users, make_project, clock
):
    done = make_project(status=Project.Status.COMPLETED)
    services.funding_add(project=done, role=ProjectFunding.Role.GOVERNMENT, amount_rial=5_000)
    make_project(village_id=2)
    services.service_create(
        user=users["admin"],
        kind="food",
        quantity=2,
        unit_value_rial=300,
        delivered_on=datetime.date(2025, 5, 1),
        village=Village.objects.get(pk=2),
        counts={"female_adults": 2},
        now=NOW,
    )
    response = client_for(users["viewer"]).get(
        reverse("projects:county_table"), {"start": "۱۴۰۴/۰۱/۰۱", "end": "۱۴۰۴/۰۴/۰۱"}
    )
    assert response.status_code == 200
    rows = {r.county_name: r for r in response.context["rows"]}
    assert set(rows) == {"اراک", "ساوه"}
    assert (rows["اراک"].projects_completed, rows["اراک"].projects_value_rial) == (1, 5_000)
    assert (
        rows["ساوه"].projects_open,
        rows["ساوه"].services_value_rial,
        rows["ساوه"].services_people,
    ) == (1, 600, 2)
    assert response.context["total"].projects_value_rial == 5_000


def test_a_progress_photo_is_served_only_in_scope(
    client_for, users, make_project, settings, tmp_path
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    project = make_project(status=Project.Status.IN_PROGRESS)
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 100, 50)).save(buf, "PNG")
    client = client_for(users["arak"])
    response = client.post(
        reverse("projects:progress_add", args=[project.pk]),
        {
            "reported_on": "۱۴۰۴/۰۲/۰۱",
            "progress_pct": 35,
            "photo": SimpleUploadedFile("site.png", buf.getvalue(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    photo = project.photos.get()
    url = reverse("projects:photo", args=[photo.pk])
    assert url in client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == buf.getvalue()
    assert client_for(users["saveh"]).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_the_detail_page_records_a_result_and_a_facility_check_in_scope_only(
    client, client_for, users, make_project
):
    project = make_project(status=Project.Status.COMPLETED)  # Arak, ended 2025-05-02
    result_url = reverse("projects:result_add", args=[project.pk])
    check_url = reverse("projects:check_add", args=[project.pk])
    result = {"indicator": "کلاس درس", "unit": "کلاس", "target": "3", "actual": "2"}
    check = {"checked_on": "۱۴۰۴/۰۲/۲۰", "in_use": "on", "note": "کلاس‌ها دایرند"}
    saveh = client_for(users["saveh"])
    assert (
        saveh.post(result_url, result).status_code,
        saveh.post(check_url, check).status_code,
    ) == (
        404,
        404,
    )
    for url, data in ((result_url, result), (check_url, check)):
        response = client.post(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    officer = client_for(users["arak"])
    assert officer.post(result_url, result).status_code == 302
    assert officer.post(check_url, check).status_code == 302
    assert list(project.results.values_list("indicator", "unit", "target", "actual")) == [
        ("کلاس درس", "کلاس", 3, 2)
    ]
    assert list(project.facility_checks.values_list("checked_on", "in_use", "note")) == [
        (datetime.date(2025, 5, 10), True, "کلاس‌ها دایرند")
    ]


def test_a_list_without_rows_shows_its_empty_state_and_one_with_rows_its_table(
    client_for, users, projects3
):
    """partials/list_table.html: the table and its pages, or the page's empty state."""
    client = client_for(users["projects"])
    empty = client.get(reverse("projects:list"), {"kind": "road"}).content.decode()
    assert "پروژه‌ای با این فیلترها نیست." in empty and "<table" not in empty
    assert f'href="{reverse("projects:create")}"' in empty
    full = client.get(reverse("projects:list")).content.decode()
    assert full.count("<tbody>") == 1 and "پروژه‌ای با این فیلترها نیست." not in full
    assert full.index("<thead><tr>") < full.index("مدرسهٔ روستای اراک") < full.index("</tbody>")
