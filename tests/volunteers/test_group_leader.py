"""A new group's leader by national code: one lookup (``selectors.group_leader``)
for the page and the API, with the same refusals."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from jahesh.core.digits import to_persian_digits
from jahesh.core.errors import InvalidInput
from jahesh.volunteers import selectors
from jahesh.volunteers.models import Group

NOT_REGISTERED = "سرگروه باید پیش‌تر به‌عنوان نیرو ثبت شده باشد."


def _refusal(user, code: str) -> tuple[str | None, str]:
    with pytest.raises(InvalidInput) as exc:
        selectors.group_leader(user=user, national_code=code, field="leader")
    return exc.value.field, exc.value.message


def test_it_finds_the_leader_in_scope_by_any_digits(users, vols):
    coordinator = users["coordinator"]
    code = vols["arak"].national_code
    assert selectors.group_leader(user=coordinator, national_code="", field="x") is None
    assert selectors.group_leader(user=coordinator, national_code=" ", field="x") is None
    found = selectors.group_leader(
        user=coordinator, national_code=to_persian_digits(code), field="x"
    )
    assert found == vols["arak"]


def test_it_refuses_an_unknown_an_out_of_scope_and_a_malformed_code(users, vols):
    coordinator = users["coordinator"]
    # Tehran's volunteer is outside a Markazi coordinator's scope: said as not registered.
    assert _refusal(coordinator, vols["tehran"].national_code) == ("leader", NOT_REGISTERED)
    assert _refusal(users["arak"], vols["saveh"].national_code) == ("leader", NOT_REGISTERED)
    field, message = _refusal(coordinator, "123")
    assert field == "leader" and message != NOT_REGISTERED and "کد ملی" in message
    with translation.override("en"):
        assert _refusal(coordinator, vols["tehran"].national_code) == (
            "leader",
            "The group leader must already be registered as a volunteer.",
        )


def _group(county) -> dict:
    return {"name": "گروه نو", "specialty": "medical", "founded_on": "", "county": county.pk}


def test_the_page_and_the_api_refuse_alike(users, geo, vols, client_for, api_client_for):
    out_of_scope = vols["tehran"].national_code
    page = client_for(users["coordinator"]).post(
        "/volunteers/groups/new/", {**_group(geo["arak"]), "leader_code": out_of_scope}
    )
    assert page.status_code == 422
    assert page.context["form"].errors["leader_code"] == [NOT_REGISTERED]
    api = api_client_for(users["coordinator"]).post(
        "/api/v1/volunteers/groups",
        json.dumps(
            {
                "name": "گروه نو",
                "specialty": "medical",
                "county_id": geo["arak"].pk,
                "leader_national_code": out_of_scope,
            }
        ),  # fmt: skip
        content_type="application/json",
    )
    assert api.status_code == 422
    assert api.json()["errors"] == [{"field": "leader_national_code", "message": NOT_REGISTERED}]
    assert not Group.objects.filter(name="گروه نو").exists()


def test_the_page_creates_the_group_with_its_leader(users, geo, vols, client_for):
    response = client_for(users["coordinator"]).post(
        "/volunteers/groups/new/",
        {**_group(geo["arak"]), "leader_code": vols["arak"].national_code},
    )
    assert response.status_code == 302
    group = Group.objects.get(name="گروه نو")
    assert group.leader == vols["arak"]
    assert list(group.memberships.values_list("volunteer_id", flat=True)) == [vols["arak"].pk]


def test_anonymous_creates_no_group(geo, vols, client_for, api_client_for):
    page = client_for(None).post(
        "/volunteers/groups/new/",
        {**_group(geo["arak"]), "leader_code": vols["arak"].national_code},
    )
    assert page.status_code == 302 and "/login" in page["Location"]
    api = api_client_for(None).post(
        "/api/v1/volunteers/groups",
        json.dumps({"name": "گروه نو", "specialty": "medical", "county_id": geo["arak"].pk}),
        content_type="application/json",
    )
    assert api.status_code == 401
    assert not Group.objects.filter(name="گروه نو").exists()
