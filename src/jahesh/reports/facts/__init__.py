"""The analytics table: KPI parts of the standard periods, precomputed per place.

A package: ``marks`` (what writes made stale), ``stored`` (the standard
periods' rows), ``days`` (the day rows: any period), ``build`` (writing the
day and period rows), ``refresh`` (computing and storing), ``versions`` (the
writer's lock, data versions), ``triggers``
(the stale-place triggers, bulk loads); the names callers use are here.

DHIS2 keeps figures fast over a country by precomputing them per org unit and
period; so does Jahesh, for the periods its dashboards open by default:

- :func:`standard_periods` — the last five Jalali years (the dashboard's, the
  KPI API's and the public page's default) and each Jalali year of it, clipped
  to it (the trend charts);
- :func:`refresh` computes every part (``reports.kpis.Part``) of those periods
  from its day values (one read of the records per part, summed per period and
  place in memory) and stores them in ``reports.Fact``; ``jahesh refresh_kpis`` runs it (nightly,
  after a day turns, and after bulk loads);
- triggers on every source table (:data:`SOURCES`, installed after each
  ``migrate`` by :func:`install_triggers`) append the county — or, for
  working groups, the province — of every inserted, updated or deleted row to
  ``reports.StalePlace``, whatever wrote it (services, bulk inserts, queryset
  updates, the admin, SQL);
- :func:`read` serves a figure from the table only for a materialized period;
  the places it needs that are marked stale it recomputes from the records in
  memory (:func:`current`) and serves without storing, so a figure read from
  the table always equals the one computed from the records, and a read never
  writes;
- :func:`refresh_stale` (the writer) stores those places' rows and removes
  their marks: a task each write enqueues on commit (``reports.tasks``) and the
  periodic job run it, one writer at a time (:func:`writing`).

Any other period is read from the day rows (``DayFact``, ``MonthBalance``: see
"Day rows" below): every part is kept per place and day, and per province and
the country (sums of the places below; distinct beneficiaries, which do not add
up over places, computed per level), so a custom period is a few small indexed
sums of the area's own rows, whatever its size (``reports.figures.part_values``).
"""

from jahesh.reports.facts.days import days_built
from jahesh.reports.facts.marks import SOURCES, Marks
from jahesh.reports.facts.refresh import RefreshReport, ensure_current, refresh, refresh_stale
from jahesh.reports.facts.stored import current, read, read_by_place, served, standard_periods
from jahesh.reports.facts.triggers import (
    drop_triggers,
    install_triggers,
    loading,
    paused,
    select_sql,
    trigger_statements,
)
from jahesh.reports.facts.versions import (
    LOCK_KEY,
    data_version,
    invalidate,
    invalidate_if_present,
    version_sql,
    writing,
)

__all__ = [
    "LOCK_KEY",
    "SOURCES",
    "Marks",
    "RefreshReport",
    "current",
    "data_version",
    "version_sql",
    "days_built",
    "drop_triggers",
    "ensure_current",
    "install_triggers",
    "invalidate",
    "invalidate_if_present",
    "loading",
    "paused",
    "read",
    "read_by_place",
    "refresh",
    "refresh_stale",
    "select_sql",
    "served",
    "standard_periods",
    "trigger_statements",
    "writing",
]
