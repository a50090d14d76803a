"""The period and scope picker (``reports/partials/picker.html``): each select
marks the chosen value, shows for its periods, and the province select empties
the county and submits when it changes."""

from __future__ import annotations

import re

from jahesh.accounts.roles import Role

OPTION = re.compile(r'<option value="(\d+)"')


def _select(page: str, name: str) -> str:
    found = re.search(
        rf'<div class="col-6 col-md-2"[^>]*>\s*<label[^>]*for="id_{name}">.*?</select>', page, re.S
    )
    assert found is not None, name
    return found.group(0)


def test_the_picker_marks_the_chosen_year_quarter_and_county(users, geo, client_for):
    client = client_for(users["hq"])
    years = OPTION.findall(_select(client.get("/reports/").content.decode(), "year"))
    year = years[-1]
    page = client.get(
        "/reports/", {"period": "quarter", "year": year, "quarter": "2", "county": geo["arak"].pk}
    ).content.decode()
    year_select = _select(page, "year")
    assert 'data-show="year quarter"' in year_select
    assert re.findall(r'<option value="(\d+)" selected>', year_select) == [year]
    quarter_select = _select(page, "quarter")
    assert 'data-show="quarter"' in quarter_select
    assert re.findall(r'<option value="(\d+)" selected>', quarter_select) == ["2"]
    county_select = _select(page, "county")
    assert "data-show" not in county_select and "data-jh-clear" not in county_select
    assert re.findall(r'<option value="(\d+)" selected>', county_select) == [str(geo["arak"].pk)]
    assert 'id="id_province"' not in page  # a province's manager picks only its counties


def test_a_nationwide_reader_picks_a_province_that_empties_the_county(make_user, geo, client_for):
    reader = make_user("nation", Role.ADMIN, is_staff=True, is_superuser=True)
    page = client_for(reader).get("/reports/", {"province": geo["markazi"].pk}).content.decode()
    province_select = _select(page, "province")
    assert 'data-jh-autosubmit data-jh-clear="county"' in province_select
    selected = re.findall(r'<option value="(\d+)" selected>', province_select)
    assert selected == [str(geo["markazi"].pk)]
