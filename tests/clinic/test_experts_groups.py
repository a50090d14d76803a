"""Registering experts and working groups (``services.expert_create``,
``working_group_create``): the rules the demo scenario now writes through."""

from __future__ import annotations

import pytest

from jahesh.clinic import services
from jahesh.clinic.models import Expert, WorkingGroup
from jahesh.core.errors import Conflict, Forbidden, InvalidInput


def _expert(user, province, **over):
    fields = {
        "user": user,
        "name": "  دكتر علي   رضايي ",
        "kind": Expert.Kind.UNIVERSITY,
        "province": province,
        "isic_sections": "c f",
        "capacity": 6,
    }
    return services.expert_create(**{**fields, **over})


def test_an_expert_is_registered_cleaned_with_categories_and_history(geo, users, category):
    expert = _expert(
        users["hq"], geo["markazi"], categories=[category], expert_user=users["expert"]
    )
    expert.refresh_from_db()
    assert (expert.name, expert.isic_sections, expert.capacity) == ("دکتر علی رضایی", "CF", 6)
    assert expert.name_key and expert.user == users["expert"]
    assert list(expert.categories.all()) == [category]
    assert expert.history.get().history_user == users["hq"]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"name": "  "}, "name"),
        ({"kind": "wizard"}, "kind"),
        ({"isic_sections": "CZ"}, "isic_sections"),
        ({"isic_sections": "CC"}, "isic_sections"),
        ({"capacity": 0}, "capacity"),
    ],
)
def test_an_expert_with_a_broken_field_is_refused(geo, users, over, field):
    with pytest.raises(InvalidInput) as refused:
        _expert(users["hq"], geo["markazi"], **over)
    assert refused.value.field == field
    assert not Expert.objects.exists()


def test_only_a_manager_of_the_province_registers_experts(geo, users):
    with pytest.raises(InvalidInput):
        _expert(users["hq"], geo["markazi"], expert_user=users["fund"])
    for who in ("expert", "viewer", "hq_other"):
        with pytest.raises(Forbidden):
            _expert(users[who], geo["markazi"])
    assert not Expert.objects.exists()
    assert _expert(users["arak"], geo["markazi"]).province == geo["markazi"]


def test_a_working_group_takes_active_experts_of_its_province_under_one_name(geo, users):
    mine = _expert(users["hq"], geo["markazi"])
    theirs = _expert(users["hq_other"], geo["tehran"])
    group = services.working_group_create(
        user=users["hq"], name="کارگروه  فولاد", province=geo["markazi"], members=[mine]
    )
    assert group.name == "کارگروه فولاد" and list(group.members.all()) == [mine]
    with pytest.raises(Conflict):
        services.working_group_create(
            user=users["hq"], name="کارگروه فولاد", province=geo["markazi"]
        )
    with pytest.raises(InvalidInput):
        services.working_group_create(
            user=users["hq"], name="کارگروه دیگر", province=geo["markazi"], members=[theirs]
        )
    with pytest.raises(Forbidden):
        services.working_group_create(user=users["hq_other"], name="x", province=geo["markazi"])
    assert WorkingGroup.objects.count() == 1
