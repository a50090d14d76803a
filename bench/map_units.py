"""The map's data endpoint (GET /api/v1/map/units) at national scale, beside the
unit list endpoint (GET /api/v1/units), in the same run (issue 17).

    uv run python bench/map_units.py [--scale 1.0] [--n 5]
    uv run python bench/map_units.py --smoke          # scale 0.01
    uv run python bench/map_units.py --reuse          # measure the last run's database again

Builds a throwaway SQLite database under /tmp/jahesh-bench-map: the geography
and ``generate_nation --scale S``'s units (S = 1.0: ~90,000; the other parts of
the nation — funds, volunteers, projects — are left out with ``--units-only``,
the default, since neither endpoint reads them), then gives every unit a
position inside Iran's bounding box (generated units have none), one UPDATE.
Then times IN PROCESS with Django's test Client (the view's own time, no
network) the median of N requests after a warm-up, as the admin (the whole
country), a provincial manager (Markazi) and a county officer (Arak), and
prints each answer's size, and for the map (which compresses itself when the
client accepts gzip, as browsers do) the bytes sent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

from _smoke import SMOKE, var_dir

parser = argparse.ArgumentParser()
parser.add_argument("--scale", type=float, default=0.01 if SMOKE else 1.0)
parser.add_argument("--n", type=int, default=1 if SMOKE else 5)
parser.add_argument(
    "--all-parts", action="store_true", help="build the whole nation, not only units"
)
parser.add_argument(
    "--reuse", action="store_true", help="measure the database of the last run again"
)
parser.add_argument("--smoke", action="store_true")
opts = parser.parse_args()

VAR = Path("/tmp/jahesh-bench-map") if opts.reuse else Path(var_dir("/tmp/jahesh-bench-map"))
os.environ["JAHESH_VAR"] = str(VAR)
os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
os.environ.pop("DATABASE_URL", None)
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

MARKAZI, ARAK = 28, 19


def build() -> None:
    from jahesh.demo import national
    from jahesh.reports import facts

    call_command("migrate", verbosity=0)
    if not opts.all_parts:
        for part in ("_clinic", "_funds", "_volunteers", "_projects"):
            setattr(national, part, lambda *a, **k: None)
    t = time.monotonic()
    with facts.paused():
        national.generate_nation(scale=opts.scale, log=lambda line: None)
    with connection.cursor() as cursor:
        # A spread of positions over Iran's box (25–39.7 N, 44–63.3 E) from the id.
        cursor.execute(
            "UPDATE units_unit SET latitude = 25 + ((id * 7919) % 1470) / 100.0,"
            " longitude = 44 + ((id * 104729) % 1930) / 100.0"
        )
        cursor.execute("ANALYZE")
    print(f"built in {time.monotonic() - t:.0f} s", file=sys.stderr)


def users() -> dict:
    from jahesh.accounts.models import User

    def make(username, **fields):
        return User.objects.get_or_create(username=username, defaults=fields)[0]

    return {
        "admin (country)": make("admin", role="admin", is_superuser=True, is_staff=True),
        "hq (Markazi)": make("hq", role="hq_manager", province_id=MARKAZI),
        "officer (Arak)": make("arak", role="county_officer", county_id=ARAK),
    }


REQUESTS = [
    ("map units", "/api/v1/map/units", {}),
    ("map units, high risk", "/api/v1/map/units", {"risk_level": "high"}),
    ("unit list, limit 50", "/api/v1/units", {"limit": 50}),
    ("unit list, limit 200", "/api/v1/units", {"limit": 200}),
]


def measure() -> list[tuple]:
    rows = []
    for who, user in users().items():
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for label, url, params in REQUESTS:
            # As a browser asks: the map answers gzipped (the list does not).
            response = client.get(url, params, headers={"Accept-Encoding": "gzip"})
            assert response.status_code == 200, (url, response.status_code)
            wire = response.content
            zipped = response.get("Content-Encoding") == "gzip"
            body = gzip.decompress(wire) if zipped else wire
            times = []
            for _ in range(opts.n):
                t = time.perf_counter()
                client.get(url, params, headers={"Accept-Encoding": "gzip"})
                times.append(time.perf_counter() - t)
            data = json.loads(body)
            count = len(data["features"] if "map" in url else data["items"])
            rows.append((who, label, count, len(body), len(wire) if zipped else None,
                         statistics.median(times) * 1000))  # fmt: skip
    return rows


def main() -> None:
    from jahesh.units.models import Unit

    if not opts.reuse:
        build()
    total = Unit.objects.count()
    print(f"units: {total:,} (scale {opts.scale}; SQLite; median of {opts.n})")
    print(f"{'reader':18} {'request':24} {'items':>7} {'bytes':>11} {'sent gzip':>10} {'ms':>8}")
    for who, label, count, size, zipped, ms in measure():
        sent = f"{zipped:,}" if zipped is not None else "-"
        print(f"{who:18} {label:24} {count:>7,} {size:>11,} {sent:>10} {ms:>8.1f}")


if __name__ == "__main__":
    main()
