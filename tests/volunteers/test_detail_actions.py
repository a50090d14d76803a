from __future__ import annotations

from datetime import date

from django.urls import reverse

from jahesh.volunteers.models import Credential, Membership, RosterEntry, Volunteer, VolunteerSkill
from jahesh.volunteers.services import RosterRow, roster_save


def test_it_deactivates_from_the_detail_page(users, vols, client_for):
    url = reverse("volunteers:status", args=[vols["arak"].pk])
    response = client_for(users["arak"]).post(
        url, {"status": "inactive", "effective_on": "۱۴۰۳/۰۱/۱۵", "reason": "مهاجرت"}
    )
    assert response.status_code == 302
    v = Volunteer.objects.get(pk=vols["arak"].pk)
    assert (v.status, v.inactive_since) == ("inactive", date(2024, 4, 3))
    assert client_for(users["saveh"]).post(url, {"status": "active"}).status_code == 404


def test_it_adds_a_skill_and_a_credential(users, vols, skills, licence, client_for):
    client = client_for(users["coordinator"])
    pk = vols["arak"].pk
    client.post(
        reverse("volunteers:skill_add", args=[pk]),
        {"skill": skills["doctor"].pk, "level": "expert", "document": "دکترای پزشکی"},
    )
    client.post(
        reverse("volunteers:credential_add", args=[pk]),
        {"kind": licence.pk, "number": "۱۲۳۴۵", "expires_on": "1406/01/01"},
    )
    link = VolunteerSkill.objects.get(volunteer_id=pk)
    assert (link.skill, link.level, link.document) == (skills["doctor"], "expert", "دکترای پزشکی")
    cred = Credential.objects.get(volunteer_id=pk)
    assert (cred.number, cred.expires_on) == ("12345", date(2027, 3, 21))
    page = client.get(reverse("volunteers:detail", args=[pk])).content.decode()
    assert "پروانهٔ پزشکی" in page and "۱۴۰۶/۰۱/۰۱" in page
    assert (
        client_for(users["saveh"])
        .post(
            reverse("volunteers:credential_add", args=[pk]),
            {"kind": licence.pk, "expires_on": "1406/01/01"},
        )
        .status_code
        == 404
    )


def test_it_adds_a_member_from_the_group_page(users, vols, groups, client_for):
    url = reverse("volunteers:group_detail", args=[groups["saveh"].pk])
    response = client_for(users["coordinator"]).post(
        url, {"national_code": vols["arak"].national_code, "joined_on": "1403/02/01"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(volunteer=vols["arak"]).count() == 2
    response = client_for(users["coordinator"]).post(
        url, {"national_code": vols["arak"].national_code, "joined_on": "1403/02/01"}
    )
    assert response.status_code == 422 and "از قبل عضو" in response.content.decode()


def test_it_issues_certificates_only_in_scope(users, vols, camp, skills, client_for):
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        rows=[RosterRow(vols["arak"].national_code, skills["builder"].pk, 8)],
    )
    entry = RosterEntry.objects.get()
    url = reverse("volunteers:certificate_issue", args=[entry.pk])
    assert client_for(users["saveh"]).post(url).status_code == 404
    assert client_for(users["coordinator"]).get(url).status_code == 405
    assert not entry.volunteer.certificates.exists()
