"""The HTMX <option> lists and the form fields that use them."""

from __future__ import annotations

import pytest
from django import forms

from jahesh.geo.forms import CityChoiceField, CountyChoiceField, VillageChoiceField, bind_places
from jahesh.geo.models import Village
from tests.conftest import ARAK, MARKAZI, SAVEH, TEHRAN

COUNTIES = "/geo/options/counties"
PLACES = "/geo/options/places"


def test_it_sends_an_anonymous_client_to_sign_in(client_for, geo):
    for url in (COUNTIES, f"{PLACES}?county={ARAK}"):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_refuses_post(client_for, users):
    assert client_for(users["hq"]).post(COUNTIES).status_code == 405


def test_it_offers_only_the_users_counties(client_for, users):
    hq = client_for(users["hq"]).get(f"{COUNTIES}?province={MARKAZI}").content.decode()
    arak = client_for(users["arak"]).get(COUNTIES).content.decode()
    other = client_for(users["hq"]).get(f"{COUNTIES}?province={TEHRAN}").content.decode()

    assert f'value="{ARAK}"' in hq and f'value="{SAVEH}"' in hq
    assert f'value="{ARAK}"' in arak and f'value="{SAVEH}"' not in arak
    assert other.count("<option") == 1  # the placeholder only


def test_it_lists_a_countys_places_by_kind(client_for, users):
    client = client_for(users["arak"])

    both = client.get(f"{PLACES}?county={ARAK}").content.decode()
    villages = client.get(f"{PLACES}?county={ARAK}&kind=village").content.decode()
    none = client.get(PLACES).content.decode()

    assert 'value="city:1"' in both and 'value="village:1"' in both and "optgroup" in both
    # the conftest marks Arak's village deprived: pickers say so
    assert 'value="1">روستای اراک (محروم)' in villages and "city" not in villages
    assert none.count("<option") == 1


def test_it_reads_the_county_under_a_prefixed_field_name(client_for, users):
    url = f"{PLACES}?kind=village&field=form-0-county&form-0-county={SAVEH}"
    assert 'value="2"' in client_for(users["hq"]).get(url).content.decode()


def test_it_filters_places_by_name_and_caps_long_lists(client_for, users, geo, monkeypatch):
    Village.objects.bulk_create(
        Village(
            id=100 + i,
            name=f"ده {i}",
            name_key=f"ده {i}",
            province=geo["markazi"],
            county=geo["arak"],
        )
        for i in range(5)
    )
    monkeypatch.setattr("jahesh.geo.views.PLACE_OPTIONS_LIMIT", 3)
    client = client_for(users["hq"])

    capped = client.get(f"{PLACES}?county={ARAK}&kind=village").content.decode()
    found = client.get(f"{PLACES}?county={ARAK}&kind=village&q=ده ۴").content.decode()

    assert capped.count('<option value="1') == 3 and "disabled" in capped
    assert 'value="104"' in found and found.count("<option") == 2


class PlaceForm(forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"] = CountyChoiceField(user=user)
        self.fields["village"] = VillageChoiceField()
        self.fields["city"] = CityChoiceField()
        bind_places(self)


def test_the_form_accepts_a_village_of_the_chosen_county_only(users):
    ok = PlaceForm({"county": ARAK, "village": 1}, user=users["arak"])
    wrong_village = PlaceForm({"county": ARAK, "village": 2}, user=users["arak"])
    wrong_county = PlaceForm({"county": SAVEH, "village": 2}, user=users["arak"])

    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data["village"].pk == 1
    assert "village" in wrong_village.errors
    assert "county" in wrong_county.errors


def test_the_place_select_reloads_when_the_county_changes(users):
    html = str(PlaceForm(user=users["hq"], prefix="p")["village"])

    assert 'hx-get="/geo/options/places?kind=village&amp;field=p-county"' in html
    assert 'hx-trigger="change from:[name=&quot;p-county&quot;]"' in html
    assert html.count("<option") == 1  # no county yet: no 98,000 villages


@pytest.mark.parametrize(("who", "label"), [("admin", "اراک (مرکزی)"), ("hq", "اراک")])
def test_county_labels_name_the_province_when_choices_span_provinces(users, who, label):
    html = str(PlaceForm(user=users[who])["county"])
    assert f">{label}</option>" in html


def test_the_place_fields_name_themselves_unless_given_a_label():
    village, city = VillageChoiceField(), CityChoiceField(label="جای اردو")
    assert (str(village.label), str(village.empty_label)) == ("روستا", "— روستا —")
    assert (city.label, str(city.empty_label)) == ("جای اردو", "— شهر —")
    assert village.required is False and city.required is False
