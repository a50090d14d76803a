"""What every benchmark shares for its smoke run (not a benchmark itself).

``--smoke`` runs a benchmark at its smallest size, so that CI
(``tests/test_bench_smoke.py``) fails when one no longer runs on today's
code. A smoke run checks that the benchmark's code paths and its "same
result" checks still work; its timings are printed but not judged (a few
rows on a shared machine say nothing about a target).

``$JAHESH_BENCH_VAR``, when set (the smoke test sets it), is the run's
throwaway directory; it may already hold a migrated SQLite database, which
the benchmark's own ``migrate`` then only checks (migrating from nothing
takes about ten seconds, most of a smoke run).
"""

from __future__ import annotations

import os
import shutil
import sys

SMOKE = "--smoke" in sys.argv


def var_dir(default: str) -> str:
    """The benchmark's throwaway directory: ``$JAHESH_BENCH_VAR`` if given (left as
    it is), else ``default``, emptied."""
    given = os.environ.get("JAHESH_BENCH_VAR")
    if given:
        os.makedirs(given, exist_ok=True)
        return given
    shutil.rmtree(default, ignore_errors=True)
    os.makedirs(default)
    return default


def args() -> list[str]:
    """The command line's arguments without ``--smoke``."""
    return [a for a in sys.argv[1:] if a != "--smoke"]


# --- A small demo, for the benchmarks that prepare the demo --------------------------

# Each app's scenario constants at a small size, and the figures (kpis.md's codes)
# that the small demo must give for Markazi over the last five Jalali years:
# an exact value or exclusive bounds.
SMALL_DEMO = {
    "jahesh.units.scenario": {
        "TOTAL": 110,
        "MONITORED": 76,
        "VISITED_BEFORE_ONLY": 8,
        "CRISIS": 25,
    },
    "jahesh.clinic.scenario": {"PREVENTED": 11},
    "jahesh.funds.scenario": {"ACTIVE_FUNDS": 16, "CLOSED_FUNDS": 2, "JOBS_TARGET": 36},
    "jahesh.projects.scenario": {
        "COMPLETED": 164,
        "COMPLETED_BEFORE_WINDOW": 6,
        "PROJECTS_VALUE_RIAL": 155_300_000_000,
        "SERVICES_VALUE_RIAL": 474_200_000_000,
        "SERVICES": 400,
        "OPEN": {"in_progress": 14, "planned": 7, "suspended": 2, "cancelled": 2},
    },
}
# build_part's keyword defaults are bound when it is defined, so they are set there.
SMALL_VOLUNTEERS = {"active": 400, "left": 20, "groups": 6, "camps": 10}
SMALL_DEMO_FIGURES: dict[str, int | tuple[int, int]] = {
    "units_monitored": 76,
    "closures_prevented": 11,
    "funds_active": 16,
    "jobs_created": 36,
    "volunteers": 400,
    "projects_completed": 164,
    "projects_value_rial": 155_300_000_000,
    "services_value_rial": (473_700_000_000, 474_700_000_000),  # ± 0.1 %, as its test
}
# Markazi and Qom (the province with the fewest villages): the national
# generator fills every province other than the demo's.
SMALL_GEOGRAPHY = {"28", "19"}


def small_demo() -> None:
    """Shrink the demo (after ``django.setup()``, before ``demo_prepare``): smaller
    scenario parts, and a geography of two provinces (so ``demo_prepare`` loads
    ~2,000 places instead of ~104,000)."""
    from importlib import import_module

    from jahesh.volunteers import scenario as volunteers

    for dotted, values in SMALL_DEMO.items():
        module = import_module(dotted)
        for name, value in values.items():
            setattr(module, name, value)
    volunteers.build_part.__kwdefaults__.update(SMALL_VOLUNTEERS)
    only_provinces(SMALL_GEOGRAPHY)


def only_provinces(ids: set[str]) -> None:
    """Make geography loads read only the rows of these provinces (their ids in
    django-iranian-cities' files): every level, a fraction of the rows."""
    from jahesh.geo import loader

    every = loader.data_rows

    def rows(file: str):
        column = "id" if file == "province" else "province"
        return (row for row in every(file) if row.get(column) in ids)

    loader.data_rows = rows
