"""The funds demo part at full size: how long it takes and the figures it yields
for Markazi over the last five Jalali years (reference/kpis.md fixes
``funds_active`` = 700 and 2,100 < ``jobs_created`` < 2,200), then how long the
network table, a fund dashboard and the PAR30 roll-up take at that size.

    uv run python bench/funds_scenario.py
    uv run python bench/funds_scenario.py --smoke   # 16 funds, 36 jobs, exactly

Each page is timed beside ``/healthz`` in the same run (the floor of any
request), and the figures beside the time of the KPI registry's read.

A throwaway SQLite under /tmp/jahesh-bench-funds with a made-up Markazi (12
counties, 1,200 villages, a city each), so it needs no geography load. Exits
non-zero when a figure is off.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date

from _smoke import SMALL_DEMO, SMOKE, var_dir

VAR = var_dir("/tmp/jahesh-bench-funds")
os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
os.environ["JAHESH_VAR"] = VAR
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

AS_OF = date(2025, 10, 26)
NAMES = [
    "اراک",
    "ساوه",
    "خمین",
    "محلات",
    "دلیجان",
    "شازند",
    "تفرش",
    "آشتیان",
    "زرندیه",
    "کمیجان",
    "فراهان",
    "خنداب",
]


def geography():
    from jahesh.core.text import normalize_key
    from jahesh.geo.models import City, County, Province, Village

    p = Province.objects.create(id=28, name="مرکزی", name_key=normalize_key("مرکزی"))
    for i, n in enumerate(NAMES):
        c = County.objects.create(id=100 + i, name=n, name_key=normalize_key(n), province=p)
        City.objects.create(id=100 + i, name=n, name_key=normalize_key(n), province=p, county=c)
        Village.objects.bulk_create(
            Village(
                id=1000 + i * 100 + k,
                name=f"روستای {n} {k}",
                name_key=normalize_key(f"روستای {n} {k}"),
                province=p,
                county=c,
                is_deprived=k % 3 == 0,
            )
            for k in range(100)
        )


def timed(label, fn, baseline: float | None = None):
    """Run ``fn`` once; print its wall and CPU seconds (and × ``baseline`` seconds);
    return its result and its wall-clock seconds."""
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"{label:<58} {wall:8.3f} s wall {cpu:8.3f} s cpu"
        + (f"   ({wall / baseline:,.0f} × /healthz)" if baseline else "")
    )
    return result, wall


def main() -> int:
    call_command("migrate", verbosity=0)
    geography()
    from jahesh.accounts.models import User
    from jahesh.accounts.roles import Role
    from jahesh.accounts.scoping import Area
    from jahesh.core.jalali import last_jalali_years
    from jahesh.demo.registry import ScenarioContext
    from jahesh.funds import scenario
    from jahesh.funds.models import Fund, Installment, LedgerEntry, Loan, Member, Verification
    from jahesh.reports.figures import kpi_beside, kpi_values

    if SMOKE:
        for name, value in SMALL_DEMO["jahesh.funds.scenario"].items():
            setattr(scenario, name, value)
    active_funds, closed_funds = scenario.ACTIVE_FUNDS, scenario.CLOSED_FUNDS
    jobs_target = scenario.JOBS_TARGET
    ctx = ScenarioContext(name="markazi", as_of=AS_OF, log=print)
    timed("scenario part (first run)", lambda: scenario.build(ctx))
    timed("scenario part (second run: idempotent)", lambda: scenario.build(ctx))
    counts = {
        m.__name__: m.objects.count()
        for m in (Fund, Member, Loan, Installment, LedgerEntry, Verification)
    }
    print("rows:", counts)
    start, end = last_jalali_years(AS_OF, 5)
    window = {"area": Area(province_id=28), "start": start, "end": end}
    codes = ["funds_active", "jobs_created", "loans_disbursed", "par30"]
    figures, _seconds = timed(
        "kpi_values (funds' figures, from the records)", lambda: kpi_values(**window, codes=codes)
    )
    planned = kpi_beside(**window)["jobs_planned_unverified"]
    active, jobs = figures["funds_active"], figures["jobs_created"]
    if SMOKE:
        ok = active == active_funds and jobs == jobs_target
        wanted = f"smoke: {active_funds} and {jobs_target} exactly"
    else:
        ok = active == 700 and 2_100 < jobs < 2_200
        wanted = "kpis.md: 700 and 2,100 < x < 2,200"
    print(
        f"funds_active={active}  jobs_created={jobs} ({wanted})  "
        f"planned_unverified={planned}  loans_disbursed={figures['loans_disbursed']}  "
        f"par30={figures['par30'] / 100:.2f}%"
    )
    hq = User.objects.create(username="hq", role=Role.HQ_MANAGER, province_id=28)
    client = Client()
    client.force_login(hq, backend="django.contrib.auth.backends.ModelBackend")

    def page(url: str):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    page("/healthz")()  # warm
    _none, healthz = timed("baseline: /healthz", page("/healthz"))
    n = f"{active_funds + closed_funds:,} funds"
    timed(f"network table page (hq, {n}, page 1; cold)", page("/funds/"), healthz)
    timed(f"network table page (hq, {n}, page 1; warm)", page("/funds/"), healthz)
    fund = Fund.objects.order_by("-pk").first()
    timed("fund dashboard page", page(f"/funds/{fund.pk}/"), healthz)
    timed("due and overdue lists (hq)", page("/funds/due/"), healthz)
    print("OK" if ok else "FIGURES OFF")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
