from __future__ import annotations

from datetime import date, timedelta

import pytest

from jahesh.core.errors import Conflict, InvalidInput, NotFound
from jahesh.volunteers.models import Volunteer, VolunteerStatusEvent
from jahesh.volunteers.services import volunteer_set_status

ONE_DAY = timedelta(days=1)


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
    registered = vols["arak"].registered_on
    # The first registration stays; the events are the history the KPI reads.
    assert (v.status, v.inactive_since, v.registered_on) == ("active", None, registered)
    moves = list(
        VolunteerStatusEvent.objects.filter(volunteer=v)
        .order_by("id")
        .values_list("from_status", "to_status")
    )
    assert moves == [("active", "inactive"), ("inactive", "active")]
    from jahesh.accounts.scoping import Area
    from jahesh.reports.figures import kpi_value

    def active_at(day: date) -> int:
        return kpi_value("volunteers", area=Area(county_id=v.county_id,
                         province_id=v.county.province_id), start=day, end=day + ONE_DAY)  # fmt: skip

    assert [active_at(date(2024, 2, 29)), active_at(date(2024, 4, 1)),
            active_at(date(2024, 6, 1))] == [1, 0, 1]  # fmt: skip


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
