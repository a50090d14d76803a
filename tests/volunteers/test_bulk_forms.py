"""The bulk forms the demo writes through (volunteers_create, groups_create,
memberships_create, camps_create, the build functions and volunteer_history)
refuse what the per-record services refuse, with the same messages, and write
the same rows."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from jahesh.core.errors import ApplicationError, Conflict, InvalidInput, NotFound
from jahesh.geo.models import Village
from jahesh.volunteers import services
from jahesh.volunteers.models import (
    Credential,
    Group,
    Membership,
    RosterEntry,
    Volunteer,
    VolunteerStatusEvent,
)
from jahesh.volunteers.national_codes import national_code_for

NOW = timezone.make_aware(datetime(2024, 5, 1, 12))


def _person(n: int, county, **kw) -> services.VolunteerFields:
    return services.VolunteerFields(**{
        "national_code": national_code_for(n),
        "first_name": "زهرا",
        "last_name": "کریمی",
        "gender": Volunteer.Gender.FEMALE,
        "county_id": county.pk,
        "registered_on": date(2023, 1, 10),
        "mobile": "+989121234567",
        **kw,
    })  # fmt: skip


def _message(call) -> tuple[type, str, str | None]:
    with pytest.raises(ApplicationError) as caught:
        call()
    return type(caught.value), str(caught.value), caught.value.field


def _bulk(actor, *people, inactive_on=None):
    built = []
    for fields in people:
        v = services.volunteer_build(fields)
        events = services.volunteer_history(
            v, actor=actor, now=NOW, inactive_on=inactive_on, reason="پایان همکاری"
        )
        built.append((v, events))
    return services.volunteers_create(built, actor=actor)


def test_the_bulk_form_writes_the_rows_the_services_write(users, geo):
    actor = users["coordinator"]
    one = services.volunteer_create(_person(101, geo["arak"]), actor=actor, now=NOW)
    services.volunteer_set_status(
        actor=actor,
        volunteer_id=one.pk,
        to_status="inactive",
        effective_on=date(2024, 2, 1),
        reason="پایان همکاری",
        now=NOW,
    )
    (two,) = _bulk(actor, _person(102, geo["arak"]), inactive_on=date(2024, 2, 1))

    def shape(v):
        v = Volunteer.objects.get(pk=v.pk)
        events = VolunteerStatusEvent.objects.filter(volunteer=v).order_by("id")
        return (
            (v.first_name, v.last_name, v.mobile, v.status, v.inactive_since, v.registered_on),
            list(events.values_list("from_status", "to_status", "effective_on", "at", "by", "reason")),
        )  # fmt: skip

    assert shape(one) == shape(two)
    assert shape(two)[1] == [
        ("", "active", date(2023, 1, 10), NOW, actor.pk, "ثبت‌نام"),
        ("active", "inactive", date(2024, 2, 1), NOW, actor.pk, "پایان همکاری"),
    ]


def test_the_bulk_form_refuses_a_registered_code_as_volunteer_create_does(users, geo):
    actor = users["coordinator"]
    services.volunteer_create(_person(103, geo["arak"]), actor=actor)
    single = _message(lambda: services.volunteer_create(_person(103, geo["saveh"]), actor=actor))
    bulk = _message(lambda: _bulk(actor, _person(103, geo["saveh"])))
    assert bulk == single
    assert single[0] is Conflict and single[2] == "national_code"
    # the same person twice in one batch: refused too, nothing written
    twice = _message(lambda: _bulk(actor, _person(104, geo["arak"]), _person(104, geo["saveh"])))
    assert twice[:2] == (
        Conflict,
        single[1].replace(national_code_for(103), national_code_for(104)),
    )
    assert not Volunteer.objects.filter(national_code=national_code_for(104)).exists()


def test_the_bulk_form_refuses_a_county_outside_the_actors_scope(users, geo):
    actor = users["arak"]
    single = _message(lambda: services.volunteer_create(_person(105, geo["saveh"]), actor=actor))
    bulk = _message(lambda: _bulk(actor, _person(106, geo["arak"]), _person(105, geo["saveh"])))
    assert bulk == single and single[0] is NotFound
    assert Volunteer.objects.count() == 0


@pytest.mark.parametrize(
    "change",
    [
        {"national_code": "123"},
        {"first_name": " "},
        {"gender": "x"},
        {"birth_year": 1200},
        {"mobile": "12345"},
    ],
)
def test_the_build_refuses_what_volunteer_create_refuses(users, geo, change):
    fields = _person(107, geo["arak"], **change)
    single = _message(lambda: services.volunteer_create(fields, actor=users["coordinator"]))
    assert _message(lambda: services.volunteer_build(fields)) == single
    assert single[0] is InvalidInput


def test_a_leaving_before_registration_is_refused_as_volunteer_set_status_does(users, geo):
    actor = users["coordinator"]
    v = services.volunteer_create(_person(108, geo["arak"]), actor=actor)
    single = _message(
        lambda: services.volunteer_set_status(
            actor=actor, volunteer_id=v.pk, to_status="inactive", effective_on=date(2022, 1, 1)
        )
    )
    built = services.volunteer_build(_person(109, geo["arak"]))
    bulk = _message(
        lambda: services.volunteer_history(
            built, actor=actor, now=NOW, inactive_on=date(2022, 1, 1)
        )
    )
    assert bulk == single and single[2] == "effective_on"


def test_groups_memberships_and_camps_refuse_as_their_services_do(users, geo, vols, groups):
    actor = users["coordinator"]
    name = groups["arak"].name

    def arak_group(name: str) -> services.GroupFields:
        return services.GroupFields(name=name, specialty="general", county_id=geo["arak"].pk)

    single = _message(
        lambda: services.group_create(arak_group(name), actor=actor)
    )  # fmt: skip
    built = services.group_build(arak_group(name))
    assert _message(lambda: services.groups_create([built], actor=actor)) == single
    twice = [services.group_build(arak_group("گروه نو")) for _ in range(2)]
    assert _message(lambda: services.groups_create(twice, actor=actor)) == single
    odd = services.GroupFields(name="گروه", specialty="x", county_id=1)
    bad = _message(lambda: services.group_build(odd))
    assert bad == _message(lambda: services.group_create(odd, actor=actor))

    single = _message(
        lambda: services.membership_add(
            actor=actor, group=groups["arak"], national_code=vols["arak"].national_code,
            joined_on=date(2023, 1, 1),
        )
    )  # fmt: skip
    again = Membership(group=groups["arak"], volunteer=vols["arak"], joined_on=date(2023, 1, 1))
    assert _message(lambda: services.memberships_create([again], actor=actor)) == single

    village = Village.objects.get(county=geo["arak"])
    fields = {"title": "اردو", "purpose": "medical", "start_date": date(2024, 3, 5),
              "end_date": date(2024, 3, 1)}  # fmt: skip
    wrong = services.CampFields(village=village, **fields)
    single = _message(lambda: services.camp_create(wrong, actor=actor))
    assert _message(lambda: services.camp_build(wrong, actor=actor)) == single
    fields["end_date"] = date(2024, 3, 9)
    outside = services.CampFields(
        village=Village.objects.get(county=geo["tehran_county"]), **fields
    )
    camp = services.camp_build(outside, actor=actor)
    single = _message(lambda: services.camp_create(outside, actor=actor))
    assert _message(lambda: services.camps_create([(camp, [])], actor=actor)) == single
    # a camp in scope links the groups its actor may see, as camp_create does
    camp = services.camp_build(services.CampFields(village=village, **fields), actor=actor)
    other = Group.objects.create(name="گروه تهران", name_key="تهران", county=geo["tehran_county"],
                                 specialty="general")  # fmt: skip
    (camp,) = services.camps_create([(camp, [groups["arak"].pk, other.pk])], actor=actor)
    assert list(camp.groups.values_list("pk", flat=True)) == [groups["arak"].pk]


def test_skills_and_credentials_refuse_as_their_services_do(users, vols, skills, licence):
    actor, v = users["coordinator"], vols["arak"]
    single = _message(
        lambda: services.volunteer_skill_set(actor=actor, volunteer=v, skill_id=skills["builder"].pk, level="x")
    )  # fmt: skip
    bulk = _message(
        lambda: services.volunteer_skill_build(
            volunteer=v, skill_id=skills["builder"].pk, level="x", document="", skills={skills["builder"].pk}
        )
    )  # fmt: skip
    assert bulk == single
    single = _message(
        lambda: services.credential_add(
            actor=actor, volunteer=v, kind_id=licence.pk, expires_on=date(2020, 1, 1),
            issued_on=date(2021, 1, 1),
        )
    )  # fmt: skip
    bulk = _message(
        lambda: services.credential_build(
            volunteer=v, kind_id=licence.pk, expires_on=date(2020, 1, 1),
            issued_on=date(2021, 1, 1), kinds={licence.pk},
        )
    )  # fmt: skip
    assert bulk == single
    outside = vols["tehran"]
    link = services.volunteer_skill_build(
        volunteer=outside, skill_id=skills["builder"].pk, level="basic", document="", skills={skills["builder"].pk}
    )  # fmt: skip
    single = _message(
        lambda: services.volunteer_skill_set(actor=actor, volunteer=outside, skill_id=skills["builder"].pk, level="basic")
    )  # fmt: skip
    assert (
        _message(lambda: services.skills_and_credentials_create([link], [], actor=actor)) == single
    )


ROSTER_NOW = timezone.make_aware(datetime(2024, 5, 6, 9))


def _row_refusal(call) -> str:
    """roster_save's refusal of a one-row roster: the row's message."""
    with pytest.raises(InvalidInput) as caught:
        call()
    return caught.value.errors[0]["message"]


def _entry(actor, camp, volunteer, skill, hours, held=None, source="coordinator"):
    return services.roster_entry_build(
        camp=camp, volunteer=volunteer, skill=skill, hours=hours, source=source,
        camp_kinds=list(camp.required_credential_kinds.all()), held=held or {}, actor=actor,
        now=ROSTER_NOW,
    )  # fmt: skip


def test_the_roster_bulk_form_writes_what_roster_save_writes(users, camp, vols, skills):
    actor = users["coordinator"]
    saved = services.roster_save(
        actor=actor, camp=camp, now=ROSTER_NOW,
        rows=[services.RosterRow(vols["arak"].national_code, skills["builder"].pk, 16)],
    )  # fmt: skip
    one = saved.entries[0]
    one_rows = (
        list(one.history.values_list("history_type", "history_user", "status", "hours")),
        list(one.events.values_list("from_status", "to_status", "hours", "at", "by")),
    )
    one.delete()
    (two,) = services.roster_entries_create(
        [_entry(actor, camp, vols["arak"], skills["builder"], Decimal(16))],
        actor=actor, now=ROSTER_NOW,
    )  # fmt: skip
    two_rows = (
        list(two.history.values_list("history_type", "history_user", "status", "hours")),
        list(two.events.values_list("from_status", "to_status", "hours", "at", "by")),
    )
    fields = ("skill_id", "hours", "hourly_rate_rial", "source", "status", "logged_by_id",
              "logged_at", "approved_by_id", "approved_at")  # fmt: skip
    assert [getattr(two, f) for f in fields] == [getattr(one, f) for f in fields]
    assert two_rows[1] == one_rows[1]
    # no history row: the bulk forms record no person's edit
    assert (len(one_rows[0]), len(two_rows[0])) == (1, 0)
    assert two_rows[1] == [("", "approved", Decimal(16), ROSTER_NOW, actor.pk)]


def test_the_roster_bulk_form_refuses_what_roster_save_refuses(users, camp, vols, skills, licence):
    actor, v = users["coordinator"], vols["arak"]
    code = v.national_code
    # a licence that lapses before the camp's last day
    Credential.objects.create(volunteer=v, kind=licence, number="1", expires_on=date(2024, 5, 3))
    single = _row_refusal(
        lambda: services.roster_save(
            actor=actor, camp=camp, rows=[services.RosterRow(code, skills["doctor"].pk, 8)]
        )
    )
    held = {licence.pk: date(2024, 5, 3)}
    bulk = _message(lambda: _entry(actor, camp, v, skills["doctor"], 8, held))
    assert bulk == (InvalidInput, single, "national_code")
    # hours out of range
    single = _row_refusal(
        lambda: services.roster_save(actor=actor, camp=camp, rows=[services.RosterRow(code, None, 2001)])
    )  # fmt: skip
    assert _message(lambda: _entry(actor, camp, v, None, 2001)) == (InvalidInput, single, "hours")
    # a volunteer outside the actor's scope
    outside = vols["tehran"]
    single = _row_refusal(
        lambda: services.roster_save(
            actor=actor, camp=camp, rows=[services.RosterRow(outside.national_code, None, 8)]
        )
    )
    entry = _entry(actor, camp, outside, None, 8)
    bulk = _message(lambda: services.roster_entries_create([entry], actor=actor, now=ROSTER_NOW))
    assert bulk == (InvalidInput, single, "national_code")
    twice = [_entry(actor, camp, v, None, 8), _entry(actor, camp, v, None, 4)]
    single = _row_refusal(
        lambda: services.roster_save(
            actor=actor, camp=camp, rows=[services.RosterRow(code, None, 8)] * 2
        )
    )
    bulk = _message(lambda: services.roster_entries_create(twice, actor=actor, now=ROSTER_NOW))
    assert bulk == (InvalidInput, single, "national_code")
    assert not RosterEntry.objects.exists()


def test_a_certificate_is_built_only_as_certificate_issue_issues_one(users, camp, vols, skills):
    actor = users["coordinator"]
    (entry,) = services.roster_entries_create(
        [_entry(actor, camp, vols["arak"], None, 8, source="volunteer")],
        actor=actor, now=ROSTER_NOW,
    )  # fmt: skip
    single = _message(
        lambda: services.certificate_issue(actor=actor, entry_id=entry.pk, now=ROSTER_NOW)
    )
    assert (
        _message(lambda: services.certificate_build(entry=entry, actor=actor, now=ROSTER_NOW))
        == single
    )
    assert single[0] is Conflict
    services.hours_approve(actor=actor, entry_ids=[entry.pk], now=ROSTER_NOW)
    entry.refresh_from_db()
    early = timezone.make_aware(datetime(2024, 5, 2, 9))
    single = _message(lambda: services.certificate_issue(actor=actor, entry_id=entry.pk, now=early))
    assert (
        _message(lambda: services.certificate_build(entry=entry, actor=actor, now=early)) == single
    )
    cert = services.certificate_build(entry=entry, actor=actor, now=ROSTER_NOW)
    assert (cert.hours, cert.issued_by, len(cert.code)) == (Decimal(8), actor, 20)
