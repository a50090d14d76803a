"""The direct service form hands its cleaned data whole to ``service_create``
(the six counts as ``counts``, the codes as ``people``): each count lands on its
field, a county outside the user's scope is refused, and only signed-in users
with the projects module reach the page."""

from __future__ import annotations

import re

from django.urls import reverse

from jahesh.projects.models import DirectService

COUNTS = {
    "male_children": 1, "male_adults": 2, "male_elderly": 3,
    "female_children": 4, "female_adults": 5, "female_elderly": 6,
}  # fmt: skip


def _post(client, county, **extra):
    return client.post(
        reverse("projects:service_create"),
        {"kind": "food", "delivered_on": "1404/02/20", "county": county.pk, "quantity": 2,
         "unit_value_rial": "1000", **COUNTS, "note": "  بستهٔ غذایی ", **extra},
    )  # fmt: skip


def test_the_form_shows_the_six_counts_in_order(client_for, users):
    page = client_for(users["projects"]).get(reverse("projects:service_create"))
    assert page.status_code == 200
    html = page.content.decode()
    positions = [html.index(f'name="{name}"') for name in COUNTS]
    assert positions == sorted(positions)


def test_each_count_and_field_lands_where_the_form_says(client_for, users, geo, clock):
    response = _post(
        client_for(users["projects"]), geo["arak"], village=1, national_codes="0081234562"
    )
    assert response.status_code == 302, response.context["form"].errors
    service = DirectService.objects.get()
    assert {name: getattr(service, name) for name in COUNTS} == COUNTS
    assert (service.county_id, service.village_id, service.city_id) == (geo["arak"].pk, 1, None)
    assert (service.value_rial, service.note) == (20_000, "بستهٔ غذایی")
    assert list(service.people.values_list("national_code", flat=True)) == ["0081234562"]


def test_a_county_outside_the_users_scope_is_refused(client_for, users, geo, clock):
    response = _post(client_for(users["projects"]), geo["tehran_county"])
    assert response.status_code == 200 and "county" in response.context["form"].errors
    assert not DirectService.objects.exists()


def test_an_english_reader_sees_the_place_labels_capitalised_like_their_siblings(client_for, users):
    client = client_for(users["projects"])
    client.cookies["django_language"] = "en"
    html = client.get(reverse("projects:service_create")).content.decode()
    labels = re.findall(r'<label[^>]*for="id_(county|village|city)"[^>]*>\s*([^<*]+?)\s*[<*]', html)
    assert dict(labels) == {"county": "County", "village": "Village", "city": "City"}


def test_only_users_with_the_projects_module_reach_it(client_for, users):
    url = reverse("projects:service_create")
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert client_for(users["fund"]).get(url).status_code == 403
