"""The one scoping mechanism, exercised on a real model with a county (Village)
under a temporary policy, so the rules are tested apart from any app."""

from __future__ import annotations

import pytest
from django.http import Http404

from jahesh.accounts import scoping
from jahesh.accounts.roles import Module
from jahesh.accounts.scoping import Area, ScopePolicy, area_for, get_scoped_or_404, scoped
from jahesh.geo.models import Village
from tests.conftest import ARAK, MARKAZI, SAVEH, TEHRAN, TEHRAN_COUNTY


@pytest.fixture
def village_policy(monkeypatch):
    def use(**kw):
        kw.setdefault("module", Module.UNITS)
        kw.setdefault("county", "county")
        monkeypatch.setitem(scoping._registry, Village, ScopePolicy(**kw))

    use()
    return use


def _counties(user):
    return sorted(scoped(user, Village).values_list("county_id", flat=True))


def test_it_limits_a_county_officer_to_their_county(users, village_policy):
    assert _counties(users["arak"]) == [ARAK]
    assert _counties(users["saveh"]) == [SAVEH]


def test_it_limits_provincial_roles_to_their_province(users, village_policy):
    assert _counties(users["hq"]) == sorted([ARAK, SAVEH])
    assert _counties(users["hq_other"]) == [TEHRAN_COUNTY]


def test_it_gives_admin_and_nationwide_users_everything(users, village_policy):
    assert _counties(users["admin"]) == sorted([ARAK, SAVEH, TEHRAN_COUNTY])
    hq = users["hq"]
    hq.nationwide = True
    assert _counties(hq) == sorted([ARAK, SAVEH, TEHRAN_COUNTY])


def test_it_gives_anonymous_users_nothing(geo, village_policy):
    from django.contrib.auth.models import AnonymousUser

    assert _counties(AnonymousUser()) == []


def test_it_hides_personal_records_from_viewers(users, village_policy):
    assert _counties(users["viewer"]) == []
    village_policy(personal=False, module=Module.DASHBOARD)
    assert _counties(users["viewer"]) == sorted([ARAK, SAVEH])


def test_it_hides_a_module_from_roles_that_may_not_use_it(users, village_policy):
    # fund managers may not use the units module, whatever their assignment
    village_policy(assigned={"fund_manager": "county__province__id"})
    assert _counties(users["fund"]) == []


def test_it_scopes_assignment_roles_by_their_assignment_path(users, monkeypatch):
    # The User table stands in for an assigned record: the path "id" reaches the
    # user itself, so an expert sees exactly their own row, a county officer the
    # rows of their county.
    from jahesh.accounts.models import User

    monkeypatch.setitem(
        scoping._registry,
        User,
        ScopePolicy(module=Module.CLINIC, county="county", assigned={"clinic_expert": "id"}),
    )
    assert list(scoped(users["expert"], User).values_list("username", flat=True)) == ["expert"]
    assert list(scoped(users["arak"], User).values_list("username", flat=True)) == ["arak"]
    # a fund manager has no assignment path for this model: nothing
    assert list(scoped(users["fund"], User)) == []


def test_it_answers_404_for_an_out_of_scope_record(users, village_policy):
    saveh_village = Village.objects.get(county_id=SAVEH)
    with pytest.raises(Http404):
        get_scoped_or_404(users["arak"], Village, pk=saveh_village.pk)
    assert get_scoped_or_404(users["saveh"], Village, pk=saveh_village.pk) == saveh_village


def test_it_answers_404_for_a_malformed_id(users, village_policy):
    with pytest.raises(Http404):
        get_scoped_or_404(users["admin"], Village, pk="not-a-number")


def test_it_refuses_an_unregistered_model(users):
    from jahesh.accounts.models import ApiToken

    with pytest.raises(LookupError, match="no scope policy"):
        scoped(users["admin"], ApiToken)


def test_it_clamps_an_aggregate_area_to_the_users_scope(users):
    # a county officer asking for the whole province gets their county
    assert area_for(users["arak"], province_id=MARKAZI) == Area(province_id=MARKAZI, county_id=ARAK)
    # a provincial manager asking for another province gets their own
    assert area_for(users["hq"], province_id=TEHRAN) == Area(province_id=MARKAZI)
    assert area_for(users["hq"], county_id=SAVEH) == Area(province_id=MARKAZI, county_id=SAVEH)
    assert area_for(users["hq"], county_id=TEHRAN_COUNTY) == Area(province_id=MARKAZI)
    assert area_for(users["admin"]) == Area()
    with pytest.raises(Http404):
        area_for(users["expert"])


def test_it_filters_by_area():
    assert str(Area(county_id=5).q("unit__county")) == "(AND: ('unit__county', 5))"
    assert str(Area(province_id=28).q("county")) == "(AND: ('county__province', 28))"
    assert str(Area().q("county")) == "(AND: )"
