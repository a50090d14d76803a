"""The demo's figures against reference/kpis.md, in one run.

Prepares a throwaway demo database (``jahesh demo`` without the server:
migrate, geography, demo users, every app's scenario part), then prints every
KPI for Markazi over the last five Jalali years beside the figure kpis.md
fixes, the narrative report's figures paragraph, and the time of the KPI API,
the dashboard and ``/healthz`` in the same run. Exits 1 when a figure is off.

    uv run python bench/reports_demo_figures.py [--as-of 1405/09/06]
    uv run python bench/reports_demo_figures.py --smoke   # a small demo (bench/_smoke.py)

CI (.ci/run) runs it at full size on a fresh database, so a figure outside
kpis.md's bounds fails CI. The bounds are ``FIXED`` below, copied from
kpis.md's "The article's figures".

The database is ``$JAHESH_VAR/jahesh.sqlite3`` (default /tmp/jahesh-bench-reports);
a second run reuses it (every part skips what exists) and takes seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from _smoke import SMALL_DEMO_FIGURES, SMOKE, small_demo, var_dir

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jahesh.settings")
if SMOKE:
    os.environ["JAHESH_VAR"] = var_dir("/tmp/jahesh-bench-reports-smoke")
os.environ.setdefault("JAHESH_VAR", "/tmp/jahesh-bench-reports")

import django

django.setup()
if SMOKE:
    small_demo()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

MARKAZI = 28

# kpis.md "The article's figures": (low, high) exclusive bounds, or an exact value.
FIXED = {
    "units_monitored": 760,
    "closures_prevented": 110,
    "funds_active": 700,
    "jobs_created": (2_100, 2_200),
    "volunteers": 25_000,
    "projects_completed": (1_600, 1_700),
    "projects_value_rial": (1_500_000_000_000, 1_600_000_000_000),
    "services_value_rial": (4_700_000_000_000, 4_800_000_000_000),
}


def ok(code: str, value: int) -> bool | None:
    want = (SMALL_DEMO_FIGURES if SMOKE else FIXED).get(code)
    if want is None:
        return None
    if isinstance(want, tuple):
        return want[0] < value < want[1]
    return value == want


def timed(client: Client, url: str, n: int = 5) -> tuple[float, int]:
    client.get(url, HTTP_HOST="127.0.0.1")  # warm
    best = float("inf")
    status = 0
    for _ in range(n):
        t = time.perf_counter()
        status = client.get(url, HTTP_HOST="127.0.0.1").status_code
        best = min(best, time.perf_counter() - t)
    return best, status


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--as-of", default=None, help="scenario as-of date (Jalali or ISO)")
    parser.add_argument("--smoke", action="store_true", help="a small demo (CI)")
    args = parser.parse_args()

    from jahesh.accounts.models import User
    from jahesh.accounts.scoping import Area
    from jahesh.core.jalali import jalali_today, parse_date_any
    from jahesh.demo.services import demo_prepare
    from jahesh.reports import narrative
    from jahesh.reports.figures import kpi_values
    from jahesh.reports.kpis import KPI_LIST
    from jahesh.reports.periods import last_five_years

    started = time.monotonic()
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    print(f"database: {settings.DATABASES['default']['NAME']}")
    call_command("migrate", interactive=False, verbosity=0)
    demo_prepare(as_of=args.as_of, log=lambda line: print("  " + line))
    print(f"prepared in {time.monotonic() - started:.1f} s\n")

    as_of = parse_date_any(args.as_of) if args.as_of else jalali_today()
    period = last_five_years(as_of)
    area = Area(province_id=MARKAZI)
    t = time.perf_counter()
    values = kpi_values(area=area, start=period.start, end=period.end)
    elapsed = time.perf_counter() - t
    print(f"Markazi, {period.label} [{period.start} – {period.end}), every KPI in {elapsed:.2f} s")
    print(f"{'code':28} {'value':>18}  {'kpis.md':>34}  check")
    failures = 0
    for kpi in KPI_LIST:
        value = values[kpi.code]
        want = (SMALL_DEMO_FIGURES if SMOKE else FIXED).get(kpi.code)
        verdict = ok(kpi.code, value)
        shown = (
            ""
            if want is None
            else (f"{want[0]:,} < x < {want[1]:,}" if isinstance(want, tuple) else f"{want:,}")
        )
        mark = "" if verdict is None else ("ok" if verdict else "OFF")
        failures += verdict is False
        print(f"{kpi.code:28} {value:>18,}  {shown:>34}  {mark}")

    report = narrative.build(area=area, period=period, trend=False)
    print("\nThe narrative report (figures paragraph):\n")
    for paragraph in report.paragraphs:
        print(paragraph + "\n")

    client = Client()
    client.force_login(User.objects.get(username="hq"))
    q = f"from={period.start}&to={period.end}"
    rows = [
        ("/healthz", timed(Client(), "/healthz")),
        (f"/api/v1/kpis?{q}", timed(client, f"/api/v1/kpis?{q}")),
        ("/reports/ (cached figures)", timed(client, "/reports/")),
        ("/public/ (cached)", timed(Client(), "/public/")),
    ]
    print("best of 5 (after one warm-up), hq of Markazi, SQLite, in-process client:")
    for name, (seconds, status) in rows:
        print(f"  {name:44} {status}  {seconds * 1000:8.1f} ms")
    print("\nFAILED: some figures are off" if failures else "\nall fixed figures match kpis.md")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
