"""Which counties a form offers each role (the one rule every app's forms use)."""

from __future__ import annotations

import pytest

from jahesh.accounts.places import counties_for_user
from tests.conftest import ARAK, SAVEH, TEHRAN_COUNTY


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", {ARAK, SAVEH, TEHRAN_COUNTY}),
        ("hq", {ARAK, SAVEH}),
        ("coordinator", {ARAK, SAVEH}),
        ("projects", {ARAK, SAVEH}),
        ("viewer", {ARAK, SAVEH}),
        ("hq_other", {TEHRAN_COUNTY}),
        ("arak", {ARAK}),
        ("saveh", {SAVEH}),
        # Scoped by assignment, not by place: any county.
        ("expert", {ARAK, SAVEH, TEHRAN_COUNTY}),
        ("fund", {ARAK, SAVEH, TEHRAN_COUNTY}),
    ],
)
def test_it_limits_counties_by_role(users, who, expected):
    assert set(counties_for_user(users[who]).values_list("pk", flat=True)) == expected


def test_it_gives_a_nationwide_provincial_role_every_county(users):
    hq = users["hq"]
    hq.nationwide = True
    assert counties_for_user(hq).count() == 3


def test_it_gives_anonymous_and_inactive_users_nothing(users):
    from django.contrib.auth.models import AnonymousUser

    assert not counties_for_user(AnonymousUser()).exists()
    users["arak"].is_active = False
    assert not counties_for_user(users["arak"]).exists()
