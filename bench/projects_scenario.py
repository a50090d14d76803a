"""The projects demo part at full size: the article's figures, and how long it takes.

    uv run python bench/projects_scenario.py [--with-volunteers]
    uv run python bench/projects_scenario.py --smoke   # a tenth of the size, exact figures

A throwaway SQLite under /tmp/jahesh-bench-projects-scenario (migrated here)
with a Markazi of 12 counties and 1,200 villages (two in three deprived). It
runs the part, prints each KPI of kpis.md beside the range the article fixes,
checks that narrowing the window by 7 days on each side changes nothing, and
runs the part again to show it is idempotent. Exit status 1 if a figure is out
of its range. ``--with-volunteers`` runs the volunteers part first, as
``jahesh demo`` does, so services link to its camps and projects to its groups.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, timedelta

from _smoke import SMALL_DEMO, SMOKE, var_dir

VAR = var_dir("/tmp/jahesh-bench-projects-scenario")
os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
os.environ["JAHESH_VAR"] = VAR

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

AS_OF = date(2025, 10, 26)  # 4 Aban 1404


def setup_geo() -> None:
    from jahesh.core.text import normalize_key
    from jahesh.geo.models import County, Province, Village

    markazi = Province.objects.create(id=28, name="مرکزی", name_key=normalize_key("مرکزی"))
    villages = []
    for i in range(12):
        county = County.objects.create(
            id=300 + i, name=f"شهرستان {i}", name_key=f"شهرستان {i}", province=markazi
        )
        villages += [
            Village(
                id=county.pk * 1000 + j,
                name=f"روستای {i}-{j}",
                name_key=f"روستای {i}-{j}",
                province=markazi,
                county=county,
                is_deprived=j % 3 != 0,
            )
            for j in range(100)
        ]
    Village.objects.bulk_create(villages)


def main() -> int:
    from jahesh.accounts.scoping import Area
    from jahesh.core.jalali import last_jalali_years
    from jahesh.demo.registry import ScenarioContext
    from jahesh.projects import scenario
    from jahesh.projects.models import DirectService, Project, ProjectFunding
    from jahesh.reports.figures import kpi_values

    if SMOKE:  # a tenth of the size, as tests/projects/test_scenario.py
        for name, value in SMALL_DEMO["jahesh.projects.scenario"].items():
            setattr(scenario, name, value)

    call_command("migrate", verbosity=0)
    setup_geo()
    ctx = ScenarioContext(name="markazi", as_of=AS_OF, log=print)
    if "--with-volunteers" in sys.argv:
        # As in `jahesh demo`: the volunteers part first (groups, camps, skills).
        from jahesh.volunteers import scenario as volunteers_scenario

        started = time.perf_counter()
        volunteers_scenario.build(ctx)
        print(f"volunteers part: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    scenario.build(ctx)
    seconds = time.perf_counter() - started
    start, end = last_jalali_years(AS_OF, 5)
    area = Area(province_id=28)
    window = {"area": area, "start": start, "end": end}
    inner = {"area": area, "start": start + timedelta(days=7), "end": end - timedelta(days=7)}
    figures = [
        ("projects_completed", 1_600, 1_700),
        ("projects_value_rial", 1.5e12, 1.6e12),
        ("services_value_rial", 4.7e12, 4.8e12),
        ("services_beneficiaries", None, None),
    ]
    if SMOKE:  # a tenth: the same ranges divided by ten
        figures = [(c, low and low / 10, high and high / 10) for c, low, high in figures]
    codes = [code for code, _low, _high in figures]
    values, narrowed_values = kpi_values(**window, codes=codes), kpi_values(**inner, codes=codes)
    print(f"\nwindow {start} .. {end} (half-open), part ran in {seconds:.1f} s\n")
    print(f"{'KPI':<24} {'value':>20} {'article range':>30} {'inner window':>20}  ok")
    ok = True
    for code, low, high in figures:
        value, narrowed = values[code], narrowed_values[code]
        in_range = low is None or low < value < high
        ok &= in_range and value == narrowed
        span = "—" if low is None else f"{low:,.0f} < x < {high:,.0f}"
        print(
            f"{code:<24} {value:>20,} {span:>30} {narrowed:>20,}  "
            f"{'yes' if in_range and value == narrowed else 'NO'}"
        )
    counts = (
        Project.objects.count(),
        ProjectFunding.objects.count(),
        DirectService.objects.count(),
    )
    started = time.perf_counter()
    scenario.build(ctx)
    again = (Project.objects.count(), ProjectFunding.objects.count(), DirectService.objects.count())
    print(
        f"\nsecond run: {time.perf_counter() - started:.1f} s, rows before {counts}, "
        f"after {again} ({'idempotent' if again == counts else 'NOT idempotent'})"
    )
    ok &= again == counts
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
