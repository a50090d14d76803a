"""THE KPI registry (reference/kpis.md): every headline figure, in kpis.md's
order, as its app declares it in its own ``kpis.py`` (``core.kpis.Kpi``: code,
names, definition, unit, exactness, its parts and their selectors, the tables
they read, the day rows' selectors, the drill-down's records and columns).

This list of imports is the whole wiring: an app's figures count once they are
listed here, and a selector a declaration names that does not exist fails at
import. Nothing here reads the records or the analytics table (``kpis``,
``facts`` do), so both may import it.
"""

from __future__ import annotations

from types import ModuleType

from jahesh.clinic import kpis as clinic_kpis
from jahesh.core.kpis import Kpi, KpiUnavailable, Part
from jahesh.funds import kpis as funds_kpis
from jahesh.projects import kpis as projects_kpis
from jahesh.units import kpis as units_kpis
from jahesh.volunteers import kpis as volunteers_kpis

# The apps' declarations (each a ``KPIS`` tuple), in kpis.md's order.
APPS: tuple[ModuleType, ...] = (units_kpis, clinic_kpis, funds_kpis, volunteers_kpis, projects_kpis)
KPI_LIST: list[Kpi] = [kpi for app in APPS for kpi in app.KPIS]

KPIS: dict[str, Kpi] = {k.code: k for k in KPI_LIST}
CODES: tuple[str, ...] = tuple(KPIS)
HEADLINE_CODES: tuple[str, ...] = tuple(k.code for k in KPI_LIST if k.headline)
# Every part (the figures' and those shown beside them), by code.
PARTS: dict[str, Part] = {part.code: part for kpi in KPI_LIST for part in (*kpi.parts, *kpi.beside)}


def get_kpi(code: str) -> Kpi:
    try:
        return KPIS[code]
    except KeyError:
        raise KpiUnavailable(f"no KPI {code!r}") from None
