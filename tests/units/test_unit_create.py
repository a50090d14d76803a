"""Every field rule of a production unit, through the service every page, API
route and import uses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from jahesh.geo.models import City
from jahesh.units import services
from jahesh.units.models import Size, Unit


def _errors(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


def test_it_creates_a_unit_with_normalised_values(make_unit, users):
    unit = make_unit(
        name="  شركت  مي‌سازان اراك ",
        national_id="۱۰۳۸۰۲۸۴۷۹۰",
        isic_code="۱۰۷۲",
        owner_mobile="+98 912 123 4567",
        employees="۴۵",
        founded_on="۱۳۹۰/۰۲/۰۵",
        status="راکد",
        sector="کشاورزی",
    )
    unit.refresh_from_db()
    assert unit.name == "شرکت می‌سازان اراک"
    assert unit.name_key == "شرکت می سازان اراک"
    assert unit.national_id == "10380284790"
    assert (unit.isic_code, unit.isic_division, unit.isic_section, unit.isic_revision) == (
        "1072",
        "10",
        "C",
        "4",
    )
    assert unit.owner_mobile == "09121234567"
    assert unit.employees == 45 and unit.size == Size.SMALL
    assert unit.founded_on == date(2011, 4, 25)
    assert unit.status == "stalled" and unit.sector == "agriculture"
    assert unit.created_by == users["admin"]
    assert unit.history.count() == 1


def test_it_keeps_leading_zeros_of_isic_codes(make_unit):
    unit = make_unit(isic_code="0111")
    assert (unit.isic_code, unit.isic_division, unit.isic_section) == ("0111", "01", "A")


@pytest.mark.parametrize("code", ["1", "12345", "04", "3410", "10a2", "89"])
def test_it_refuses_codes_outside_isic_rev4(make_unit, code):
    with pytest.raises(ValidationError) as exc:
        make_unit(isic_code=code)
    assert "کد آیسیک" in _errors(exc)["isic_code"][0]


@pytest.mark.parametrize(
    ("employees", "size"),
    [
        (0, Size.MICRO),
        (9, Size.MICRO),
        (10, Size.SMALL),
        (49, Size.SMALL),
        (50, Size.MEDIUM),
        (99, Size.MEDIUM),
        (100, Size.LARGE),
        (None, Size.UNKNOWN),
    ],
)
def test_it_derives_the_size_from_employees(make_unit, employees, size):
    assert make_unit(employees=employees).size == size


def test_it_requires_name_sector_and_county(geo, users):
    with pytest.raises(ValidationError) as exc:
        services.unit_create(user=users["admin"], name="  ", sector="", county=None)
    errors = _errors(exc)
    assert errors["name"] == ["نام واحد را وارد کنید."]
    assert errors["sector"] == ["بخش اقتصادی را وارد کنید."]


def test_it_refuses_an_unknown_sector_and_status(make_unit):
    with pytest.raises(ValidationError) as exc:
        make_unit(sector="نساجی", status="ورشکسته")
    errors = _errors(exc)
    assert "بخش اقتصادی «نساجی» شناخته نشد" in errors["sector"][0]
    assert "وضعیت «ورشکسته» شناخته نشد" in errors["status"][0]


def test_it_accepts_english_names_of_sector_and_status(make_unit):
    unit = make_unit(sector="Mining", status="Partial")
    assert (unit.sector, unit.status) == ("mining", "partial")


def test_it_refuses_a_legal_id_with_a_wrong_check_digit(make_unit):
    with pytest.raises(ValidationError) as exc:
        make_unit(national_id="10380284791")
    assert "national_id" in _errors(exc)


def test_it_keeps_the_national_id_unique_when_present(make_unit):
    make_unit(national_id="10380284790")
    make_unit(national_id="")  # blank national IDs never clash
    make_unit(national_id=None)
    with pytest.raises(ValidationError) as exc:
        make_unit(national_id="١٠٣٨٠٢٨٤٧٩٠")
    assert _errors(exc)["national_id"] == ["واحد دیگری با این شناسه ملی ثبت شده است."]
    assert Unit.objects.filter(national_id__isnull=True).count() == 2


def test_the_database_holds_the_national_id_rules_too(make_unit, geo):
    make_unit(national_id="10380284790")
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            name="x", name_key="x", sector="industry", county=geo["arak"], national_id="10380284790"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            name="x", name_key="x", sector="industry", county=geo["arak"], national_id="123"
        )


def test_it_refuses_a_bad_mobile(make_unit):
    with pytest.raises(ValidationError) as exc:
        make_unit(owner_mobile="0812345678")
    assert "owner_mobile" in _errors(exc)


def test_it_refuses_a_founding_date_in_the_future(make_unit):
    with pytest.raises(ValidationError) as exc:
        make_unit(founded_on=date(2025, 11, 28))
    assert _errors(exc)["founded_on"] == ["تاریخ تأسیس نمی‌تواند در آینده باشد."]


def test_it_refuses_negative_employees_and_capacity(make_unit):
    with pytest.raises(ValidationError) as exc:
        make_unit(employees=-1, capacity="-5")
    errors = _errors(exc)
    assert errors["employees"] == ["تعداد کارکنان نمی‌تواند کمتر از 0 باشد."]
    assert errors["capacity"] == ["ظرفیت اسمی نمی‌تواند کمتر از 0 باشد."]


def test_it_refuses_a_fractional_employee_count(make_unit):
    with pytest.raises(ValidationError) as exc:
        make_unit(employees="12.5")
    assert "عدد صحیح" in _errors(exc)["employees"][0]


def test_it_needs_latitude_and_longitude_together_and_in_range(make_unit):
    with pytest.raises(ValidationError) as exc:
        make_unit(latitude="34.09")
    assert "longitude" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        make_unit(latitude="95", longitude="49.7")
    assert "latitude" in _errors(exc)
    unit = make_unit(latitude="۳۴٫۰۹۱۷", longitude="49.6892")
    assert (unit.latitude, unit.longitude) == (Decimal("34.0917"), Decimal("49.6892"))


def test_it_refuses_a_city_of_another_county(make_unit, geo):
    saveh_city = City.objects.get(county=geo["saveh"])
    with pytest.raises(ValidationError) as exc:
        make_unit(county=geo["arak"], city=saveh_city)
    assert _errors(exc)["city"] == ["شهر «شهر ساوه» در شهرستان «اراک» نیست."]


def test_an_update_never_moves_the_status(make_unit, users):
    """The status has one write path, the unit's workflow: ``unit_update`` takes
    no status, and a change of workforce re-assesses without moving it."""
    unit = make_unit(employees=20)
    with pytest.raises(TypeError):
        services.unit_update(unit=unit, user=users["arak"], status="stalled")
    services.unit_update(unit=unit, user=users["arak"], employees=5)
    unit.refresh_from_db()
    assert (unit.status, unit.employees, unit.size) == ("active", 5, Size.MICRO)
    assert unit.status_changes.count() == 0
    services.unit_change_status(
        unit=unit, to_status="stalled", reason="قطع برق", user=users["arak"]
    )
    unit.refresh_from_db()
    change = unit.status_changes.get()
    assert (change.from_status, change.to_status, change.reason, change.changed_by) == (
        "active",
        "stalled",
        "قطع برق",
        users["arak"],
    )
    assert unit.risk_score == 10 and unit.risk_level == "low"  # status weight only: no visit yet


def test_it_answers_an_english_request_in_english():
    # given an English request, when a unit's fields break their rules,
    # then every message (and the field's label in it) is the English one
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.clean_unit_fields(
            {"employees": "many", "name": " ", "latitude": "1"}, today=date(2025, 1, 1)
        )
    errors = _errors(exc)
    assert errors["employees"] == [
        "Number of employees must be a whole number; «many» is not a number."
    ]
    assert errors["name"] == ["Enter the unit's name."]
    assert errors["longitude"] == ["Enter latitude and longitude together, or leave both blank."]


def test_it_keeps_the_persian_message_for_a_persian_request():
    with pytest.raises(ValidationError) as exc:
        services.clean_unit_fields({"employees": "-3"}, today=date(2025, 1, 1))
    assert _errors(exc)["employees"] == ["تعداد کارکنان نمی‌تواند کمتر از 0 باشد."]
