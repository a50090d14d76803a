"""A unit's page and API offer the moves of ``UNIT_FLOW``'s table: any status
but the one it is in (every reader of a unit may move it, a reason given)."""

from __future__ import annotations

from django.urls import reverse

from jahesh.units import services
from jahesh.units.models import StatusChange, Unit, UnitStatus
from tests.moves import select_options


def test_an_officer_is_offered_every_other_status_on_the_page_and_the_api(
    make_unit, users, client_for, api_client_for
):
    unit = make_unit(status=UnitStatus.PARTIAL)
    expected = ["active", "stalled", "closed"]
    assert services.UNIT_FLOW.allowed_moves(unit, users["arak"]) == expected
    page = client_for(users["arak"]).get(reverse("units:detail", args=[unit.pk]))
    assert select_options(page.content.decode(), "to_status") == expected
    api = api_client_for(users["arak"]).get(f"/api/v1/units/{unit.pk}")
    assert api.status_code == 200 and api.json()["allowed_transitions"] == expected


def test_a_move_the_page_offers_is_made_when_posted(make_unit, users, client_for):
    unit = make_unit()
    client = client_for(users["arak"])
    page = client.get(reverse("units:detail", args=[unit.pk])).content.decode()
    offered = select_options(page, "to_status")
    assert offered[0] == "partial"
    answer = client.post(
        reverse("units:status", args=[unit.pk]), {"to_status": offered[0], "reason": "کم‌کاری"}
    )
    assert answer.status_code == 302
    assert Unit.objects.get(pk=unit.pk).status == "partial"
    assert StatusChange.objects.get(unit=unit).to_status == "partial"


def test_the_status_it_is_in_is_not_offered_and_is_refused(make_unit, users, client_for):
    unit = make_unit()
    answer = client_for(users["arak"]).post(
        reverse("units:status", args=[unit.pk]), {"to_status": "active", "reason": "همان"}
    )
    assert answer.status_code == 422
    assert select_options(answer.content.decode(), "to_status") == ["partial", "stalled", "closed"]
    assert not StatusChange.objects.filter(unit=unit).exists()


def test_out_of_scope_and_anonymous_readers_get_nothing(
    make_unit, users, client_for, api_client_for
):
    unit = make_unit()
    assert (
        client_for(users["saveh"]).get(reverse("units:detail", args=[unit.pk])).status_code == 404
    )
    assert api_client_for(users["saveh"]).get(f"/api/v1/units/{unit.pk}").status_code == 404
    page = client_for(None).get(reverse("units:detail", args=[unit.pk]))
    assert page.status_code == 302 and "/login" in page["Location"]
    assert api_client_for(None).get(f"/api/v1/units/{unit.pk}").status_code == 401
