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
