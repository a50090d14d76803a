"""``refresh_kpis`` on the provincial demo beside the plain recount of the same
figures, in one run (issue 12: the refresh must stay close to what computing
the standard periods' figures from the records costs).

Prepares the demo database when it holds no demo yet (as
``bench/reports_periods.py``: migrate, geography, users, every app's scenario
part), then times, best of ``--rounds``:

- ``facts.refresh()``: every standard period's rows, the day rows
  (``DayFact``) and the month balances, computed and written in one
  transaction;
- the recount: every part of every standard period computed from the records
  per county (per province for province parts) and the country, nothing
  written — the figures the table stores, by their selectors.

It also prints the rows written and where the refresh's time goes (reading
the day values, summing the periods, writing). Issue 12's goal on the demo:
single-digit seconds (it was ~80 s with the first day tables, ~6 s before them).

    uv run python bench/refresh_kpis.py [--rounds 3]
    uv run python bench/refresh_kpis.py --smoke   # a small demo (bench/_smoke.py)

The database is ``$JAHESH_VAR/jahesh.sqlite3`` (default /tmp/jahesh-bench-refresh);
a second run reuses it (``JAHESH_VAR=/tmp/var-x`` reuses a demo built by
``jahesh demo --no-serve``).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from _smoke import SMOKE, small_demo, var_dir

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jahesh.settings")
if SMOKE:
    os.environ["JAHESH_VAR"] = var_dir("/tmp/jahesh-bench-refresh-smoke")
os.environ.setdefault("JAHESH_VAR", "/tmp/jahesh-bench-refresh")

import django

django.setup()
if SMOKE:
    small_demo()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402


def best(fn, rounds: int) -> tuple[float, object]:
    found, result = float("inf"), None
    for _ in range(rounds):
        t = time.perf_counter()
        result = fn()
        found = min(found, time.perf_counter() - t)
    return found, result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="a small demo (CI)")
    args = parser.parse_args()
    rounds = 1 if SMOKE else args.rounds

    from jahesh.accounts.scoping import COUNTRY
    from jahesh.demo.services import demo_prepare
    from jahesh.reports import facts
    from jahesh.reports.kpis import PARTS
    from jahesh.reports.models import DayFact, Fact, MonthBalance
    from jahesh.units.models import Unit

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    print(f"database: {settings.DATABASES['default']['NAME']}")
    call_command("migrate", interactive=False, verbosity=0)
    if not Unit.objects.exists():
        demo_prepare(log=lambda line: print("  " + line))

    periods = facts.standard_periods()

    def recount() -> int:
        n = 0
        for period in periods:
            for part in PARTS.values():
                by = "county" if part.place == "county" else "province"
                n += len(part.values(area=COUNTRY, start=period.start, end=period.end, by=by))
                if not part.additive:
                    part.values(area=COUNTRY, start=period.start, end=period.end, by="province")
                    part.total(area=COUNTRY, start=period.start, end=period.end)
        return n

    recount_s, _ = best(recount, rounds)
    refresh_s, report = best(facts.refresh, rounds)
    assert isinstance(report, facts.RefreshReport)
    reading = sum(report.per_part.values())

    print(f"\nbest of {rounds}, {len(periods)} standard periods, {len(PARTS)} parts,"
          f" {settings.DATABASES['default']['ENGINE']}:")  # fmt: skip
    print(f"  recount from the records (nothing written)   {recount_s:8.2f} s")
    print(f"  refresh_kpis (facts.refresh)                 {refresh_s:8.2f} s"
          f"  {refresh_s / recount_s:5.2f}x the recount")  # fmt: skip
    print(f"    of which reading the records and summing   {reading:8.2f} s")
    print(f"  rows: {Fact.objects.count()} period rows, {DayFact.objects.count()} day rows,"
          f" {MonthBalance.objects.count()} month balances")  # fmt: skip
    goal = refresh_s < 10
    print("\nwithin issue 12's goal (< 10 s)" if goal else "\nOVER issue 12's goal (< 10 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
