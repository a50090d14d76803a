"""The units' figures of kpis.md (units monitored, units at high risk), wired to
their selectors; ``reports.registry`` lists them. ``UNIT_COLUMNS`` is also the
drill-down of the clinic's "closures prevented" (a list of units)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jahesh.accounts.roles import Module
from jahesh.core.kpis import COUNT, COUNTY_COLUMN, STATUS_COLUMN, DrillColumn, Kpi, parts
from jahesh.units import selectors as s
from jahesh.units.models import RiskAssessment, Unit, Visit

_C = DrillColumn
UNIT_COLUMNS = (
    _C("name", "نام واحد", "Unit", "name", link=("units:detail", "pk")),
    COUNTY_COLUMN,
    _C("sector", "بخش", "Sector", "get_sector_display"),
    _C("employees", "کارکنان", "Employees", "employees", "count"),
    STATUS_COLUMN,
    _C("risk", "سطح ریسک", "Risk level", "get_risk_level_display"),
    _C("last_visit_on", "آخرین بازدید", "Last visit", "last_visit_on", "date"),
)

KPIS: tuple[Kpi, ...] = (
    Kpi(
        "units_monitored", module=Module.UNITS, unit=COUNT, exact=True, headline=True,
        parts=parts(
            {"units_monitored": (s.kpi_units_monitored, s.kpi_units_monitored_daily)},
            sources=(Unit, Visit), distinct=True,
        ),
        name_fa=_("واحدهای پایش‌شده"), name_en="Units monitored",
        definition_fa=_("واحدهای تولیدی متمایزی که دست‌کم یک بازدید پایش با تاریخی در این دوره دارند."),
        definition_en="Distinct production units with at least one monitoring visit dated in the period.",
        records=s.kpi_units_monitored_records, columns=UNIT_COLUMNS, related=("county",),
    ),
    Kpi(
        "units_high_risk", module=Module.UNITS, unit=COUNT, exact=True,
        parts=parts(
            {"units_high_risk": (s.kpi_units_high_risk, s.kpi_units_high_risk_daily)},
            sources=(Unit, Visit, RiskAssessment), window=True,
        ),
        name_fa=_("واحدهای پرخطر"), name_en="Units at high risk",
        definition_fa=_("واحدهای متمایزی که آخرین بازدیدشان در این دوره آن‌ها را در سطح پرخطر قرار داد."),
        definition_en="Distinct units whose latest visit in the period put them at high risk.",
        records=s.kpi_units_high_risk_records, columns=UNIT_COLUMNS, related=("county",),
    ),
)  # fmt: skip
