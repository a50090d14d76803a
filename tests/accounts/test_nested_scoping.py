"""Lists inside a record show the people the reader may open and only count the
others (accounts.scoping: ``through``, ``scoped_nested``, ``scope_exists``)."""

from __future__ import annotations

import pytest

from jahesh.accounts.scoping import scoped, scoped_nested
from jahesh.clinic.models import Session
from jahesh.volunteers.models import Camp, Group, Membership
from tests.accounts.canary_world import MARK, plant


@pytest.fixture
def world(geo, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return plant(geo, users)


def _group(place: str) -> Group:
    return Group.objects.get(name=f"{MARK}-group-{place}")


def test_it_answers_group_members_in_scope_and_the_number_of_the_others(
    world, users, api_client_for
):
    # Given Arak's group with members from Arak, Saveh and Tehran
    url = f"/api/v1/volunteers/groups/{_group('A').pk}/members"
    # When Arak's officer and Markazi's coordinator read its members
    arak = api_client_for(users["arak"]).get(url).json()
    markazi = api_client_for(users["coordinator"]).get(url).json()
    # Then each sees the members of their scope and only the number of the others
    assert [v["last_name"] for v in arak["items"]] == [f"{MARK}-volunteer-A"]
    assert (arak["count"], arak["hidden"]) == (1, 2)
    assert [v["last_name"] for v in markazi["items"]] == [
        f"{MARK}-volunteer-A",
        f"{MARK}-volunteer-S",
    ]
    assert (markazi["count"], markazi["hidden"]) == (2, 1)


def test_it_answers_a_camp_roster_in_scope_and_the_number_of_the_others(
    world, users, api_client_for
):
    camp = Camp.objects.get(title=f"{MARK}-camp-S")
    body = api_client_for(users["saveh"]).get(f"/api/v1/volunteers/camps/{camp.pk}/roster").json()
    assert [e["name"] for e in body["items"]] == [f"علی {MARK}-volunteer-S"]
    assert (body["count"], body["hidden"]) == (1, 2)
    detail = api_client_for(users["saveh"]).get(f"/api/v1/volunteers/camps/{camp.pk}").json()
    assert (detail["group_ids"], detail["hidden_groups"]) == ([_group("S").pk], 2)


def test_it_says_on_the_group_page_how_many_members_are_out_of_scope(world, users, client_for):
    html = client_for(users["arak"]).get(f"/volunteers/groups/{_group('A').pk}/").content.decode()
    assert "و ۲ نفر دیگر خارج از حوزهٔ شما" in html
    assert f"{MARK}-volunteer-S" not in html
    # The leader (Saveh's volunteer) is not named either.
    assert "خارج از حوزهٔ شما</span>" in html


def test_it_keeps_a_membership_of_an_out_of_scope_volunteer_out_of_scoped(world, users):
    rows = scoped(users["arak"], Membership).filter(group=_group("A"))
    assert [m.volunteer.last_name for m in rows] == [f"{MARK}-volunteer-A"]
    assert scoped(users["admin"], Membership).filter(group=_group("A")).count() == 3


def test_it_counts_a_sessions_agenda_by_the_readers_scope(world, users):
    session = Session.objects.get(group__name=f"{MARK}-wgroup-M")
    agenda = scoped_nested(users["saveh"], session.agenda.all())
    assert [c.title for c in agenda.rows] == [f"{MARK}-case-S"]
    assert agenda.hidden == 2
    everything = scoped_nested(users["admin"], session.agenda.all())
    assert (everything.rows.count(), everything.hidden) == (3, 0)
