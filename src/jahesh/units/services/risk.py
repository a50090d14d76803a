"""A unit's risk assessment from its latest visit."""

from __future__ import annotations

from datetime import date

from jahesh.units.models import (
    RiskAssessment,
    RiskSettings,
    Unit,
    Visit,
)
from jahesh.units.risk import RiskResult, compute_risk, current_settings
from jahesh.units.selectors import unit_status_at


def _latest_visit(unit: Unit, on: date) -> Visit | None:
    return unit.visits.filter(visited_on__lte=on).order_by("-visited_on", "-id").first()


def risk_assessment_build(
    *, unit: Unit, visit: Visit | None, on: date, status: str, weights: RiskSettings
) -> RiskAssessment:
    """The unit's risk as of ``on``, not saved: ``compute_risk`` of ``visit``, the
    unit's ``status`` that day and its registered workforce, with ``weights``."""
    result: RiskResult = compute_risk(
        visit=visit,
        status=status,
        registered_employees=unit.employees,
        settings=weights,
        assessed_on=on,
    )
    return RiskAssessment(
        unit=unit,
        visit=visit,
        assessed_on=on,
        score=result.score,
        level=result.level,
        drivers=[d.as_dict() for d in result.drivers],
        status=status,
    )


def _assess(*, unit: Unit, visit: Visit | None, on: date) -> RiskAssessment:
    status = unit_status_at(unit=unit, when=on)
    row = risk_assessment_build(
        unit=unit, visit=visit, on=on, status=status, weights=current_settings()
    )
    row.save()
    return row


def unit_reassess(*, unit: Unit, on: date) -> RiskAssessment:
    """Append a risk assessment as of ``on`` from the latest visit by then and the
    status on that day (after a status change, a new workforce figure or new weights)."""
    row = _assess(unit=unit, visit=_latest_visit(unit, on), on=on)
    _refresh_cached_risk(unit)
    return row


def _refresh_cached_risk(unit: Unit) -> None:
    latest = unit.risk_assessments.order_by("-assessed_on", "-id").first()
    values = {
        "risk_score": latest.score if latest else None,
        "risk_level": latest.level if latest else "",
        "risk_assessed_on": latest.assessed_on if latest else None,
    }
    Unit.objects.filter(pk=unit.pk).update(**values)
    for name, value in values.items():
        setattr(unit, name, value)
