"""The funds demo part at full size: how long it takes and the figures it yields
for Markazi over the last five Jalali years (reference/kpis.md fixes
``funds_active`` = 700 and 2,100 < ``jobs_created`` < 2,200), then how long the
network table, a fund dashboard and the PAR30 roll-up take at that size.

    uv run python bench/funds_scenario.py

A throwaway SQLite under /tmp/jahesh-bench-funds with a made-up Markazi (12
counties, 1,200 villages, a city each), so it needs no geography load. Exits
non-zero when a figure is off.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from datetime import date

VAR = "/tmp/jahesh-bench-funds"
os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
os.environ["JAHESH_VAR"] = VAR
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
shutil.rmtree(VAR, ignore_errors=True)
os.makedirs(VAR)

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


def timed(label, fn, baseline=None):
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"{label:<58} {wall:8.2f} s wall {cpu:8.2f} s cpu"
        + (f"   (baseline: {baseline})" if baseline else "")
    )
    return result


def main() -> int:
    call_command("migrate", verbosity=0)
    geography()
    from jahesh.accounts.models import User
    from jahesh.accounts.roles import Role
    from jahesh.accounts.scoping import Area
    from jahesh.core.jalali import last_jalali_years
    from jahesh.demo.registry import ScenarioContext
    from jahesh.funds import scenario, selectors
    from jahesh.funds.models import Fund, Installment, LedgerEntry, Loan, Member, Verification

    ctx = ScenarioContext(name="markazi", as_of=AS_OF, log=print)
    timed("scenario part (first run)", lambda: scenario.build(ctx))
    timed("scenario part (second run: idempotent)", lambda: scenario.build(ctx))
    counts = {
        m.__name__: m.objects.count()
        for m in (Fund, Member, Loan, Installment, LedgerEntry, Verification)
    }
    print("rows:", counts)
    start, end = last_jalali_years(AS_OF, 5)
    area = Area(province_id=28)
    active = timed(
        "kpi_funds_active", lambda: selectors.kpi_funds_active(area=area, start=start, end=end)
    )
    jobs = timed(
        "kpi_jobs_created", lambda: selectors.kpi_jobs_created(area=area, start=start, end=end)
    )
    planned = selectors.kpi_jobs_planned_unverified(area=area, start=start, end=end)
    par = timed(
        "kpi_par30 (province, ORM over ledger + installments)",
        lambda: selectors.kpi_par30(area=area, start=start, end=end),
    )
    disbursed = selectors.kpi_loans_disbursed(area=area, start=start, end=end)
    print(
        f"funds_active={active} (kpis.md: 700)  jobs_created={jobs} (kpis.md: 2,100 < x < 2,200)  "
        f"planned_unverified={planned}  loans_disbursed={disbursed}  par30={par / 100:.2f}%"
    )
    hq = User.objects.create(username="hq", role=Role.HQ_MANAGER, province_id=28)
    client = Client()
    client.force_login(hq, backend="django.contrib.auth.backends.ModelBackend")
    timed(
        "network table page (hq, 700 funds, page 1; cold)",
        lambda: client.get("/funds/").status_code,
    )
    timed(
        "network table page (hq, 700 funds, page 1; warm)",
        lambda: client.get("/funds/").status_code,
    )
    fund = Fund.objects.order_by("-pk").first()
    timed("fund dashboard page", lambda: client.get(f"/funds/{fund.pk}/").status_code)
    timed("due and overdue lists (hq)", lambda: client.get("/funds/due/").status_code)
    ok = active == 700 and 2_100 < jobs < 2_200
    print("OK" if ok else "FIGURES OFF")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
