"""The case board and the case list at 1,500 cases and at 150,000 cases, side by side.

    uv run python bench/clinic_board.py [SMALL] [LARGE]
    uv run python bench/clinic_board.py --smoke     # 60 beside 240 cases
    JAHESH_BENCH_DATABASE_URL=postgres://…/empty uv run python bench/clinic_board.py

Issue 4 asks that the board answer in the same order of time with 150,000
cases as with 1,500: each column is one range read on the (status, -id)
index plus a count capped at 1,000 rows, and the list counts at most 1,000
rows for its pagination. Timed for a provincial manager (a join to the
unit's county per row) and for an admin (no filter), through the real pages
(``django.test.Client``: view, selector, template) and through the selector
alone; the median of 7 runs after a warm-up. A throwaway SQLite database
under /tmp/jahesh-bench-clinic (or the empty PostgreSQL database given).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _smoke import SMOKE, args, var_dir

VAR = Path(var_dir("/tmp/jahesh-bench-clinic"))
os.environ["JAHESH_VAR"] = str(VAR)
os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
# $JAHESH_BENCH_DATABASE_URL: an empty throwaway PostgreSQL database instead.
os.environ.pop("DATABASE_URL", None)
if os.environ.get("JAHESH_BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["JAHESH_BENCH_DATABASE_URL"]

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

ARGS = args()
SMALL = int(ARGS[0]) if ARGS else (60 if SMOKE else 1_500)
LARGE = int(ARGS[1]) if len(ARGS) > 1 else (240 if SMOKE else 150_000)
UNITS = 300 if SMOKE else 8_000
RUNS = 1 if SMOKE else 7  # median of RUNS after a warm-up


def main() -> None:
    call_command("migrate", verbosity=0)
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]  # the test client's host name

    from jahesh.accounts.models import User
    from jahesh.accounts.roles import Role
    from jahesh.clinic import selectors
    from jahesh.clinic.models import Case, CaseStatus, Expert, ObstacleCategory
    from jahesh.core.text import normalize_key
    from jahesh.geo.models import County, Province
    from jahesh.units.models import Unit

    markazi = Province.objects.create(id=28, name="مرکزی", name_key="مرکزی", code="0")
    other = Province.objects.create(id=8, name="تهران", name_key="تهران", code="23")
    counties = [
        County.objects.create(
            id=100 + i,
            name=f"شهرستان {i}",
            name_key=f"شهرستان {i}",
            code=str(i),
            province=markazi if i < 10 else other,
        )
        for i in range(12)
    ]
    units = Unit.objects.bulk_create(
        Unit(
            name=f"واحد {i}",
            name_key=normalize_key(f"واحد {i}"),
            sector="industry",
            county=counties[i % len(counties)],
            province_id=counties[i % len(counties)].province_id,
            employees=10 + i % 90,
        )
        for i in range(UNITS)
    )
    hq = User.objects.create(username="hq", role=Role.HQ_MANAGER, province=markazi)
    admin = User.objects.create(username="admin", role=Role.ADMIN, is_superuser=True, is_staff=True)
    categories = list(ObstacleCategory.objects.all())
    experts = Expert.objects.bulk_create(
        Expert(name=f"کارشناس {i}", name_key=f"کارشناس {i}", kind="university", province=markazi)
        for i in range(40)
    )
    statuses = CaseStatus.values
    # Open statuses are the minority, as in a real clinic after a few years.
    weights = [3, 3, 4, 8, 4, 3, 55, 10, 10]
    t0 = datetime(2021, 3, 21, 6, tzinfo=UTC)

    def add(n: int, start: int) -> None:
        import random

        rng = random.Random(start)
        batch = []
        for i in range(start, start + n):
            status = rng.choices(statuses, weights)[0]
            opened = t0 + timedelta(minutes=17 * i)
            unit = units[rng.randrange(UNITS)]
            batch.append(Case(
                unit=unit, county_id=unit.county_id, province_id=unit.province_id,
                category=categories[i % len(categories)],
                taxonomy_version="1", severity=i % 5, title=f"مانع {i}", source="visit",
                status=status, opened_at=opened, opened_on=opened.date(),
                expert=experts[i % len(experts)] if status not in ("new", "triaged") else None,
                due_at=opened + timedelta(days=21) if status in ("new", "triaged", "assigned",
                                                                "in_progress", "escalated") else None,
                resolved_on=opened.date() + timedelta(days=30) if status == "resolved" else None,
            ))  # fmt: skip
            if len(batch) == 5000:
                Case.objects.bulk_create(batch)
                batch = []
        Case.objects.bulk_create(batch)

    def timed(fn) -> float:
        fn()  # warm-up
        runs = []
        for _ in range(RUNS):
            t = time.perf_counter()
            fn()
            runs.append((time.perf_counter() - t) * 1000)
        return statistics.median(runs)

    def measure() -> dict[str, float]:
        hq_client, admin_client = Client(), Client()
        hq_client.force_login(hq, backend="django.contrib.auth.backends.ModelBackend")
        admin_client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")

        def page(client, url):
            def run():
                r = client.get(url)
                assert r.status_code == 200, r.status_code

            return run

        return {
            "board selector (hq)": timed(lambda: selectors.case_board(user=hq)),
            "board page (hq)": timed(page(hq_client, "/clinic/board/")),
            "board page (admin)": timed(page(admin_client, "/clinic/board/")),
            "list page 1 (hq)": timed(page(hq_client, "/clinic/")),
            "list page 40 (hq)": timed(page(hq_client, "/clinic/?page=40")),
            "list overdue (hq)": timed(page(hq_client, "/clinic/?overdue=on")),
        }

    add(SMALL, 0)
    small = measure()
    add(LARGE - SMALL, SMALL)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    large = measure()
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(hq, backend="django.contrib.auth.backends.ModelBackend")
    client.get("/clinic/board/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/clinic/board/")
    print(f"cases: {Case.objects.count():,} (units {UNITS:,}; 83% of cases in the hq's province)")
    print(f"statements of one board page (hq), session and user included: {len(queries)}")
    print(f"{'operation':<24}{SMALL:>12,} cases{LARGE:>14,} cases{'ratio':>9}")
    for key in small:
        print(
            f"{key:<24}{small[key]:>15.1f} ms{large[key]:>15.1f} ms{large[key] / small[key]:>8.2f}x"
        )


if __name__ == "__main__":
    main()
