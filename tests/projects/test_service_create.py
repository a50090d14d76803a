from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jahesh.accounts.scoping import Area
from jahesh.core.errors import InvalidInput
from jahesh.geo.models import Village
from jahesh.projects import selectors, services
from jahesh.projects.models import DirectService
from jahesh.reports.figures import kpi_value

from .conftest import NOW

K = DirectService.Kind
DAY = datetime.date(2025, 5, 10)
A, B, C = "0081234562", "0639876544", "4901122339"


def _service(users, **fields):
    fields.setdefault("kind", K.MEDICAL)
    fields.setdefault("delivered_on", DAY)
    fields.setdefault("quantity", 40)
    fields.setdefault("unit_value_rial", 2_500_000)
    fields.setdefault("village", Village.objects.get(pk=1))
    return services.service_create(user=users["projects"], now=NOW, **fields)


def test_it_values_a_service_at_quantity_times_unit_value(users, clock):
    service = _service(users, quantity=40, unit_value_rial=2_500_000)
    assert service.value_rial == 100_000_000
    assert service.county_id == 19  # Arak, from the village


def test_the_database_refuses_a_value_that_is_not_quantity_times_unit_value(users, clock):
    service = _service(users)
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectService.objects.filter(pk=service.pk).update(value_rial=1)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(quantity=st.integers(1, 10**6), unit=st.integers(0, 10**9))
def test_it_keeps_value_equal_to_quantity_times_unit_for_any_amounts(users, quantity, unit):
    service = _service(users, quantity=quantity, unit_value_rial=unit)
    service.refresh_from_db()
    assert service.value_rial == quantity * unit


def test_it_keeps_counts_by_sex_and_age_group(users, clock):
    service = _service(users, counts={"male_children": 5, "female_adults": 7, "male_elderly": 2})
    assert (service.male_children, service.female_adults, service.male_elderly) == (5, 7, 2)
    assert service.beneficiaries_total == 14


def test_it_counts_a_person_once_within_a_service_and_across_services(users, clock):
    first = _service(users, people=[A, B, "۰۰۸۱۲۳۴۵۶۲"])  # A again, in Persian digits
    _service(users, kind=K.DENTAL, people=[A, C])
    assert sorted(first.people.values_list("national_code", flat=True)) == [A, B]
    markazi = Area(province_id=28)
    period = (datetime.date(2025, 5, 1), datetime.date(2025, 6, 1))
    assert kpi_value("services_beneficiaries", area=markazi, start=period[0], end=period[1]) == 3
    records = selectors.kpi_services_beneficiaries_records(
        area=markazi, start=period[0], end=period[1]
    )
    assert [r.national_code for r in records] == [A, B, C]


def test_it_refuses_an_invalid_national_code_naming_the_person(users, clock):
    with pytest.raises(InvalidInput) as exc:
        _service(users, people=[A, "0081234561"])
    assert exc.value.field == "people.1.national_code"
    assert DirectService.objects.count() == 0


def test_it_refuses_a_service_dated_after_today(users, clock):
    with pytest.raises(InvalidInput) as exc:
        _service(users, delivered_on=datetime.date(2025, 6, 2))
    assert exc.value.field == "delivered_on"


@pytest.mark.parametrize(("field", "value"), [("quantity", 0), ("unit_value_rial", -1)])
def test_it_refuses_non_positive_quantity_or_negative_unit_value(users, clock, field, value):
    with pytest.raises(InvalidInput) as exc:
        _service(users, **{field: value})
    assert exc.value.field == field


def test_it_sums_service_values_in_the_period_and_area(users, clock):
    _service(users, quantity=10, unit_value_rial=1_000)  # Arak
    _service(users, quantity=3, unit_value_rial=1_000, village=Village.objects.get(pk=2))  # Saveh
    _service(users, quantity=7, unit_value_rial=1_000, village=Village.objects.get(pk=3))  # Tehran
    _service(users, quantity=5, unit_value_rial=1_000, delivered_on=datetime.date(2025, 4, 30))
    period = dict(start=datetime.date(2025, 5, 1), end=datetime.date(2025, 6, 1))
    assert kpi_value("services_value_rial", area=Area(province_id=28), **period) == 13_000
    assert (
        kpi_value("services_value_rial", area=Area(province_id=28, county_id=19), **period)
        == 10_000
    )
    assert kpi_value("services_value_rial", area=Area(), **period) == 20_000
    assert (
        selectors.kpi_services_value_rial_records(area=Area(province_id=28), **period).count() == 2
    )
