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

``--national S`` times ``jahesh refresh_kpis`` on the national database of
scale S instead (issue 12's target: at most 15 s at S = 0.3), built or reused
as ``bench/reports_national.py`` builds it (``$JAHESH_BENCH_NATIONAL_ROOT``,
``--db``, ``--pg-prefix``: the same databases), beside the same command run by another
checkout of the code (``--baseline``, a git ref, default ``main``: its ``src``
exported with ``git archive``) on the same database, alternating, best of
``--rounds`` each; each run also fingerprints what it wrote (every period row,
day row and month balance), and the run fails unless both wrote the same::

    uv run python bench/refresh_kpis.py --national 0.3 [--db postgres] [--baseline main]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import reports_national as rn
from _smoke import SMOKE, small_demo, var_dir

NATIONAL = "--national" in sys.argv or "--child" in sys.argv  # Django set up per child
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jahesh.settings")
if SMOKE:
    os.environ["JAHESH_VAR"] = var_dir("/tmp/jahesh-bench-refresh-smoke")
os.environ.setdefault("JAHESH_VAR", "/tmp/jahesh-bench-refresh")

if not NATIONAL:
    import django

    django.setup()
    if SMOKE:
        small_demo()


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
    parser.add_argument("--national", type=float, help="the national database of this scale")
    rn.database_arguments(parser)  # --db, --database-url, --pg-prefix
    parser.add_argument("--baseline", default="main", help="the git ref timed beside")
    parser.add_argument("--drop", action="store_true", help="PostgreSQL: drop them at the end")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child_refresh()), flush=True)
        return 0
    if args.national is not None:
        return national(args)
    rounds = 1 if SMOKE else args.rounds
    from django.conf import settings
    from django.core.management import call_command

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


# --- National scale: this checkout beside the baseline's, on one database --------------


def child_refresh() -> dict:
    """``jahesh refresh_kpis`` on ``$DATABASE_URL`` / ``$JAHESH_VAR``
    (``reports_national.timed_refresh``) and a fingerprint of what it wrote."""
    import django

    django.setup()
    seconds, said = rn.timed_refresh()
    return {"seconds": seconds, "said": said, **fingerprint()}


# What a refresh writes, row by row (a key stored in several rows: their sum).
FINGERPRINTS = {
    "facts": "SELECT p.start, p.{end}, f.part, f.level, f.province_id, f.county_id, SUM(f.value)"
    " FROM reports_fact f JOIN reports_factperiod p ON p.id = f.period_id"
    " GROUP BY p.start, p.{end}, f.part, f.level, f.province_id, f.county_id",
    "days": "SELECT part, day, since, lo, hi, province_id, county_id, SUM(value)"
    " FROM reports_dayfact GROUP BY part, day, since, lo, hi, province_id, county_id",
    "balances": "SELECT part, month, province_id, county_id, SUM(value)"
    " FROM reports_monthbalance GROUP BY part, month, province_id, county_id",
}


def fingerprint() -> dict:
    """Per table: its rows (grouped by key) and a digest of them, in key order."""
    from django.db import connection

    found: dict = {}
    for name, sql in FINGERPRINTS.items():
        sql = sql.format(end=connection.ops.quote_name("end"))
        columns = sql.split(" FROM ")[0].count(",")
        order = ", ".join(str(i) for i in range(1, columns + 1))
        digest, n = hashlib.sha256(), 0
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} ORDER BY {order}")
            while batch := cursor.fetchmany(10_000):
                for row in batch:
                    digest.update(repr(tuple(str(v) for v in row)).encode())
                n += len(batch)
        found[name] = f"{n} rows {digest.hexdigest()[:16]}"
    return found


def national(args) -> int:
    """Time ``refresh_kpis`` on the national database: this checkout beside
    ``--baseline``'s, alternating, best of ``--rounds``; both must write the same."""
    root = Path(tempfile.mkdtemp(prefix="refresh-baseline-"))
    here = Path(__file__).resolve().parent.parent
    archive = subprocess.run(["git", "-C", str(here), "archive", args.baseline, "src"],
                             check=True, stdout=subprocess.PIPE).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    base_url = args.database_url if args.db == "postgres" else None
    created: list[str] = []
    builds: dict[str, dict] = {}
    runs: dict[str, list[dict]] = {args.baseline: [], "this checkout": []}
    try:
        for kind in ("provincial", "national"):
            _common, env = rn.database(kind, root=rn.ROOT, base_url=base_url,
                                       prefix=args.pg_prefix, scale=args.national, fresh=False,
                                       builds=builds, created=created)  # fmt: skip
        if base_url:
            env["DATABASE_URL"] = env["BENCH_DATABASE_URL"]
        for round_no in range(1, args.rounds + 1):
            for label, path in ((args.baseline, str(root / "src")), ("this checkout", "")):
                print(f"round {round_no}/{args.rounds}: {label} …", flush=True)
                child = env | {"PYTHONPATH": path} if path else env
                proc = subprocess.run([sys.executable, __file__, "--child"], env=child,
                                      stdout=subprocess.PIPE, text=True, check=True)  # fmt: skip
                found = json.loads(proc.stdout.split("RESULT ", 1)[1])
                print(f"  {found['seconds']:.1f} s ({found['said']})", flush=True)
                runs[label].append(found)
    finally:
        subprocess.run(["rm", "-rf", str(root)], check=True)
        if base_url and args.drop:
            for name in created:
                rn._pg_admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    best_of = {label: min(r["seconds"] for r in found) for label, found in runs.items()}
    mine, base = best_of["this checkout"], best_of[args.baseline]
    print(f"\nrefresh_kpis, national scale {args.national:g}, {args.db}, best of {args.rounds}:")
    print(f"  this checkout   {mine:7.1f} s")
    print(f"  {args.baseline:15} {base:7.1f} s   ratio {mine / base:.2f}x")
    print(
        "  within issue 12's target (<= 15 s)" if mine <= 15 else "  OVER issue 12's target (15 s)"
    )
    prints = {json.dumps({k: r[k] for k in FINGERPRINTS}) for found in runs.values() for r in found}
    for name in FINGERPRINTS:
        print(f"  {name}: " + " | ".join(f"{label} {found[-1][name]}"
                                           for label, found in runs.items()))  # fmt: skip
    if len(prints) != 1:
        print("FAIL: the two checkouts wrote different rows")
        return 1
    print("  both wrote the same rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
