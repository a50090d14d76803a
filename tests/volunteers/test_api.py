from __future__ import annotations

import json
from datetime import date, datetime

import time_machine

from jahesh.volunteers.models import Credential, Group, RosterEntry, Volunteer
from jahesh.volunteers.services import RosterRow, certificate_issue, roster_save

BASE = "/api/v1/volunteers"


def _post(client, url, data, method="post"):
    return getattr(client, method)(
        url, data=json.dumps(data, default=str), content_type="application/json"
    )


def test_it_lists_volunteers_in_scope_only(users, vols, api_client_for):
    body = api_client_for(users["coordinator"]).get(f"{BASE}/").json()
    assert body["count"] == 2
    assert {v["national_code"] for v in body["items"]} == {
        vols["arak"].national_code,
        vols["saveh"].national_code,
    }
    body = api_client_for(users["arak"]).get(f"{BASE}/").json()
    assert [v["id"] for v in body["items"]] == [vols["arak"].pk]


def test_it_searches_with_persian_normalisation(users, vols, api_client_for):
    body = api_client_for(users["coordinator"]).get(f"{BASE}/", {"q": "كريمي"}).json()
    assert [v["id"] for v in body["items"]] == [vols["arak"].pk]


def test_it_answers_401_to_anonymous_and_404_out_of_scope(users, vols, api_client_for):
    assert api_client_for(None).get(f"{BASE}/").status_code == 401
    assert api_client_for(users["saveh"]).get(f"{BASE}/{vols['arak'].pk}").status_code == 404
    assert api_client_for(users["hq_other"]).get(f"{BASE}/{vols['arak'].pk}").status_code == 404
    assert api_client_for(users["viewer"]).get(f"{BASE}/{vols['arak'].pk}").status_code == 404
    assert api_client_for(users["viewer"]).get(f"{BASE}/").json()["count"] == 0
    assert api_client_for(users["coordinator"]).get(f"{BASE}/999999").status_code == 404


def test_it_refuses_wrong_methods(users, vols, api_client_for):
    client = api_client_for(users["coordinator"])
    assert client.delete(f"{BASE}/{vols['arak'].pk}").status_code == 405
    assert client.get(f"{BASE}/hours/approve").status_code == 405


def test_it_shows_a_volunteers_detail_with_groups(users, vols, groups, api_client_for):
    body = api_client_for(users["coordinator"]).get(f"{BASE}/{vols['arak'].pk}").json()
    assert body["national_code"] == vols["arak"].national_code
    assert [g["group"] for g in body["groups"]] == ["گروه جهادی شهید همت"]


def test_it_creates_a_volunteer_and_refuses_the_same_code_twice(users, geo, api_client_for):
    client = api_client_for(users["coordinator"])
    data = {
        "national_code": "۰۰۸۱۲۳۴۵۶۲",
        "first_name": "زهرا",
        "last_name": "محمدی",
        "gender": "female",
        "county_id": geo["saveh"].pk,
        "registered_on": "2024-01-10",
        "mobile": "09121234567",
    }
    r = _post(client, f"{BASE}/", data)
    assert r.status_code == 201, r.content
    assert r.json()["national_code"] == "0081234562"
    r = _post(client, f"{BASE}/", data)
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "national_code"


def test_it_refuses_a_bad_national_code_with_422(users, geo, api_client_for):
    r = _post(
        api_client_for(users["coordinator"]),
        f"{BASE}/",
        {
            "national_code": "123",
            "first_name": "a",
            "last_name": "b",
            "gender": "male",
            "county_id": geo["arak"].pk,
            "registered_on": "2024-01-10",
        },
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "national_code"


def test_it_saves_a_roster_and_reports_row_errors(
    users, vols, camp, skills, licence, api_client_for
):
    client = api_client_for(users["coordinator"])
    Credential.objects.create(volunteer=vols["arak"], kind=licence, expires_on=date(2024, 5, 2))
    url = f"{BASE}/camps/{camp.pk}/roster"
    r = _post(
        client,
        url,
        {
            "rows": [
                {
                    "national_code": vols["arak"].national_code,
                    "skill_id": skills["doctor"].pk,
                    "hours": 8,
                },
                {
                    "national_code": vols["saveh"].national_code,
                    "skill_id": skills["builder"].pk,
                    "hours": 8,
                },
            ]
        },
        method="put",
    )
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["rows.0.national_code"]
    r = _post(
        client,
        url,
        {
            "rows": [
                {
                    "national_code": vols["saveh"].national_code,
                    "skill_id": skills["builder"].pk,
                    "hours": 8,
                },
            ]
        },
        method="put",
    )
    assert r.json() == {"created": 1, "updated": 0, "unchanged": 0}
    body = client.get(url).json()
    assert body["items"][0]["value_rial"] == 4_800_000 and body["items"][0]["status"] == "approved"
    assert api_client_for(users["saveh"]).get(url).status_code == 404  # the camp is in Arak


def test_it_approves_pending_hours(users, vols, camp, skills, api_client_for):
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        source="volunteer",
        rows=[RosterRow(vols["saveh"].national_code, skills["builder"].pk, 8)],
    )
    client = api_client_for(users["coordinator"])
    pending = client.get(f"{BASE}/hours/pending").json()
    assert pending["count"] == 1
    r = _post(client, f"{BASE}/hours/approve", {"ids": [pending["items"][0]["id"]]})
    assert r.json() == {"moved": 1}
    assert RosterEntry.objects.get().status == "approved"
    assert (
        _post(api_client_for(users["viewer"]), f"{BASE}/hours/approve", {"ids": [1]}).status_code
        == 403
    )


@time_machine.travel(datetime(2024, 6, 1, 10, 0).astimezone(), tick=False)
def test_it_checks_certificates_publicly(users, vols, camp, skills, api_client_for):
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        rows=[RosterRow(vols["saveh"].national_code, skills["builder"].pk, 8)],
    )
    cert = certificate_issue(actor=users["coordinator"], entry_id=RosterEntry.objects.get().pk)
    body = api_client_for(None).get(f"{BASE}/certificates/check/{cert.code}").json()
    assert (
        body["valid"] is True and body["initials"] == "ح. ا." and body["camp_title"] == camp.title
    )
    assert "national_code" not in body
    tampered = cert.code[:-1] + ("A" if cert.code[-1] != "A" else "B")
    assert (
        api_client_for(None).get(f"{BASE}/certificates/check/{tampered}").json()["valid"] is False
    )


def test_it_lists_groups_and_camps_in_scope(users, groups, camp, api_client_for):
    client = api_client_for(users["arak"])
    assert [g["name"] for g in client.get(f"{BASE}/groups").json()["items"]] == [
        "گروه جهادی شهید همت"
    ]
    assert client.get(f"{BASE}/groups/{groups['saveh'].pk}").status_code == 404
    assert client.get(f"{BASE}/camps").json()["count"] == 1
    assert api_client_for(users["saveh"]).get(f"{BASE}/camps").json()["count"] == 0
    assert api_client_for(users["saveh"]).get(f"{BASE}/camps/{camp.pk}").status_code == 404


def test_it_creates_a_camp_in_a_village(users, geo, groups, licence, api_client_for):
    r = _post(
        api_client_for(users["coordinator"]),
        f"{BASE}/camps",
        {
            "title": "اردوی دندان‌پزشکی",
            "purpose": "dental",
            "start_date": "2024-07-01",
            "end_date": "2024-07-03",
            "village_id": 2,
            "group_ids": [groups["saveh"].pk],
            "required_credential_kind_ids": [licence.pk],
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["county_id"] == geo["saveh"].pk and body["group_ids"] == [groups["saveh"].pk]
    assert body["required_credential_kinds"] == ["medical_licence"]
    r = _post(
        api_client_for(users["arak"]),
        f"{BASE}/camps",
        {
            "title": "x",
            "purpose": "dental",
            "start_date": "2024-07-01",
            "end_date": "2024-07-03",
            "village_id": 2,
        },
    )
    assert r.status_code == 404  # Saveh's village is outside Arak's officer's scope


def test_it_adds_a_member_to_a_second_group_keeping_one_person(users, vols, groups, api_client_for):
    r = _post(
        api_client_for(users["coordinator"]),
        f"{BASE}/groups/{groups['saveh'].pk}/members",
        {"national_code": vols["arak"].national_code, "joined_on": "2024-01-01"},
    )
    assert r.status_code == 201
    assert Volunteer.objects.filter(national_code=vols["arak"].national_code).count() == 1
    members = (
        api_client_for(users["coordinator"])
        .get(f"{BASE}/groups/{groups['saveh'].pk}/members")
        .json()
    )
    assert members["count"] == 2


def test_it_creates_a_group_with_its_leader_as_a_member(users, geo, vols, api_client_for):
    r = _post(
        api_client_for(users["coordinator"]),
        f"{BASE}/groups",
        {"name": " گروه  جهادی نور ", "specialty": "medical", "county_id": geo["arak"].pk,
         "leader_national_code": vols["arak"].national_code, "founded_on": "2024-02-01"},
    )  # fmt: skip
    assert r.status_code == 201, r.content
    group = Group.objects.get(pk=r.json()["id"])
    assert (group.name, group.specialty, group.leader, group.founded_on) == (
        "گروه جهادی نور", "medical", vols["arak"], date(2024, 2, 1)
    )  # fmt: skip
    assert list(group.memberships.values_list("volunteer_id", "joined_on")) == [
        (vols["arak"].pk, date(2024, 2, 1))
    ]
