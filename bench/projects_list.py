"""The project list page and API at 500 projects beside 50,000.

    uv run python bench/projects_list.py
    uv run python bench/projects_list.py --smoke    # 60 beside 240; time not judged

A throwaway SQLite under /tmp/jahesh-bench-projects (migrated here). It loads
500 projects (each with three funding rows), times the page and the API as a
provincial project manager and as a county officer, then grows the table to
50,000 and times the same requests again. Each figure is the median of
several runs, printed side by side with the ratio and the number of queries.
The same order of time at both sizes means the list neither loads the table
nor sums funding beyond the page it shows.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta

from _smoke import SMOKE, var_dir

VAR = var_dir("/tmp/jahesh-bench-projects")
os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
os.environ["JAHESH_VAR"] = VAR
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SIZES = (60, 240) if SMOKE else (500, 50_000)
REPEAT = 1 if SMOKE else 7
COUNTIES = 40  # 20 in Markazi, 20 in another province
VILLAGES_PER_COUNTY = 50


def setup_geo():
    from jahesh.accounts.models import User
    from jahesh.geo.models import County, Province, Village

    markazi = Province.objects.create(id=28, name="مرکزی", name_key="مرکزی")
    other = Province.objects.create(id=8, name="تهران", name_key="تهران")
    counties = [
        County.objects.create(
            id=100 + i,
            name=f"شهرستان {i}",
            name_key=f"شهرستان {i}",
            province=markazi if i < COUNTIES // 2 else other,
        )
        for i in range(COUNTIES)
    ]
    villages = []
    for c in counties:
        for j in range(VILLAGES_PER_COUNTY):
            villages.append(
                Village(
                    id=c.pk * 1000 + j,
                    name=f"روستای {j}",
                    name_key=f"روستای {j}",
                    province_id=c.province_id,
                    county=c,
                    is_deprived=j % 3 != 0,
                )
            )
    Village.objects.bulk_create(villages)
    manager = User(username="projects", role="project_manager", province=markazi)
    officer = User(username="arak", role="county_officer", county=counties[0])
    for u in (manager, officer):
        u.set_password("x-bench-pass")
        u.save()
    return manager, officer, villages


def grow(villages, target: int, rng: random.Random) -> None:
    """Add projects (and three funding rows each) until there are ``target``."""
    from jahesh.projects.models import Project, ProjectFunding

    have = Project.objects.count()
    kinds, statuses = Project.Kind.values, ["planned", "in_progress", "completed", "suspended"]
    batch = []
    for i in range(have, target):
        v = villages[rng.randrange(len(villages))]
        status = statuses[i % 4]
        end = date(2021, 1, 1) + timedelta(days=rng.randint(0, 1700))
        batch.append(
            Project(
                title=f"پروژهٔ {i}",
                title_key=f"پروژه {i}",
                kind=kinds[i % len(kinds)],
                county_id=v.county_id,
                province_id=v.province_id,
                village=v,
                in_deprived_area=v.is_deprived,
                status=status,
                contractor_name="پیمانکار",
                actual_start=end - timedelta(days=200),
                actual_end=end if status == "completed" else None,
                progress_pct=100 if status == "completed" else rng.randint(0, 90),
            )
        )
    Project.objects.bulk_create(batch, batch_size=2000)
    funding = [
        ProjectFunding(project=p, role=role, amount_rial=rng.randint(1, 500) * 10_000_000)
        for p in batch
        for role in ("government", "charity", "in_kind")
    ]
    ProjectFunding.objects.bulk_create(funding, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


REQUESTS = [
    ("page, first", "manager", "/projects/"),
    ("page, filtered", "manager", "/projects/?kind=school&status=completed&deprived=1"),
    ("page, county officer", "officer", "/projects/"),
    ("page, page 20", "manager", "/projects/?page=20"),
    ("page, title search", "manager", "/projects/?q=%D9%BE%D8%B1%D9%88%DA%98%D9%87%20123"),
    ("API, first 50", "manager", "/api/v1/projects/?limit=50"),
    ("API, filtered", "manager", "/api/v1/projects/?kind=water&status=in_progress&deprived=true"),
    ("API, offset 400", "manager", "/api/v1/projects/?limit=50&offset=400"),
]


def measure(clients) -> dict[str, tuple[float, int]]:
    out = {}
    for label, who, url in REQUESTS:
        client = clients[who]
        assert client.get(url).status_code == 200, url  # warm
        times = []
        for _ in range(REPEAT):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200
        out[label] = (statistics.median(times) * 1000, len(ctx.captured_queries))
    return out


def main() -> int:
    call_command("migrate", verbosity=0)
    manager, officer, villages = setup_geo()
    clients = {}
    for name, user in (("manager", manager), ("officer", officer)):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        clients[name] = client
    rng = random.Random(1399)
    results = {}
    for size in SIZES:
        started = time.perf_counter()
        grow(villages, size, rng)
        print(f"loaded {size:,} projects in {time.perf_counter() - started:.1f} s", flush=True)
        results[size] = measure(clients)
    small, large = SIZES
    print()
    print(
        f"{'request':<22} {f'{small:,} (ms)':>12} {f'{large:,} (ms)':>14} {'ratio':>7} "
        f"{'queries':>9}"
    )
    worst = 0.0
    for label, _who, _url in REQUESTS:
        a, qa = results[small][label]
        b, qb = results[large][label]
        worst = max(worst, b / a)
        print(f"{label:<22} {a:>12.1f} {b:>14.1f} {b / a:>7.2f} {qa:>4} / {qb:<3}")
    print()
    print(f"largest ratio: {worst:.2f} (same order of time: < 10)")
    return 0 if worst < 10 or SMOKE else 1


if __name__ == "__main__":
    sys.exit(main())
