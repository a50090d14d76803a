from __future__ import annotations

from datetime import date

import pytest

from jahesh.accounts.scoping import Area
from jahesh.core.errors import Conflict, InvalidInput, NotFound
from jahesh.reports.figures import kpi_value
from jahesh.volunteers.models import Membership, Volunteer, VolunteerStatusEvent
from jahesh.volunteers.national_codes import national_code_for
from jahesh.volunteers.selectors import kpi_volunteers_records
from jahesh.volunteers.services import VolunteerFields, membership_add, volunteer_create

from .conftest import make_volunteer


def _create(actor, county, code="۰۰۸۱۲۳۴۵۶۲", **kw):
    fields = VolunteerFields(
        national_code=code,
        first_name=kw.pop("first_name", "علي"),
        last_name="كريمي",
        gender="male",
        county_id=county.pk,
        registered_on=date(2023, 3, 1),
        mobile=kw.pop("mobile", "+98 912 123 4567"),
        **kw,
    )
    return volunteer_create(fields, actor=actor)


def test_it_normalises_code_name_and_mobile(users, geo):
    v = _create(users["coordinator"], geo["arak"])
    assert v.national_code == "0081234562"
    assert (v.first_name, v.last_name, v.mobile) == ("علی", "کریمی", "09121234567")
    assert "0081234562" in v.search_key and "علی" in v.search_key
    event = VolunteerStatusEvent.objects.get(volunteer=v)
    assert (event.from_status, event.to_status, event.by) == ("", "active", users["coordinator"])


def test_it_refuses_a_second_registration_of_the_same_code(users, geo):
    _create(users["coordinator"], geo["arak"])
    with pytest.raises(Conflict) as exc:
        _create(users["coordinator"], geo["saveh"], code="0081234562")
    assert "0081234562" in str(exc.value)
    assert Volunteer.objects.count() == 1


def test_it_refuses_an_invalid_code_with_a_persian_message(users, geo):
    with pytest.raises(InvalidInput) as exc:
        _create(users["coordinator"], geo["arak"], code="0081234561")
    assert exc.value.errors[0]["field"] == "national_code"
    assert "کنترل" in exc.value.errors[0]["message"]


def test_it_refuses_a_county_outside_the_actors_scope(users, geo):
    with pytest.raises(NotFound):
        _create(users["arak"], geo["saveh"])
    assert not Volunteer.objects.exists()


def test_it_refuses_a_bad_birth_year(users, geo):
    with pytest.raises(InvalidInput) as exc:
        _create(users["coordinator"], geo["arak"], birth_year=1990)
    assert exc.value.errors[0]["field"] == "birth_year"


def test_it_counts_a_person_in_two_groups_once(users, geo, groups, vols):
    # Given the Arak volunteer, leader of the Arak group, also joins the Saveh group
    membership_add(
        actor=users["coordinator"],
        group=groups["saveh"],
        national_code=vols["arak"].national_code,
        joined_on=date(2023, 1, 1),
    )
    assert Membership.objects.filter(volunteer=vols["arak"]).count() == 2
    # Then Markazi still counts two people (Arak's and Saveh's), not three
    area = Area(province_id=geo["markazi"].pk)
    assert kpi_value("volunteers", area=area, start=date(2020, 1, 1), end=date(2025, 1, 1)) == 2
    assert set(kpi_volunteers_records(area=area, start=date(2020, 1, 1), end=date(2025, 1, 1))) == {
        vols["arak"],
        vols["saveh"],
    }


def test_it_refuses_a_second_membership_in_the_same_group(users, groups, vols):
    with pytest.raises(Conflict):
        membership_add(
            actor=users["coordinator"],
            group=groups["arak"],
            national_code=vols["arak"].national_code,
            joined_on=date(2023, 1, 1),
        )


def test_it_counts_only_people_active_on_the_periods_last_day(geo):
    area = Area(province_id=geo["markazi"].pk)
    make_volunteer(10, geo["arak"], registered_on=date(2024, 12, 31))  # active on the last day
    make_volunteer(11, geo["arak"], registered_on=date(2025, 1, 1))  # registered after
    make_volunteer(
        12, geo["arak"], status="inactive", inactive_since=date(2024, 12, 31)
    )  # inactive on the last day
    make_volunteer(
        13, geo["saveh"], status="inactive", inactive_since=date(2025, 1, 1)
    )  # still active on the last day
    make_volunteer(14, geo["tehran_county"])  # another province
    got = kpi_volunteers_records(area=area, start=date(2020, 1, 1), end=date(2025, 1, 1))
    assert sorted(v.national_code for v in got) == [national_code_for(10), national_code_for(13)]
    assert (
        kpi_value(
            "volunteers",
            area=Area(county_id=geo["saveh"].pk),
            start=date(2020, 1, 1),
            end=date(2025, 1, 1),
        )
        == 1
    )


def test_it_finds_a_volunteer_by_national_code_in_persian_digits(users, vols):
    from jahesh.core.digits import to_persian_digits
    from jahesh.volunteers.selectors import volunteer_list

    found = volunteer_list(
        user=users["coordinator"], q=to_persian_digits(vols["saveh"].national_code)
    )
    assert list(found) == [vols["saveh"]]
    assert not volunteer_list(user=users["arak"], q=vols["saveh"].national_code).exists()
