"""The unit list page, the watch list and the API list at 1,000 and at 100,000 units.

    uv run python bench/units_list.py [BIG]
    uv run python bench/units_list.py --smoke       # 100 beside 400 units

Each request is timed (median of 7, after a warm-up) for the provincial
manager (sees every unit) and Arak's county officer, first with 1,000 units,
then after growing the table to BIG (default 100,000). Target (issue 3): the
same order of time at both sizes. A throwaway SQLite database under
/tmp/jahesh-bench-units-list.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from pathlib import Path

from _smoke import SMOKE, args, var_dir

VAR = Path(var_dir("/tmp/jahesh-bench-units-list"))
os.environ["JAHESH_VAR"] = str(VAR)
os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
os.environ.pop("DATABASE_URL", None)
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

BIG = int(args()[0]) if args() else (400 if SMOKE else 100_000)
SMALL = 100 if SMOKE else 1_000
RUNS = 1 if SMOKE else 7  # median of RUNS after a warm-up
COUNTIES = ["اراک", "ساوه", "آشتیان", "تفرش", "خمین", "خنداب", "دلیجان", "زرندیه", "شازند", "فراهان",
            "کمیجان", "محلات"]  # fmt: skip
REQUESTS = [
    ("list page", "/units/", {}),
    ("list page, sorted by risk", "/units/", {"order": "-risk"}),
    ("list page, sector filter", "/units/", {"sector": "mining"}),
    ("list page, search", "/units/", {"q": "فولاد ۴۲"}),
    ("watch list page", "/units/watchlist/", {}),
    ("API list", "/api/v1/units", {"limit": 50}),
    ("API watch list", "/api/v1/units/watchlist", {"limit": 50}),
]


def setup():
    from jahesh.accounts.models import User
    from jahesh.core.text import normalize_key
    from jahesh.geo.models import County, Province

    call_command("migrate", verbosity=0)
    markazi = Province.objects.create(id=28, name="مرکزی", name_key="مرکزی")
    for i, name in enumerate(COUNTIES, start=1):
        County.objects.create(id=i, name=name, name_key=normalize_key(name), province=markazi)
    hq = User.objects.create_user("hq", password="x", role="hq_manager", province=markazi)
    arak = User.objects.create_user("arak", password="x", role="county_officer", county_id=1)
    return {"hq": hq, "arak": arak}


def grow(to: int) -> None:
    """Insert units up to ``to`` (bulk, no validation: this measures reading)."""
    from jahesh.core.text import normalize_key
    from jahesh.units.models import Unit

    rng = random.Random(to)
    have = Unit.objects.count()
    kinds = ["شرکت فولاد", "کارخانه قند", "گلخانه", "دامداری", "معدن سنگ", "کارگاه فرش"]
    sectors = ["industry", "industry", "agriculture", "agriculture", "mining", "handicraft"]
    batch = []
    for i in range(have, to):
        k = i % 6
        name = f"{kinds[k]} نمونه {i}"
        score = rng.randint(0, 100)
        level = "high" if score >= 60 else "watch" if score >= 35 else "low"
        batch.append(Unit(
            name=name, name_key=normalize_key(name), sector=sectors[k], county_id=1 + i % 12, province_id=28,
            isic_code="2410", isic_division="24", isic_section="C", employees=rng.randint(1, 500),
            status="active", risk_score=score, risk_level=level,
        ))  # fmt: skip
        if len(batch) == 5000:
            Unit.objects.bulk_create(batch)
            batch = []
    Unit.objects.bulk_create(batch)
    _analyze()


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(users) -> dict[tuple[str, str], float]:
    clients = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        clients[name] = client
    found = {}
    for who, client in clients.items():
        for label, url, params in REQUESTS:
            response = client.get(url, params)
            assert response.status_code == 200, (url, response.status_code)
            times = []
            for _ in range(RUNS):
                t = time.perf_counter()
                client.get(url, params)
                times.append(time.perf_counter() - t)
            found[(who, label)] = statistics.median(times) * 1000
    return found


def main() -> None:
    users = setup()
    grow(SMALL)
    small = measure(users)
    t = time.perf_counter()
    grow(BIG)
    print(f"grew to {BIG:,} units in {time.perf_counter() - t:.1f} s")
    big = measure(users)
    print(
        f"\n{'median ms per request':42}{f'{SMALL:,} units':>14}{f'{BIG:,} units':>16}{'ratio':>8}"
    )
    worst = 0.0
    for key in small:
        ratio = big[key] / small[key]
        worst = max(worst, ratio)
        print(f"{key[0] + ': ' + key[1]:42}{small[key]:>14.1f}{big[key]:>16.1f}{ratio:>8.1f}")
    print(
        f"\nworst ratio {worst:.1f} (same order of time: under 10×): {'OK' if worst < 10 else 'SLOWER'}"
    )


if __name__ == "__main__":
    main()
