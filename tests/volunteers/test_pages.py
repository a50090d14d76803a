from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from jahesh.volunteers.models import Credential, RosterEntry, Volunteer
from jahesh.volunteers.services import RosterRow, certificate_issue, roster_save

from .conftest import make_volunteer

NOW = datetime(2024, 6, 1, 10, 0).astimezone()


@pytest.fixture
def entry(users, vols, camp, skills):
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        rows=[RosterRow(vols["saveh"].national_code, skills["builder"].pk, 8)],
        now=NOW,
    )
    return RosterEntry.objects.get()


@pytest.fixture
def reported(users, vols, camp, skills):
    """Hours a volunteer reported: they wait for approval."""
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        rows=[RosterRow(vols["saveh"].national_code, skills["builder"].pk, 8)],
        source="volunteer",
        now=NOW,
    )


def _page_url(name, vols, groups, camp):
    pk = {"detail": vols["arak"].pk, "edit": vols["arak"].pk, "group_detail": groups["arak"].pk}
    return reverse(f"volunteers:{name}", args=[pk.get(name, camp.pk)])


def _record_content(name, vols, groups, camp) -> list[str]:
    """What each record page must show: the record, and what hangs on it."""
    volunteer, group = vols["arak"], groups["arak"]
    return {
        "detail": [
            volunteer.first_name,
            volunteer.last_name,
            group.name,
            f'action="{reverse("volunteers:skill_add", args=[volunteer.pk])}"',
            f'action="{reverse("volunteers:credential_add", args=[volunteer.pk])}"',
            'name="expires_on"',
        ],
        "edit": [
            f'value="{volunteer.first_name}"',
            f'value="{volunteer.last_name}"',
            f'<option value="{volunteer.county_id}" selected>',  # the county, by its id
            '<option value="female" selected>',
        ],
        "group_detail": [group.name, volunteer.last_name],
        "camp_detail": [camp.title, group.name],
        "roster": [camp.title, 'name="nc"', 'name="hours"'],
    }[name]


@pytest.mark.parametrize("name", ["detail", "edit", "group_detail", "camp_detail", "roster"])
def test_it_shows_record_pages_in_scope_and_404_out_of_scope(
    name, users, vols, groups, camp, client_for
):
    url = _page_url(name, vols, groups, camp)
    for insider in ("coordinator", "arak"):
        response = client_for(users[insider]).get(url)
        assert response.status_code == 200, insider
        page = response.content.decode()
        assert [t for t in _record_content(name, vols, groups, camp) if t not in page] == []
    for outsider in ("saveh", "hq_other"):
        assert client_for(users[outsider]).get(url).status_code == 404, outsider
    assert client_for(users["viewer"]).get(url).status_code == 403  # no volunteers module
    response = client_for(None).get(url)
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


@pytest.mark.parametrize(
    "name",
    [
        "volunteers:list",
        "volunteers:group_list",
        "volunteers:camp_list",
        "volunteers:hours",
        "volunteers:create",
        "volunteers:group_create",
        "volunteers:camp_create",
    ],
)
def test_it_serves_list_and_form_pages(name, users, vols, groups, camp, reported, client_for):
    url = reverse(name)
    response = client_for(users["coordinator"]).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    # Lists show Markazi's records and not Tehran's; forms show their fields.
    shown, hidden = {
        "volunteers:list": ([vols["arak"].last_name, vols["saveh"].last_name], [vols["tehran"].last_name]),
        "volunteers:group_list": ([groups["arak"].name, groups["saveh"].name], []),
        "volunteers:camp_list": ([camp.title], []),
        "volunteers:hours": ([camp.title, vols["saveh"].last_name], []),  # hours to approve
        "volunteers:create": (['name="national_code"', 'name="first_name"'], []),
        "volunteers:group_create": (['name="name"'], []),
        "volunteers:camp_create": (['name="title"', 'name="start_date"'], []),
    }[name]  # fmt: skip
    assert [t for t in shown if t not in page] == []
    assert [t for t in hidden if t in page] == []
    assert (
        client_for(users["viewer"]).get(url).status_code == 403
    )  # no volunteers module (personal records) for viewers
    assert client_for(None).get(url).status_code == 302


def test_it_refuses_wrong_methods_and_bad_ids(users, vols, client_for):
    client = client_for(users["coordinator"])
    assert client.post(reverse("volunteers:list")).status_code == 405
    assert client.get(reverse("volunteers:status", args=[vols["arak"].pk])).status_code == 405
    assert client.get("/volunteers/999999/").status_code == 404
    assert client.get("/volunteers/abc/").status_code == 404


def test_it_lists_and_searches_with_normalisation_in_bounded_queries(
    users, geo, vols, client_for, django_assert_max_num_queries
):
    for i in range(60):
        make_volunteer(100 + i, geo["arak"], first="رضا", last=f"نمونه {i}")
    client = client_for(users["coordinator"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("volunteers:list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 62
    response = client.get(reverse("volunteers:list"), {"q": "كريمي"})
    assert [v.pk for v in response.context["page_obj"]] == [vols["arak"].pk]
    # Only Arak's people for Arak's officer
    response = client_for(users["arak"]).get(reverse("volunteers:list"))
    assert response.context["page_obj"].paginator.count == 61


def test_it_creates_a_volunteer_from_the_form(users, geo, client_for):
    response = client_for(users["arak"]).post(
        reverse("volunteers:create"),
        {
            "national_code": "۰۰۸۱۲۳۴۵۶۲",
            "first_name": "علي",
            "last_name": "موسوی",
            "gender": "male",
            "county": geo["arak"].pk,
            "registered_on": "۱۴۰۲/۰۱/۱۵",
            "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
        },
    )
    v = Volunteer.objects.get(national_code="0081234562")
    assert response.status_code == 302 and response["Location"] == reverse(
        "volunteers:detail", args=[v.pk]
    )
    assert (v.first_name, v.registered_on, v.mobile) == ("علی", date(2023, 4, 4), "09121234567")
    response = client_for(users["arak"]).post(
        reverse("volunteers:create"),
        {
            "national_code": "0081234562",
            "first_name": "x",
            "last_name": "y",
            "gender": "male",
            "county": geo["arak"].pk,
            "registered_on": "1402/01/15",
        },
    )
    assert response.status_code == 422
    assert "قبلاً ثبت شده" in response.content.decode()


def test_it_saves_a_roster_from_pasted_codes_and_table_rows(users, geo, camp, skills, client_for):
    people = [make_volunteer(300 + i, geo["arak"]) for i in range(30)]
    response = client_for(users["coordinator"]).post(
        reverse("volunteers:roster", args=[camp.pk]),
        {
            "codes": "\n".join(v.national_code for v in people[1:]),
            "default_skill": skills["builder"].pk,
            "default_hours": "۸",
            "source": "coordinator",
            "nc": [people[0].national_code, ""],
            "skill": [str(skills["teacher"].pk), ""],
            "hours": ["6", ""],
        },
    )
    assert response.status_code == 302
    assert RosterEntry.objects.filter(camp=camp, status="approved").count() == 30
    assert RosterEntry.objects.get(volunteer=people[0]).skill == skills["teacher"]


def test_it_shows_row_errors_and_saves_nothing(users, vols, camp, skills, licence, client_for):
    Credential.objects.create(volunteer=vols["arak"], kind=licence, expires_on=date(2024, 5, 2))
    response = client_for(users["coordinator"]).post(
        reverse("volunteers:roster", args=[camp.pk]),
        {
            "source": "coordinator",
            "nc": [vols["saveh"].national_code, vols["arak"].national_code],
            "skill": [str(skills["builder"].pk), str(skills["doctor"].pk)],
            "hours": ["8", "8"],
        },
    )
    assert response.status_code == 422
    rows = response.context["rows"]
    assert rows[0]["errors"] == [] and "منقضی" in rows[1]["errors"][0]
    assert not RosterEntry.objects.exists()


def test_it_approves_hours_from_the_approval_page(users, vols, camp, skills, client_for):
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        source="volunteer",
        rows=[RosterRow(vols["arak"].national_code, skills["builder"].pk, 8)],
    )
    entry = RosterEntry.objects.get()
    client = client_for(users["arak"])
    assert [e.pk for e in client.get(reverse("volunteers:hours")).context["page_obj"]] == [entry.pk]
    assert (
        client_for(users["saveh"])
        .get(reverse("volunteers:hours"))
        .context["page_obj"]
        .paginator.count
        == 0
    )
    client.post(reverse("volunteers:hours"), {"ids": [entry.pk], "action": "approve"})
    entry.refresh_from_db()
    assert entry.status == "approved" and entry.approved_by == users["arak"]


@time_machine.travel(NOW, tick=False)
def test_it_renders_the_certificate_as_a_persian_pdf(users, entry):
    from jahesh.volunteers.certificates import certificate_context, certificate_pdf

    cert = certificate_issue(actor=users["coordinator"], entry_id=entry.pk)
    ctx = certificate_context(certificate=cert, verify_url="https://example.org/v/x")
    assert ctx["skill"].name == "بنا"
    pdf = certificate_pdf(certificate=cert, verify_url="https://example.org/v/x")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000  # the subset font is embedded


@time_machine.travel(NOW, tick=False)
def test_it_issues_a_certificate_pdf_checkable_publicly(
    users, entry, camp, client_for, monkeypatch
):
    # Rendering is tested above; here a stub keeps the page test fast.
    monkeypatch.setattr("jahesh.volunteers.views.certificate_pdf", lambda **kw: b"%PDF-stub")
    client = client_for(users["coordinator"])
    response = client.post(reverse("volunteers:certificate_issue", args=[entry.pk]))
    assert response.status_code == 302
    cert = entry.volunteer.certificates.get()
    assert len(cert.code) >= 20
    pdf = client.get(response["Location"])
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client_for(users["saveh"]).get(response["Location"]).status_code == 404
    # The public page: no sign-in, shows initials and the camp, not the national code
    page = client_for(None).get(reverse("volunteers:verify", args=[cert.code]))
    body = page.content.decode()
    assert (
        page.status_code == 200 and "معتبر است" in body and "ح. ا." in body and camp.title in body
    )
    assert entry.volunteer.national_code not in body and entry.volunteer.last_name not in body
    tampered = cert.code[:-2] + ("xx" if not cert.code.endswith("xx") else "yy")
    body = client_for(None).get(reverse("volunteers:verify", args=[tampered])).content.decode()
    assert "یافت نشد" in body and "معتبر است" not in body


@time_machine.travel(NOW, tick=False)
def test_it_refuses_a_certificate_for_pending_hours(users, vols, camp, skills):
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        source="volunteer",
        rows=[RosterRow(vols["arak"].national_code, skills["builder"].pk, 8)],
    )
    from jahesh.core.errors import Conflict

    with pytest.raises(Conflict):
        certificate_issue(actor=users["coordinator"], entry_id=RosterEntry.objects.get().pk)


def test_it_creates_a_camp_and_offers_the_countys_villages(users, geo, groups, client_for):
    client = client_for(users["coordinator"])
    options = client.get(
        reverse("volunteers:village_options"), {"county": geo["arak"].pk}
    ).content.decode()
    assert "★ روستای اراک" in options and "ساوه" not in options
    response = client.post(
        reverse("volunteers:camp_create"),
        {
            "title": "اردوی عمرانی",
            "purpose": "construction",
            "county": geo["arak"].pk,
            "village": 1,
            "start_date": "1403/05/01",
            "end_date": "1403/05/07",
            "groups": [groups["arak"].pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(
        reverse("volunteers:camp_create"),
        {
            "title": "x",
            "purpose": "construction",
            "county": geo["arak"].pk,
            "village": 1,
            "start_date": "1403/05/07",
            "end_date": "1403/05/01",
        },
    )
    assert response.status_code == 422 and "پیش از تاریخ شروع" in response.content.decode()


def test_it_shows_a_camp_of_60_and_the_group_list_in_bounded_queries(
    users, geo, camp, skills, client_for, django_assert_max_num_queries
):
    people = [make_volunteer(500 + i, geo["arak"]) for i in range(60)]
    roster_save(
        actor=users["coordinator"],
        camp=camp,
        rows=[RosterRow(v.national_code, skills["builder"].pk, 8) for v in people],
        now=NOW,
    )
    client = client_for(users["coordinator"])
    with django_assert_max_num_queries(25):
        response = client.get(reverse("volunteers:camp_detail", args=[camp.pk]))
    assert response.context["totals"].volunteers == 60
    assert response.context["totals"].value_rial == 60 * 8 * 600_000
    with django_assert_max_num_queries(25):
        response = client.get(reverse("volunteers:roster", args=[camp.pk]))
    assert len(response.context["rows"]) == 65  # 60 and five blank rows
    with django_assert_max_num_queries(12):
        assert client.get(reverse("volunteers:group_list")).status_code == 200
