from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jahesh.core.tabular import read_table, write_csv
from jahesh.volunteers.models import Volunteer
from jahesh.volunteers.national_codes import national_code_for
from jahesh.volunteers.spreadsheets import volunteer_columns


def _csv(user, rows):
    data = write_csv(volunteer_columns(user), rows)
    return SimpleUploadedFile("people.csv", data, content_type="text/csv")


def _row(n, county, **kw):
    return {
        "national_code": national_code_for(n),
        "first_name": "زهرا",
        "last_name": "كريمي",
        "gender": "female",
        "county": county.pk,
        "registered_on": date(2024, 3, 1),
        **kw,
    }


def test_it_exports_the_scoped_list_and_it_reads_back(users, vols, client_for):
    response = client_for(users["arak"]).get(reverse("volunteers:export"), {"format": "csv"})
    assert response.status_code == 200
    reader = read_table(
        response.content, filename="x.csv", columns=volunteer_columns(users["arak"])
    )
    rows = [r.values for r in reader]
    assert [r["national_code"] for r in rows] == [vols["arak"].national_code]
    assert rows[0]["county"] == vols["arak"].county_id and rows[0]["gender"] == "female"
    xlsx = client_for(users["coordinator"]).get(reverse("volunteers:export"))
    assert xlsx.content[:2] == b"PK"
    # a viewer has no volunteers module: 403 saying so (not a record: no 404)
    denied = client_for(users["viewer"]).get(reverse("volunteers:export"))
    assert denied.status_code == 403
    assert "دسترسی ندارید" in denied.content.decode()


def test_it_previews_then_imports_registering_each_person_once(users, geo, vols, client_for):
    client = client_for(users["coordinator"])
    rows = [
        _row(50, geo["arak"]),
        _row(50, geo["arak"]),  # the same person twice in the file
        _row(51, geo["saveh"], mobile="+989121234567"),
        {**_row(52, geo["saveh"]), "national_code": "0081234561"},  # bad check digit
        {**_row(1, geo["arak"])},  # already registered (vols["arak"])
    ]
    preview = client.post(reverse("volunteers:import"), {"file": _csv(users["coordinator"], rows)})
    assert preview.status_code == 200
    assert (preview.context["report"].created, preview.context["report"].refused) == (2, 1)
    assert not Volunteer.objects.filter(national_code=national_code_for(50)).exists()
    saved = client.post(reverse("volunteers:import"), {"token": preview.context["token"]})
    assert saved.status_code == 200 and saved.context["done"]
    report = saved.context["report"]
    assert (report.created, report.unchanged, report.refused) == (2, 2, 1)
    assert report.errors[0].row == 5
    v = Volunteer.objects.get(national_code=national_code_for(51))
    assert (v.last_name, v.mobile, v.county_id) == ("کریمی", "09121234567", geo["saveh"].pk)


def test_it_refuses_a_county_outside_the_officers_scope(users, geo, client_for):
    # Arak's officer's file names Saveh: that county is not one of the choices
    rows = [_row(60, geo["arak"])]
    data = write_csv(volunteer_columns(users["coordinator"]), [_row(61, geo["saveh"]), *rows])
    upload = SimpleUploadedFile("p.csv", data, content_type="text/csv")
    client = client_for(users["arak"])
    preview = client.post(reverse("volunteers:import"), {"file": upload})
    response = client.post(reverse("volunteers:import"), {"token": preview.context["token"]})
    report = response.context["report"]
    assert (report.created, report.refused) == (1, 1)
    assert not Volunteer.objects.filter(national_code=national_code_for(61)).exists()


def test_it_serves_the_template(users, client_for):
    response = client_for(users["coordinator"]).get(reverse("volunteers:import_template"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client_for(None).get(reverse("volunteers:import_template")).status_code == 302
