"""Reads of production units: lists, search, the watch list, history as of a
date, and the KPIs of the area (kpis.md: units_monitored, units_high_risk)."""

from __future__ import annotations

from datetime import date

from jahesh.units.models import RiskAssessment, RiskLevel, StatusChange, Unit, UnitStatus
from jahesh.units.risk import Driver, RiskResult

__all__ = ["RiskLevel", "RiskResult", "unit_risk_at", "unit_status_at"]


def unit_risk_at(*, unit: Unit, when: date) -> RiskResult | None:
    """The unit's risk as last assessed on or before ``when`` (None: never assessed by then)."""
    row = (
        RiskAssessment.objects.filter(unit=unit, assessed_on__lte=when)
        .order_by("-assessed_on", "-id")
        .first()
    )
    if row is None:
        return None
    drivers = [
        Driver(code=d.get("code", ""), points=d.get("points", 0), text=d.get("text", ""))
        for d in row.drivers or []
    ]
    return RiskResult(
        score=row.score, level=row.level, drivers=drivers, assessed_on=row.assessed_on
    )


def unit_status_at(*, unit: Unit, when: date) -> str:
    """The unit's status (a ``UnitStatus`` value) on ``when``, from its status history.

    The last change dated on or before ``when`` gives it; before the first
    recorded change the unit had that change's ``from_status``; with no
    history at all, the current status.
    """
    changes = StatusChange.objects.filter(unit=unit)
    last = changes.filter(changed_on__lte=when).order_by("-changed_on", "-id").first()
    if last is not None:
        return last.to_status
    first = changes.order_by("changed_on", "id").first()
    if first is not None and first.from_status:
        return first.from_status
    return unit.status or UnitStatus.ACTIVE
