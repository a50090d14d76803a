"""Status and risk as of a date: what the clinic reads when a case opens."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jahesh.core.errors import Conflict
from jahesh.core.workflow import Step
from jahesh.units import services
from jahesh.units.models import Unit
from jahesh.units.selectors import RiskLevel, unit_risk_at, unit_status_at

from .conftest import TODAY


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


def _refusal(call) -> tuple[type, str]:
    with pytest.raises((Conflict, ValidationError)) as exc:
        call()
    error = exc.value
    return type(error), str(getattr(error, "message_dict", None) or error.message)


def test_the_bulk_form_refuses_what_a_status_move_refuses(make_unit, users):
    """UNIT_FLOW.history (the demo's status changes) refuses a move without a
    reason and a move to the same status as unit_change_status does, same message."""
    unit = make_unit()
    user, now = users["arak"], timezone.now()
    no_reason = _refusal(
        lambda: services.unit_change_status(unit=unit, to_status="closed", reason=" ", user=user)
    )
    same = _refusal(
        lambda: services.unit_change_status(unit=unit, to_status="active", reason="x", user=user)
    )
    assert no_reason[0] is ValidationError and same[0] is Conflict

    def history(*steps: tuple[str, str]) -> object:
        fresh = Unit(status="active")
        return services.UNIT_FLOW.history(
            fresh, [Step(to, now, data=TODAY, reason=why) for to, why in steps], user=user
        )

    assert _refusal(lambda: history(("active", ""), ("closed", " "))) == no_reason
    assert _refusal(lambda: history(("active", ""), ("active", "x"))) == same
    rows = history(("active", ""), ("stalled", "قطع گاز"), ("closed", "ورشکستگی"))
    assert [(r.from_status, r.to_status, r.changed_on, r.reason, r.changed_by) for r in rows] == [
        ("", "active", TODAY, "", user),
        ("active", "stalled", TODAY, "قطع گاز", user),
        ("stalled", "closed", TODAY, "ورشکستگی", user),
    ]
