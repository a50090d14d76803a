"""The loader on django-iranian-cities' real files, and its repairs on dirty rows."""

from __future__ import annotations

import csv
from importlib.resources import files

import pytest

from jahesh.geo import loader
from jahesh.geo.models import City, County, District, Province, RuralDistrict, Village
from jahesh.geo.services import geo_load


def _csv_rows(name: str) -> int:
    with (files("iranian_cities") / "data" / f"{name}.csv").open(encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@pytest.mark.django_db
def test_it_loads_the_real_files_and_reloads_them_without_changing_anything():
    # One test for the full data (it is the real requirement): load, check,
    # flag a village, load again.
    report = geo_load()

    assert Province.objects.count() == report["provinces"] == 31
    assert County.objects.count() == report["counties"] == 448
    markazi = County.objects.filter(province__name="مرکزی")
    assert markazi.count() == 12
    assert {"اراک", "ساوه"} <= set(markazi.values_list("name", flat=True))
    assert County.objects.get(pk=19).name == "اراک"
    # No documented skips: django-iranian-cities 2.0 is clean, every row loads.
    assert (report["skipped"], report["fixed"]) == (0, 0)
    for model, key, name in [
        (District, "districts", "district"),
        (City, "cities", "city"),
        (RuralDistrict, "rural_districts", "rural_district"),
        (Village, "villages", "village"),
    ]:
        assert model.objects.count() == report[key] == _csv_rows(name)
    assert report["created"] == sum(
        report[k]
        for k in ("provinces", "counties", "districts", "cities", "rural_districts", "villages")
    )
    village = Village.objects.get(pk=1)
    assert village.name_key and village.county_id and not village.is_deprived

    Village.objects.filter(pk=1).update(is_deprived=True, deprivation_index="12.50", name="x")
    City.objects.filter(pk=1).update(is_deprived=True)
    again = geo_load()

    assert (again["created"], again["updated"], again["stale"]) == (0, 1, 0)
    village.refresh_from_db()
    assert village.name != "x"  # the name came back from the file…
    assert village.is_deprived and str(village.deprivation_index) == "12.50"  # …the flag stayed
    assert City.objects.get(pk=1).is_deprived
    assert Village.objects.count() == report["villages"]


def _fake(monkeypatch, data: dict[str, list[dict[str, str]]]) -> None:
    monkeypatch.setattr(loader, "data_rows", lambda name: iter(data.get(name, [])))


def _row(**fields) -> dict[str, str]:
    return {k: str(v) for k, v in fields.items()}


@pytest.mark.django_db
def test_it_repairs_or_skips_dirty_rows_and_counts_them(monkeypatch):
    _fake(
        monkeypatch,
        {
            "province": [
                _row(id=1, name="مرکزی", code=0),
                _row(id=2, name="تهران", code=23),
                _row(id="", name="بی‌شناسه", code=9),
            ],
            "county": [
                _row(id=10, name="اراک", province=1, code=1),
                _row(id=10, name="اراک دوباره", province=1, code=1),
                _row(id=20, name="تهران", province=2, code=2),
                _row(id=30, name="بی‌استان", province=99, code=3),
            ],
            "district": [
                _row(id=1, name="مرکزی اراک", province=1, county=10, code=1),
                _row(id=2, name="مرکزی تهران", province=2, county=20, code=2),
            ],
            "city": [
                # A district id of 1 that belongs to another county: the district is dropped.
                _row(
                    id=1, name="شهر تهران", city_type=0, province=2, county=20, district=1, code=5
                ),
                # A wrong province follows the county.
                _row(id=2, name="شهر اراک", city_type=0, province=2, county=10, district=1, code=6),
            ],
            "rural_district": [
                _row(id=7, name="دهستان", province=1, county=10, district=1, code=7)
            ],
            "village": [
                # No county: recovered from the rural district; its district too.
                _row(
                    id=1,
                    name="روستا يك",
                    village_type=0,
                    diag="",
                    province=1,
                    county="",
                    district="",
                    rural_district=7,
                    code=11,
                ),
                # No county and nothing to recover it from: skipped.
                _row(
                    id=2,
                    name="روستای گم",
                    village_type=0,
                    diag="",
                    province=1,
                    county="",
                    district="",
                    rural_district="",
                    code=12,
                ),
            ],
        },
    )

    report = geo_load()

    assert (report["provinces"], report["counties"], report["villages"]) == (2, 2, 1)
    assert report["skipped_bad_id"] == 1
    assert report["skipped_duplicate_id"] == 1
    assert report["skipped_no_province"] == 1
    assert report["skipped_no_county"] == 1
    assert report["skipped"] == 4
    assert County.objects.get(pk=10).name == "اراک"  # the first of two rows with one id
    assert City.objects.get(pk=1).district_id is None
    assert City.objects.get(pk=2).province_id == 1
    village = Village.objects.get(pk=1)
    assert (village.county_id, village.district_id, village.rural_district_id) == (10, 1, 7)
    assert village.name == "روستا یک" and village.name_key == "روستا یک"  # Arabic yeh/kaf fixed
    assert report["fixed_province"] == 1
    assert report["fixed_county"] == 1
    assert report["fixed_district"] == 2  # city 1's foreign district; village 1's from its dehestan
