"""Geography in the admin: changelists, normalised search, bulk deprivation
actions, and the upload page for deprived places."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jahesh.geo.models import City, Village
from tests.conftest import ARAK, MARKAZI

VILLAGES = "/admin/geo/village/"
UPLOAD = "/admin/geo/village/import-deprived/"


@pytest.mark.parametrize(
    "model", ["province", "county", "district", "city", "ruraldistrict", "village"]
)
def test_every_changelist_opens_for_an_admin(client_for, users, model):
    assert client_for(users["admin"]).get(f"/admin/geo/{model}/").status_code == 200


def test_the_village_changelist_stays_at_a_few_queries(
    client_for, users, django_assert_max_num_queries
):
    client = client_for(users["admin"])
    with django_assert_max_num_queries(12):
        response = client.get(f"{VILLAGES}?province__id__exact={MARKAZI}&county__id__exact={ARAK}")
    assert response.status_code == 200
    body = response.content.decode()
    assert "روستای اراک" in body and "روستای ساوه" not in body
    assert "بارگذاری فهرست محروم‌ها" in body


def test_search_matches_any_spelling(client_for, users, geo):
    Village.objects.filter(pk=2).update(name="كهك", name_key="کهک")

    body = client_for(users["admin"]).get(f"{VILLAGES}?q=كهك").content.decode()

    assert "كهك" in body and "روستای اراک" not in body


def test_bulk_actions_mark_and_unmark(client_for, users):
    client = client_for(users["admin"])

    client.post(VILLAGES, {"action": "mark_deprived", "_selected_action": [2, 3]})
    assert set(Village.objects.filter(is_deprived=True).values_list("pk", flat=True)) == {1, 2, 3}
    client.post("/admin/geo/city/", {"action": "mark_deprived", "_selected_action": [1]})
    assert City.objects.get(pk=1).is_deprived
    client.post(VILLAGES, {"action": "unmark_deprived", "_selected_action": [1, 2]})
    assert set(Village.objects.filter(is_deprived=True).values_list("pk", flat=True)) == {3}


def test_the_upload_page_is_for_staff_only(client_for, users):
    assert client_for(None).get(UPLOAD).status_code == 302
    assert client_for(users["hq"]).get(UPLOAD).status_code == 302  # not staff: to the admin login
    assert client_for(users["admin"]).get(UPLOAD).status_code == 200


def test_the_upload_page_imports_and_reports(client_for, users):
    Village.objects.filter(pk=2).update(code="2806010001000002")
    upload = SimpleUploadedFile("d.csv", "کد\n2806010001000002\n42\n".encode())

    response = client_for(users["admin"]).post(UPLOAD, {"file": upload, "mark": "1"})

    assert response.status_code == 200
    assert Village.objects.get(pk=2).is_deprived
    assert "ردیف ۳: کد «۴۲» در روستاها و شهرها پیدا نشد." in response.content.decode()


def test_the_upload_page_shows_a_bad_file_on_the_form(client_for, users):
    upload = SimpleUploadedFile("d.csv", "نام\nیک\n".encode())

    response = client_for(users["admin"]).post(UPLOAD, {"file": upload, "mark": "1"})

    assert "ستون «کد» پیدا نشد" in response.content.decode()


def test_editing_a_place_keeps_its_search_key(client_for, users):
    client_for(users["admin"]).post(
        "/admin/geo/province/28/change/", {"name": "مركزي", "code": "0"}
    )
    from jahesh.geo.models import Province

    province = Province.objects.get(pk=28)
    assert (province.name, province.name_key) == ("مرکزی", "مرکزی")
