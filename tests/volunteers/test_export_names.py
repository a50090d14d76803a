"""The volunteers' export and import template are named like the other apps'
files (ASCII names) and their sheet's title reads in the reader's language."""

from __future__ import annotations

import io

from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook


def test_the_export_and_the_template_are_named_and_titled(users, vols, client_for):
    client = client_for(users["arak"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    export = client.get(reverse("volunteers:export"))
    assert (
        export.status_code == 200 and 'filename="volunteers.xlsx"' in export["Content-Disposition"]
    )
    assert load_workbook(io.BytesIO(export.content)).sheetnames == ["Volunteer forces"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    export = client.get(reverse("volunteers:export"))
    assert load_workbook(io.BytesIO(export.content)).sheetnames == ["نیروهای جهادی"]
    template = client.get(reverse("volunteers:import_template"))
    assert 'filename="volunteers-template.xlsx"' in template["Content-Disposition"]

    for url in (reverse("volunteers:export"), reverse("volunteers:import_template")):
        assert client_for(users["viewer"]).get(url).status_code == 403  # no volunteers module
        anonymous = client_for(None).get(url)
        assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
