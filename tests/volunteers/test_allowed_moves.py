"""A volunteer's page and API offer the moves of ``VOLUNTEER_FLOW``'s table:
an active volunteer may be deactivated, an inactive one activated, no other."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from jahesh.volunteers.models import Volunteer
from tests.moves import select_options


def _offered(client, volunteer: Volunteer) -> list[str]:
    page = client.get(reverse("volunteers:detail", args=[volunteer.pk]))
    assert page.status_code == 200
    return select_options(page.content.decode(), "status")


def test_the_page_and_the_api_offer_the_one_move_of_each_status(
    users, vols, client_for, api_client_for
):
    v = vols["arak"]
    client, api = client_for(users["coordinator"]), api_client_for(users["coordinator"])
    assert _offered(client, v) == ["inactive"]
    assert api.get(f"/api/v1/volunteers/{v.pk}").json()["allowed_transitions"] == ["inactive"]
    Volunteer.objects.filter(pk=v.pk).update(
        status=Volunteer.Status.INACTIVE, inactive_since=date(2024, 4, 3)
    )
    assert _offered(client, v) == ["active"]
    assert api.get(f"/api/v1/volunteers/{v.pk}").json()["allowed_transitions"] == ["active"]


def test_the_offered_move_is_made_when_posted(users, vols, client_for):
    v = vols["arak"]
    client = client_for(users["arak"])
    (offered,) = _offered(client, v)
    answer = client.post(
        reverse("volunteers:status", args=[v.pk]),
        {"status": offered, "effective_on": "۱۴۰۳/۰۱/۱۵", "reason": "مهاجرت"},
    )
    assert answer.status_code == 302
    assert Volunteer.objects.get(pk=v.pk).status == "inactive"
    assert _offered(client, v) == ["active"]


def test_out_of_scope_and_anonymous_readers_get_nothing(users, vols, client_for, api_client_for):
    v = vols["arak"]
    url = reverse("volunteers:detail", args=[v.pk])
    assert client_for(users["saveh"]).get(url).status_code == 404
    assert api_client_for(users["saveh"]).get(f"/api/v1/volunteers/{v.pk}").status_code == 404
    page = client_for(None).get(url)
    assert page.status_code == 302 and "/login" in page["Location"]
    assert api_client_for(None).get(f"/api/v1/volunteers/{v.pk}").status_code == 401
