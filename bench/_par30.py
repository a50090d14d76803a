"""PAR30 two ways, for bench/funds_par.py and bench/reports_national.py (not a benchmark).

- ``registry_par30``: the figure the KPI registry gives (``reports.figures.kpi_values``,
  the public entry point, whichever implementation is merged), in basis points,
  and its two parts when the registry exposes them;
- ``plain_sql_par30``: the same figure in one plain SQL statement over the
  installment table itself (and the loan table, for the loan's status): a loan's
  outstanding principal at the end of ``last`` is its installments' principal
  less what was paid by then (nothing once written off by then); the loan is at
  risk when an installment due more than 30 days before ``last`` was unpaid then
  (CGAP: the whole outstanding counts). The baseline of the registry's time.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

DAY = datetime.timedelta(days=1)

PLAIN_SQL = """
SELECT COALESCE(SUM(CASE WHEN late > 0 THEN outstanding ELSE 0 END), 0),
       COALESCE(SUM(outstanding), 0)
FROM (
    SELECT i.loan_id,
           SUM(i.principal_part
               - CASE WHEN i.paid_on <= %(last)s THEN i.paid_principal ELSE 0 END) AS outstanding,
           SUM(CASE WHEN i.due_on < %(late)s AND (i.paid_on IS NULL OR i.paid_on > %(last)s)
                    THEN 1 ELSE 0 END) AS late
    FROM funds_installment i JOIN funds_loan l ON l.id = i.loan_id
    WHERE l.disbursed_on <= %(last)s
      AND NOT (l.status = %(written_off)s AND l.closed_on <= %(last)s)
    GROUP BY i.loan_id
) AS per_loan
WHERE outstanding > 0
"""


def basis_points(at_risk: int, outstanding: int) -> int:
    """at_risk / outstanding in 1/100 of a percent, half up (as kpis.md fixes it)."""
    if not outstanding:
        return 0
    x = Fraction(at_risk * 10_000, outstanding)
    return int(x + Fraction(1, 2)) if x >= 0 else -int(-x + Fraction(1, 2))


def plain_sql_par30(end: datetime.date) -> tuple[int, int]:
    """(at risk, outstanding) in rials at the end of the period [·, end)."""
    from django.db import connection

    last = end - DAY
    with connection.cursor() as cursor:
        cursor.execute(
            PLAIN_SQL,
            {"last": last, "late": last - 30 * DAY, "written_off": "written_off"},
        )
        at_risk, outstanding = cursor.fetchone()
    return int(at_risk), int(outstanding)


def registry_par30(area, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """``{"par30": basis points}`` from the registry, with ``par30_at_risk`` and
    ``par30_outstanding`` when its parts can be read (``figures.part_values``)."""
    from jahesh.reports import figures, kpis

    out = {"par30": figures.kpi_values(area=area, start=start, end=end, codes=["par30"])["par30"]}
    parts = getattr(kpis, "PARTS", {})
    wanted = [parts[c] for c in ("par30_at_risk", "par30_outstanding") if c in parts]
    if len(wanted) == 2 and hasattr(figures, "part_values"):
        out.update(figures.part_values(area=area, start=start, end=end, parts=wanted))
    return out


def agree(registry: dict[str, int], sql: tuple[int, int]) -> bool:
    """The registry's figure (and its parts, when read) equal the plain SQL's."""
    at_risk, outstanding = sql
    same = registry["par30"] == basis_points(at_risk, outstanding)
    if "par30_at_risk" in registry:
        same = same and (registry["par30_at_risk"], registry["par30_outstanding"]) == sql
    return same
