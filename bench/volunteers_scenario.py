"""The volunteers demo part at full size: how long it takes and the figures it
yields for Markazi over the last five Jalali years (reference/kpis.md fixes
``volunteers`` = 25,000), then how long the list page and a search take at
that size beside a list of 500.

    uv run python bench/volunteers_scenario.py
    uv run python bench/volunteers_scenario.py --smoke   # 50 beside 400 volunteers, exactly

A throwaway SQLite under /tmp/jahesh-bench-volunteers-scenario with a made-up
Markazi (12 counties, 1,200 villages, a third deprived), so it needs no
geography load. Exits non-zero when a figure is off.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from datetime import date

from _smoke import SMALL_VOLUNTEERS, SMOKE, var_dir

VAR = var_dir("/tmp/jahesh-bench-volunteers-scenario")
os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
os.environ["JAHESH_VAR"] = VAR
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

AS_OF = date(2025, 10, 26)
# build_part's sizes (active, left, groups, camps): the baseline's, then the part's.
BASELINE = (
    dict(active=50, left=3, groups=2, camps=3)
    if SMOKE
    else dict(active=500, left=30, groups=8, camps=15)
)
PART = SMALL_VOLUNTEERS if SMOKE else {}


def geography():
    from jahesh.core.text import normalize_key
    from jahesh.geo.models import County, Province, Village

    p = Province.objects.create(id=28, name="مرکزی", name_key=normalize_key("مرکزی"))
    names = [
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
    counties = [
        County.objects.create(id=100 + i, name=n, name_key=normalize_key(n), province=p)
        for i, n in enumerate(names)
    ]
    Village.objects.bulk_create(
        Village(
            id=1000 + i,
            name=f"روستای {i}",
            name_key=f"روستای {i}",
            province=p,
            county=counties[i % len(counties)],
            is_deprived=i % 3 == 0,
        )
        for i in range(1200)
    )
    return p


RUNS = 1 if SMOKE else 5  # each page's time: the median of RUNS


def time_get(client, url, params=None, n=RUNS):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        assert client.get(url, params or {}).status_code == 200
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    from jahesh.accounts.models import User
    from jahesh.accounts.scoping import Area
    from jahesh.core.jalali import last_jalali_years
    from jahesh.demo.registry import ScenarioContext
    from jahesh.reports.figures import kpi_values
    from jahesh.volunteers import scenario
    from jahesh.volunteers.models import Camp, Group, Membership, RosterEntry, Volunteer

    print("migrating a throwaway SQLite …", flush=True)
    call_command("migrate", verbosity=0)
    province = geography()
    user = User(username="coordinator", role="volunteer_coordinator", province=province)
    user.set_password("x-bench-pass")
    user.save()
    client = Client()
    client.force_login(user)

    # Baseline: 500 volunteers (a scaled-down run in another "province" would
    # need more geography; a small run first, timed, then wiped).
    ctx = ScenarioContext(name="markazi", as_of=AS_OF, log=lambda m: None)
    scenario.build_part(ctx, **BASELINE)
    small_list = time_get(client, "/volunteers/")
    small_search = time_get(client, "/volunteers/", {"q": "علی رضایی"})
    from jahesh.volunteers.models import (
        Certificate,
        Credential,
        VolunteerSkill,
        VolunteerStatusEvent,
    )

    for model in (
        Certificate,
        RosterEntry,
        Camp.groups.through,
        Camp,
        Membership,
        Group,
        Credential,
        VolunteerSkill,
        VolunteerStatusEvent,
        Volunteer,
    ):
        model.objects.all().delete()

    ctx = ScenarioContext(name="markazi", as_of=AS_OF, log=print)
    t = time.perf_counter()
    scenario.build_part(ctx, **PART)
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    scenario.build_part(ScenarioContext(name="markazi", as_of=AS_OF, log=lambda m: None), **PART)
    again_s = time.perf_counter() - t

    start, end = last_jalali_years(AS_OF, 5)
    area = Area(province_id=province.pk)
    figures = kpi_values(area=area, start=start, end=end, codes=["volunteers", "volunteer_hours"])
    volunteers, hours = figures["volunteers"], figures["volunteer_hours"]
    two_groups = (
        Membership.objects.values("volunteer")
        .order_by()
        .annotate(n=django.db.models.Count("id"))
        .filter(n__gt=1)
        .count()
    )
    big_list = time_get(client, "/volunteers/")
    big_search = time_get(client, "/volunteers/", {"q": "علی رضایی"})

    print(f"\nvolunteers part, as of {AS_OF} (window {start} – {end})")
    print(
        f"  build                         {build_s:8.1f} s   (second run: {again_s:.2f} s, creates nothing)"
    )
    print(f"  volunteers rows               {Volunteer.objects.count():8,}")
    wanted = PART.get("active", scenario.ACTIVE_AT_END)
    print(f"  kpi volunteers                {volunteers:8,}   (kpis.md: 25,000; asked: {wanted:,})")
    print(f"  people in two groups          {two_groups:8,}   (counted once)")
    print(f"  groups / camps                {Group.objects.count():8,} / {Camp.objects.count():,}")
    print(f"  roster rows / kpi hours       {RosterEntry.objects.count():8,} / {hours:,}")
    print(
        f"  projects part gets            {len(ctx.shared['volunteer_group_ids'])} group ids, "
        f"{len(ctx.shared['camp_ids'])} camp ids"
    )
    small_rows = BASELINE["active"] + BASELINE["left"]
    big_rows = Volunteer.objects.count()
    print(
        f"\n{f'page (median of {RUNS})':32}{f'{small_rows:,} rows':>12}{f'{big_rows:,} rows':>14}"
    )
    print(f"{'volunteer list, s':32}{small_list:>12.3f}{big_list:>14.3f}")
    print(f"{'search «علی رضایی», s':32}{small_search:>12.3f}{big_search:>14.3f}")
    # The smoke run asks for its own size; a full run must give kpis.md's 25,000.
    ok = volunteers == wanted and (SMOKE or volunteers == 25_000) and two_groups > 0
    ok &= SMOKE or build_s < 120
    print("\nfigures as kpis.md fixes them:", "yes" if ok else "NO")
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(VAR, ignore_errors=True)
