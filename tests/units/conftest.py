from __future__ import annotations

from datetime import date

import pytest
import time_machine

from jahesh.units import services

# Every units test runs on this day (Tehran): 1404/09/06.
TODAY = date(2025, 11, 27)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel("2025-11-27 10:00:00+03:30", tick=False):
        yield


@pytest.fixture
def make_unit(geo, users):
    counter = {"n": 0}

    def make(county=None, **fields):
        counter["n"] += 1
        fields.setdefault("name", f"واحد آزمایشی {counter['n']}")
        fields.setdefault("sector", "industry")
        return services.unit_create(user=users["admin"], county=county or geo["arak"], **fields)

    return make


@pytest.fixture
def make_visit(users):
    def make(unit, **fields):
        fields.setdefault("visited_on", date(2025, 10, 1))
        return services.visit_create(unit=unit, user=users["admin"], **fields)

    return make


@pytest.fixture
def units(make_unit, make_visit, geo):
    arak = make_unit(
        name="شرکت فولاد اراک", county=geo["arak"], national_id="10380284790", employees=40
    )
    saveh = make_unit(name="کارخانه قند ساوه", county=geo["saveh"], employees=30)
    make_visit(
        arak,
        capacity_utilization=10,
        unpaid_wage_months=6,
        tax_debt_rial=1,
        bank_arrears_rial=1,
        social_security_debt_rial=1,
        sales_trend="down",
        court_cases=2,
    )  # 66: high
    make_visit(saveh, capacity_utilization=5, unpaid_wage_months=5, court_cases=2)  # 38: watch
    return {"arak": arak, "saveh": saveh}
