"""Status and risk as of a date: what the clinic reads when a case opens."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from jahesh.core.errors import Conflict
from jahesh.units import services
from jahesh.units.selectors import RiskLevel, unit_risk_at, unit_status_at


def test_it_answers_the_status_on_any_date(make_unit, users):
    unit = make_unit(status="partial")
    services.unit_change_status(
        unit=unit,
        to_status="stalled",
        reason="قطع گاز",
        user=users["arak"],
        changed_on=date(2024, 5, 1),
    )
    services.unit_change_status(
        unit=unit,
        to_status="active",
        reason="وصل گاز",
        user=users["arak"],
        changed_on=date(2025, 3, 1),
    )
    assert unit_status_at(unit=unit, when=date(2024, 4, 30)) == "partial"
    assert unit_status_at(unit=unit, when=date(2024, 5, 1)) == "stalled"
    assert unit_status_at(unit=unit, when=date(2025, 2, 28)) == "stalled"
    assert unit_status_at(unit=unit, when=date(2025, 11, 1)) == "active"


def test_it_answers_the_risk_on_any_date(make_unit, make_visit):
    unit = make_unit()
    assert unit_risk_at(unit=unit, when=date(2025, 1, 1)) is None
    make_visit(
        unit,
        visited_on=date(2024, 6, 1),
        capacity_utilization=0,
        unpaid_wage_months=6,
        bank_arrears_rial=1,
        tax_debt_rial=1,
    )  # 20 + 15 + 8 + 7 = 50
    make_visit(unit, visited_on=date(2025, 6, 1), capacity_utilization=80)
    before = unit_risk_at(unit=unit, when=date(2024, 12, 31))
    assert (before.score, before.level, before.assessed_on) == (
        50,
        RiskLevel.WATCH,
        date(2024, 6, 1),
    )
    assert before.drivers[0].text == "ظرفیت ۰٪"
    after = unit_risk_at(unit=unit, when=date(2025, 6, 1))
    assert (after.score, after.level) == (0, RiskLevel.LOW)


def test_a_status_move_needs_a_reason_and_a_real_change(make_unit, users):
    unit = make_unit()
    with pytest.raises(ValidationError):
        services.unit_change_status(unit=unit, to_status="closed", reason=" ", user=users["arak"])
    with pytest.raises(Conflict):
        services.unit_change_status(unit=unit, to_status="active", reason="x", user=users["arak"])
    with pytest.raises(ValidationError):
        services.unit_change_status(
            unit=unit,
            to_status="closed",
            reason="x",
            user=users["arak"],
            changed_on=date(2025, 12, 1),
        )
    assert unit.status_changes.count() == 0
