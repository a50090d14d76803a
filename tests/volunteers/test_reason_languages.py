"""A registration's reason (one by one, or from a file) is stored in Persian and
read in the reader's language (``core.phrases.written``), whatever the
registering person's language."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from jahesh.core.tabular import write_csv
from jahesh.volunteers.models import Volunteer
from jahesh.volunteers.national_codes import national_code_for
from jahesh.volunteers.spreadsheets import import_volunteers_command, volunteer_columns


def test_a_registration_from_a_file_reads_in_the_readers_language(users, geo, client_for):
    coordinator = users["coordinator"]
    row = {
        "national_code": national_code_for(60), "first_name": "زهرا", "last_name": "کریمی",
        "gender": "female", "county": geo["arak"].pk, "registered_on": date(2024, 3, 1),
    }  # fmt: skip
    with translation.override("en"):  # an English file, imported by an English reader
        data = write_csv(volunteer_columns(coordinator), [row])
        report = import_volunteers_command(data, "people.csv", False, None, coordinator)
    assert report.created == 1
    person = Volunteer.objects.get(national_code=national_code_for(60))
    assert person.status_events.get().reason == "ثبت‌نام از پرونده"

    url = reverse("volunteers:detail", args=[person.pk])
    client = client_for(users["arak"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Registered from a file" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    assert "ثبت‌نام از پرونده" in client.get(url).content.decode()

    assert client_for(users["saveh"]).get(url).status_code == 404
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
