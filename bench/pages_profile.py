"""The heavy signed-in pages beside ``/healthz``, in one run (issue 12, item 4).

Prepares the demo database (``jahesh demo`` without the server; a second run
reuses it and takes seconds), then times, for a signed-in user (``hq`` by
default: the Markazi headquarters), each page through the real stack
(``django.test.Client``: middleware, view, selectors, template) and prints, per
page, the median time, its ratio to ``/healthz`` timed in the same rounds, the
queries one request runs, and, for the cached reads, the same page with the
cache off (``JAHESH_DASHBOARD_CACHE_SECONDS=0``: every figure and count computed
on the request, the path before the cache) in the same rounds.

    uv run python bench/pages_profile.py [--rounds 30] [--user hq]
    uv run python bench/pages_profile.py --smoke      # a small demo, 2 rounds (CI)

The pages are taken in turn within each round (not one page's requests in a
row), so a burst of load on this shared machine falls on every page alike;
3 warm-up rounds first. The database is ``$JAHESH_VAR/jahesh.sqlite3`` (default
/tmp/jahesh-bench-pages), or PostgreSQL with ``DATABASE_URL``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from _smoke import SMOKE, small_demo, var_dir

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jahesh.settings")
if SMOKE:
    os.environ["JAHESH_VAR"] = var_dir("/tmp/jahesh-bench-pages-smoke")
os.environ.setdefault("JAHESH_VAR", "/tmp/jahesh-bench-pages")

import django

django.setup()
if SMOKE:
    small_demo()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

# (label, url, cache off?, signed in: "" anonymous, "session" or "token" (an API bearer token))
PAGES = [
    ("/healthz", "/healthz", False, ""),
    ("home", "/", False, "session"),
    ("/reports/", "/reports/", False, "session"),
    ("/reports/ (cache off)", "/reports/", True, "session"),
    ("/reports/ custom period", "/reports/?from=1400/01/01&to=1403/05/01", False, "session"),
    ("/reports/ custom period (cache off)", "/reports/?from=1400/01/01&to=1403/05/01", True, "session"),
    ("/units/", "/units/", False, "session"),
    ("/clinic/board/", "/clinic/board/", False, "session"),
    ("KPI API custom period", "/api/v1/kpis?from=2023-01-05&to=2025-02-07", False, "session"),
    ("KPI API custom period (cache off)", "/api/v1/kpis?from=2023-01-05&to=2025-02-07", True, "session"),
    ("KPI API custom period, token", "/api/v1/kpis?from=2023-01-05&to=2025-02-07", False, "token"),
]  # fmt: skip


def request(client: Client, url: str, cache_off: bool) -> tuple[float, int]:
    """One GET: (seconds, status)."""
    seconds = settings.JAHESH_DASHBOARD_CACHE_SECONDS
    if cache_off:
        settings.JAHESH_DASHBOARD_CACHE_SECONDS = 0
    try:
        started = time.perf_counter()
        status = client.get(url, HTTP_HOST="127.0.0.1").status_code
        return time.perf_counter() - started, status
    finally:
        settings.JAHESH_DASHBOARD_CACHE_SECONDS = seconds


def queries(client: Client, url: str, cache_off: bool) -> int:
    """The statements one request runs (counted by a wrapper: on SQLite the
    connection closes after each request, which clears Django's own log)."""
    found: list[str] = []

    def count(execute, sql, params, many, context):
        found.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        request(client, url, cache_off)
    return len(found)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2 if SMOKE else 30)
    parser.add_argument("--user", default="hq")
    parser.add_argument("--smoke", action="store_true", help="a small demo (CI)")
    args = parser.parse_args()

    from jahesh.accounts.models import ApiToken, User
    from jahesh.accounts.services import api_token_issue, api_token_revoke
    from jahesh.demo.services import demo_prepare

    started = time.monotonic()
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    settings.ALLOWED_HOSTS = ["*"]
    print(f"database: {settings.DATABASES['default']['NAME']} ({connection.vendor})")
    call_command("migrate", interactive=False, verbosity=0)
    demo_prepare(log=lambda line: print("  " + line))
    print(f"prepared in {time.monotonic() - started:.1f} s\n")

    user = User.objects.get(username=args.user)
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(user)
    # a token of the run's own (revoked at the end, so a reused database keeps none)
    raw = api_token_issue(user=user, name="bench")
    token = Client(headers={"Authorization": f"Bearer {raw}"})
    try:
        return _run(args, anonymous, signed_in, token)
    finally:
        found = ApiToken.objects.get(key_hash=ApiToken.hash(raw))
        api_token_revoke(user=user, token_id=found.pk, now=timezone.now())


def _run(args, anonymous: Client, signed_in: Client, token: Client) -> int:
    by_kind = {"": anonymous, "session": signed_in, "token": token}
    clients = [by_kind[page[3]] for page in PAGES]
    times: list[list[float]] = [[] for _ in PAGES]
    for round_ in range(3 + args.rounds):
        for i, (_label, url, cache_off, _signed) in enumerate(PAGES):
            seconds, status = request(clients[i], url, cache_off)
            if status != 200:
                print(f"FAILED: {url} answered {status}")
                return 1
            if round_ >= 3:
                times[i].append(seconds)

    medians = [statistics.median(t) * 1000 for t in times]
    by_label = {page[0]: ms for page, ms in zip(PAGES, medians, strict=True)}
    print(f"median of {args.rounds} rounds after 3 warm-up rounds, as {args.user}, in-process:")
    print(f"  {'page':40} {'ms':>8} {'× healthz':>10} {'queries':>8} {'× cache off':>12}")
    for (label, url, cache_off, _signed), client, ms in zip(PAGES, clients, medians, strict=True):
        off = by_label.get(f"{label} (cache off)")
        beside = f"{ms / off:12.2f}" if off and not cache_off else ""
        n = queries(client, url, cache_off)
        print(f"  {label:40} {ms:8.1f} {ms / medians[0]:10.1f} {n:8} {beside}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
