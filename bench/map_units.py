"""The map's data endpoint (GET /api/v1/map/units) at national scale, whole and
clustered by the server for a view (``?zoom=&bbox=``), beside the unit list
endpoint (GET /api/v1/units), and the map page's render time in headless
Chromium for both, in the same run (issue 17).

    uv run python bench/map_units.py [--scale 1.0] [--n 5]
    uv run python bench/map_units.py --smoke          # scale 0.01
    uv run python bench/map_units.py --reuse          # measure the last run's database again
    uv run python bench/map_units.py --reuse --no-browser   # the endpoints only

Builds a throwaway SQLite database under /tmp/jahesh-bench-map: the geography
and ``generate_nation --scale S``'s units (S = 1.0: ~90,000; the other parts of
the nation — funds, volunteers, projects — are left out with ``--units-only``,
the default, since neither endpoint reads them), then gives every unit a
position inside Iran's bounding box (generated units have none), one UPDATE.
Then times IN PROCESS with Django's test Client (the view's own time, no
network) the median of N requests after a warm-up, as the admin (the whole
country), a provincial manager (Markazi) and a county officer (Arak), and
prints each answer's size, and for the map (which compresses itself when the
client accepts gzip, as browsers do) the bytes sent. "clustered, country" is
what the page asks first for the whole of Iran (zoom 5, Iran's box), "zoom 8" a
province's view (Markazi's box), "zoom 12" a town's (features, not clusters).

Then the client: /units/map/ as the admin in Debian's Chromium (/usr/bin/chromium,
through Playwright, never a downloaded browser), every request answered in
process by the same test Client (static files from the finders; no server, no
network), timed from navigation start to the page's ``performance.mark
("jh-map-drawn")`` (set when its markers are drawn, after the browser's last
clustering chunk): once answering the whole country to the page's requests
(the page before server clustering: every unit a marker clustered in the
browser) and once as the page asks (server clusters). Median of ``--renders``.
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
parser.add_argument("--no-browser", action="store_true", help="skip the render in Chromium")
parser.add_argument("--renders", type=int, default=1 if SMOKE else 3)
opts = parser.parse_args()

VAR = Path("/tmp/jahesh-bench-map") if opts.reuse else Path(var_dir("/tmp/jahesh-bench-map"))
os.environ["JAHESH_VAR"] = str(VAR)
os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
os.environ.pop("DATABASE_URL", None)
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
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


IRAN = "44,25,63.3,39.7"
REQUESTS = [
    ("map units", "/api/v1/map/units", {}),
    ("map, clustered, country", "/api/v1/map/units", {"zoom": 5, "bbox": IRAN}),
    ("map, clustered, zoom 8", "/api/v1/map/units", {"zoom": 8, "bbox": "48.9,33.4,51.1,35.6"}),
    ("map, zoom 12", "/api/v1/map/units", {"zoom": 12, "bbox": "49.6,34.0,49.9,34.2"}),
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
            if data.get("clustered"):
                units = sum(f["properties"].get("n", 1) for f in data["features"])
                label = f"{label} ({units:,} u.)"
            rows.append((who, label, count, len(body), len(wire) if zipped else None,
                         statistics.median(times) * 1000))  # fmt: skip
    return rows


def main() -> None:
    from jahesh.units.models import Unit

    if not opts.reuse:
        build()
    else:
        call_command("migrate", verbosity=0)  # a database of older code
    total = Unit.objects.count()
    print(f"units: {total:,} (scale {opts.scale}; SQLite; median of {opts.n})")
    print(f"{'reader':18} {'request':40} {'items':>7} {'bytes':>11} {'sent gzip':>10} {'ms':>8}")
    for who, label, count, size, zipped, ms in measure():
        sent = f"{zipped:,}" if zipped is not None else "-"
        print(f"{who:18} {label:40} {count:>7,} {size:>11,} {sent:>10} {ms:>8.1f}")
    if opts.no_browser or not CHROMIUM.exists():
        print("render: skipped (--no-browser or no /usr/bin/chromium)")
        return
    print(
        f"render of /units/map/ in Chromium, admin, median of {opts.renders} (ms from navigation)"
    )
    print(
        f"{'page data':40} {'units drawn':>12} {'features':>9} {'drawn at':>9} {'fetch→drawn':>12}"
    )
    for label, whole in (("whole country (no server clustering)", True),
                         ("as the page asks (server clusters)", False)):  # fmt: skip
        runs = [render(whole=whole) for _ in range(opts.renders)]
        drawn, features, at, ms = runs[0][0], runs[0][1], [r[2] for r in runs], [r[3] for r in runs]
        print(f"{label:40} {drawn:>12,} {features:>9,} {statistics.median(at):>9.0f}"
              f" {statistics.median(ms):>12.0f}")  # fmt: skip


CHROMIUM = Path("/usr/bin/chromium")


def render(*, whole: bool) -> tuple[int, int, float, float]:
    """Load the map page as the admin; answer its units requests with the whole
    country (``whole``) or as asked. Returns (units drawn, features in the first
    answer, ms from navigation to the first "jh-map-drawn" mark, ms from that
    load's fetch to drawn)."""
    import mimetypes
    from urllib.parse import urlsplit

    from django.contrib.staticfiles import finders
    from playwright.sync_api import sync_playwright

    from jahesh.accounts.models import User

    # Playwright's sync API runs an event loop in this thread; the handlers below
    # answer from the database in it, one request at a time.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    client = Client()
    client.force_login(User.objects.get(username="admin"),
                       backend="django.contrib.auth.backends.ModelBackend")  # fmt: skip
    first_features: list[int] = []

    def answer(route) -> None:
        url = urlsplit(route.request.url)
        if url.path.startswith(settings.STATIC_URL):
            found = finders.find(url.path[len(settings.STATIC_URL) :])
            if not found:
                route.fulfill(status=404, body="")
                return
            kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
            route.fulfill(status=200, body=Path(found).read_bytes(), content_type=kind)
            return
        query = url.query
        if url.path == "/api/v1/map/units" and whole:
            query = ""
        response = client.get(url.path + (f"?{query}" if query else ""))
        if url.path == "/api/v1/map/units" and not first_features:
            first_features.append(len(json.loads(response.content)["features"]))
        headers = {k: v for k, v in response.items() if k.lower() != "content-length"}
        route.fulfill(status=response.status_code, headers=headers, body=response.content)

    def safely(route) -> None:
        try:
            answer(route)
        except Exception as error:  # a bench: say what broke instead of hanging
            print(f"render: {route.request.url}: {error!r}", file=sys.stderr)
            route.fulfill(status=500, body=repr(error))

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fa-IR")
        page.route("**/*", safely)
        page.goto("http://testserver/units/map/")
        # data-loads appears with the first "jh-map-drawn" mark (no eval: CSP is 'self').
        page.wait_for_selector("#jh-map[data-loads]", state="attached", timeout=600_000)
        at = page.evaluate("performance.getEntriesByName('jh-map-drawn')[0].startTime")
        ms = float(page.get_attribute("#jh-map", "data-ms") or 0)
        drawn = int(page.get_attribute("#jh-map", "data-markers") or 0)
        browser.close()
    return drawn, first_features[0], at, ms


if __name__ == "__main__":
    main()
