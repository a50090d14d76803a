"""The KPI registry as every consumer reads it (reference/kpis.md).

The figures are declared by their apps (``<app>/kpis.py``, with direct
references to their selectors) and listed in ``reports.registry``; their shape
is ``core.kpis``. Both are re-exported here for the callers. Dashboards, the KPI
API, exports, the narrative report and the public page read figures through
``reports.figures`` (:func:`~jahesh.reports.figures.kpi_values` /
``kpi_value``), which reads the analytics table (``reports.facts``); imports run
one way: figures → facts → kpis → registry → the apps' ``kpis.py`` → core.

Periods are half-open [start, end); "at the period's end" is the state on
``end − 1 day``. Aggregates are limited by :class:`~jahesh.accounts.scoping.Area`,
never by ``scoped()``: a viewer reads figures, not records.
"""

from __future__ import annotations

from typing import Any

from jahesh.accounts.scoping import Area
from jahesh.core.kpis import COUNT as COUNT
from jahesh.core.kpis import PERCENT as PERCENT
from jahesh.core.kpis import RIAL as RIAL
from jahesh.core.kpis import DrillColumn as DrillColumn
from jahesh.core.kpis import Kpi as Kpi
from jahesh.core.kpis import KpiUnavailable as KpiUnavailable
from jahesh.core.kpis import Part as Part
from jahesh.geo.models import County
from jahesh.reports.registry import CODES as CODES
from jahesh.reports.registry import HEADLINE_CODES as HEADLINE_CODES
from jahesh.reports.registry import KPI_LIST as KPI_LIST
from jahesh.reports.registry import KPIS as KPIS
from jahesh.reports.registry import PARTS as PARTS
from jahesh.reports.registry import get_kpi as get_kpi


def spread_to_counties(
    per_province: dict[str, dict[int, int]], area: Area
) -> dict[str, dict[int, int]]:
    """Province parts (working groups are provincial) per county of ``area``: each
    county gets its province's value. ``{code: {province: v}}`` → ``{code: {county: v}}``."""
    counties = list(County.objects.filter(area.counties_q()).values_list("pk", "province_id"))
    return {
        code: {c: values[p] for c, p in counties if p in values}
        for code, values in per_province.items()
    }


def record_value(record: Any, attr: str) -> Any:
    """The value of a drill-down column on one record (dotted path; callables called)."""
    value = record
    for part in attr.split("."):
        if value is None:
            return None
        value = getattr(value, part, None)
        if callable(value):
            value = value()
    return value
