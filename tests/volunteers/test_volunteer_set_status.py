from __future__ import annotations

from datetime import date

import pytest

from jahesh.core.errors import Conflict, InvalidInput, NotFound
from jahesh.volunteers.models import Volunteer, VolunteerStatusEvent
from jahesh.volunteers.services import volunteer_set_status


def test_it_deactivates_and_reactivates_with_events(users, vols):
    v = volunteer_set_status(
        actor=users["coordinator"],
        volunteer_id=vols["arak"].pk,
        to_status="inactive",
        effective_on=date(2024, 3, 1),
        reason="مهاجرت",
    )
    assert (v.status, v.inactive_since) == ("inactive", date(2024, 3, 1))
    v = volunteer_set_status(
        actor=users["coordinator"],
        volunteer_id=v.pk,
        to_status="active",
        effective_on=date(2024, 6, 1),
    )
    assert (v.status, v.inactive_since, v.registered_on) == ("active", None, date(2024, 6, 1))
    moves = list(
        VolunteerStatusEvent.objects.filter(volunteer=v)
        .order_by("id")
        .values_list("from_status", "to_status")
    )
    assert moves == [("active", "inactive"), ("inactive", "active")]


def test_it_refuses_a_move_to_the_same_status(users, vols):
    with pytest.raises(Conflict):
        volunteer_set_status(
            actor=users["coordinator"],
            volunteer_id=vols["arak"].pk,
            to_status="active",
            effective_on=date(2024, 3, 1),
        )


def test_it_refuses_deactivation_before_registration(users, vols):
    with pytest.raises(InvalidInput):
        volunteer_set_status(
            actor=users["coordinator"],
            volunteer_id=vols["arak"].pk,
            to_status="inactive",
            effective_on=date(2020, 1, 1),
        )
    assert Volunteer.objects.get(pk=vols["arak"].pk).status == "active"


def test_it_answers_not_found_out_of_scope(users, vols):
    with pytest.raises(NotFound):
        volunteer_set_status(
            actor=users["saveh"],
            volunteer_id=vols["arak"].pk,
            to_status="inactive",
            effective_on=date(2024, 3, 1),
        )
