"""geo.Placed / InCounty / Settled: the one place shape of units, cases, funds,
volunteers, projects and camps. The province is the county's, whichever way a
record is written."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jahesh.geo.models import City, County, Village
from jahesh.units.models import Unit
from jahesh.volunteers.models import Camp


def _unit(county: County, **fields) -> Unit:
    return Unit(name="واحد", name_key="واحد", sector="industry", county=county, **fields)


def test_save_takes_the_province_from_the_county(geo):
    unit = _unit(geo["saveh"])
    unit.save()
    assert Unit.objects.get(pk=unit.pk).province_id == geo["markazi"].pk


def test_saving_a_new_county_saves_its_province_too(geo):
    unit = _unit(geo["arak"])
    unit.save()
    unit.county_id = geo["tehran_county"].pk  # the county object is not loaded
    unit.save(update_fields=["county"])
    assert Unit.objects.values_list("province_id", flat=True).get(pk=unit.pk) == geo["tehran"].pk


def test_place_all_asks_once_for_the_counties_not_loaded(geo):
    loaded = _unit(geo["tehran_county"])
    by_id = [_unit(County(pk=0)) for _ in range(3)]
    for record, county in zip(by_id, ["arak", "saveh", "tehran_county"], strict=True):
        record.county_id = geo[county].pk
    with CaptureQueriesContext(connection) as queries:
        Unit.place_all([loaded, *by_id])
    assert len(queries) == 1
    assert [r.province_id for r in [loaded, *by_id]] == [
        geo["tehran"].pk,
        geo["markazi"].pk,
        geo["markazi"].pk,
        geo["tehran"].pk,
    ]


@pytest.mark.parametrize("model", [Unit, Camp])
def test_clean_refuses_a_city_or_village_of_another_county(geo, model):
    arak_city = City.objects.get(county=geo["arak"])
    saveh_village = Village.objects.get(county=geo["saveh"])
    record = model(county=geo["arak"], city=arak_city, village=saveh_village)
    with pytest.raises(ValidationError) as exc:
        record.clean()
    assert list(exc.value.message_dict) == ["village"]
    record.village = Village.objects.get(county=geo["arak"])
    record.clean()
