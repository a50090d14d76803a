"""Dashboard and KPI API at provincial and at national scale, beside /healthz (issue 7).

Builds two throwaway databases:

- provincial: the Markazi demo (``jahesh.demo.services.demo_prepare``);
- national: the Markazi demo plus ``generate_nation --scale S`` for the other
  30 provinces (default S = 1.0: ~90,000 units, ~22,000 funds, ~800,000
  volunteers, ~50,000 projects, millions of installments);

then, for each, times IN PROCESS with Django's test Client (no HTTP server,
no network: the figures are the view's own time) N requests after one warm-up:
``/healthz``; ``GET /api/v1/kpis`` for the last five Jalali years as ``hq``
(Markazi) and as ``admin`` (the whole country); the dashboard ``/reports/`` as
``hq`` and as ``admin`` with the cache cleared before every request (what the
first visitor of a minute waits; the page caches its figures 60 s) and once
more served from the cache. Prints median and p95 per database, the ratios
national/provincial and national//healthz beside the issue's targets (≤ 1.5×
and ≤ 3×), and the time of every KPI selector at national scale (whole country
and Markazi), which shows where precomputed aggregates are needed.

    uv run python bench/reports_national.py [--scale 1.0] [--n 10] [--keep]
    DATABASE_URL=postgres://root@127.0.0.1:5432/test uv run python bench/reports_national.py
    uv run python bench/reports_national.py --smoke   # small demo, scale 0.01, in process only

SQLite: ``$JAHESH_VAR`` = /tmp/jahesh-bench-national/provincial/ and
…/national-<scale>/ (kept between runs with --keep, so a second run only
measures). PostgreSQL: databases ``jahesh_bench_<kind>_<scale>`` created on the
server of DATABASE_URL and dropped at the end unless --keep. The national
database starts as a copy of the provincial one (SQLite backup API, PostgreSQL
``CREATE DATABASE … TEMPLATE``). Each database is built and measured in a child
process (one Django setup per database); measuring runs in ``--rounds``
alternating rounds and keeps each URL's best round.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from _smoke import SMOKE, small_demo, var_dir

ROOT = Path("/tmp/jahesh-bench-national")
MARKAZI = 28
TARGET_VS_PROVINCIAL = 1.5
TARGET_VS_HEALTHZ = 3.0


# --- Child: one database ------------------------------------------------------------


def _setup(var: str, database_url: str | None) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
    os.environ["JAHESH_VAR"] = var
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    if SMOKE:
        small_demo()


def child_build(kind: str, scale: float, copied: bool) -> dict:
    from django.conf import settings
    from django.core.management import call_command

    from jahesh.demo.national import generate_nation
    from jahesh.demo.services import demo_prepare

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    out: dict = {}
    t = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    out["migrate_s"] = time.monotonic() - t
    t = time.monotonic()
    if not copied:  # the national database starts as a copy of the provincial one
        demo_prepare(log=lambda line: print("    " + line, flush=True))
    out["demo_s"] = time.monotonic() - t
    if kind == "national":
        from jahesh.reports import facts

        with facts.paused():  # as `jahesh generate_nation` does; refreshed by child_prepare
            report = generate_nation(scale=scale, log=lambda line: print("    " + line, flush=True))
        out["nation_s"] = report.total_seconds
        out["nation_parts_s"] = report.seconds
        out["added"] = report.added
    return out


def child_prepare() -> dict:
    """Migrate (a database built by an older checkout) and compute the analytics
    table of today's standard periods, timed: what ``jahesh refresh_kpis`` costs."""
    from django.core.management import call_command
    from django.db import connection

    from jahesh.reports import facts

    call_command("migrate", interactive=False, verbosity=0)
    # The loaders end with ANALYZE (facts.paused); a database built by an older
    # checkout gets its planner statistics here, as a fresh build would.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    report = facts.refresh(log=lambda line: print("    " + line, flush=True))
    slowest = sorted(report.per_part.items(), key=lambda kv: -kv[1])[:5]
    return {"refresh_s": report.seconds, "rows": report.rows, "slowest": slowest}


def _samples(fn, n: int, budget_s: float) -> list[float]:
    fn()  # warm-up
    times: list[float] = []
    started = time.monotonic()
    while len(times) < n:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if len(times) >= 3 and time.monotonic() - started > budget_s:
            break
    return times


def child_measure(n: int, budget_s: float, profile: bool) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from jahesh.accounts.models import User
    from jahesh.accounts.scoping import Area
    from jahesh.core.jalali import jalali_today
    from jahesh.reports.kpis import KPI_LIST
    from jahesh.reports.periods import last_five_years
    from jahesh.units.models import Unit, Visit

    period = last_five_years(jalali_today())
    q = f"from={period.start}&to={period.end}"
    # A period the analytics table does not hold (a Gregorian year): computed from
    # the records, as any range a user types.
    other = "from=2024-01-01&to=2025-01-01"
    visit_id = Visit.objects.filter(unit__county__province=MARKAZI).values_list("pk", flat=True)[0]
    clients = {}
    for name in ("hq", "admin"):
        c = Client()
        c.force_login(User.objects.get(username=name))
        clients[name] = c
    anon = Client()

    def get(client, url, *, clear=False):
        def run():
            if clear:
                cache.clear()
            r = client.get(url, HTTP_HOST="127.0.0.1")
            if r.status_code != 200:
                raise RuntimeError(f"{url}: {r.status_code}")

        return run

    def after_write(run):
        def wrapped():
            # One write in Markazi (a visit's note): the trigger marks its county,
            # and the next read recomputes that county in every stored period.
            Visit.objects.filter(pk=visit_id).update(notes=f"bench {time.perf_counter()}")
            run()

        return wrapped

    cases = [
        ("/healthz", get(anon, "/healthz")),
        ("KPI API hq Markazi", get(clients["hq"], f"/api/v1/kpis?{q}&province={MARKAZI}")),
        ("KPI API admin country", get(clients["admin"], f"/api/v1/kpis?{q}")),
        (
            "KPI API hq after a write",
            after_write(get(clients["hq"], f"/api/v1/kpis?{q}&province={MARKAZI}")),
        ),
        ("KPI API hq other period", get(clients["hq"], f"/api/v1/kpis?{other}&province={MARKAZI}")),
        ("KPI API admin other period", get(clients["admin"], f"/api/v1/kpis?{other}")),
        ("/reports/ hq (cold)", get(clients["hq"], "/reports/", clear=True)),
        ("/reports/ admin (cold)", get(clients["admin"], "/reports/", clear=True)),
        ("/reports/ hq (cached)", get(clients["hq"], "/reports/")),
        ("/reports/ admin (cached)", get(clients["admin"], "/reports/")),
    ]
    out: dict = {
        "vendor": connection.vendor,
        "units": Unit.objects.count(),
        "period": [str(period.start), str(period.end)],
        "rows": {},
    }
    for name, fn in cases:
        times = _samples(fn, n, budget_s)
        out["rows"][name] = times
        print(f"    {name:28} n={len(times):3} median {statistics.median(times) * 1000:9.1f} ms",
              flush=True)  # fmt: skip
    if profile:
        # Each KPI computed from the records (what a period outside the table,
        # and the table's refresh, cost).
        prof = {}
        for label, area in (("country", Area()), ("Markazi", Area(province_id=MARKAZI))):
            for kpi in KPI_LIST:
                runs = []
                for _ in range(3):
                    t = time.perf_counter()
                    for part in kpi.parts:
                        part.total(area=area, start=period.start, end=period.end)
                    runs.append(time.perf_counter() - t)
                prof.setdefault(kpi.code, {})[label] = statistics.median(runs)
        out["profile"] = prof
    return out


def child_measure_http(n: int, budget_s: float) -> dict:
    """The same requests over HTTP to ``jahesh serve`` (gunicorn, one worker, a
    kept-alive connection): what a browser on the same machine waits, /healthz
    included. The server runs with JAHESH_DASHBOARD_CACHE_SECONDS=0, so every
    dashboard reads its figures (from the analytics table)."""
    import http.client
    import socket
    import subprocess as sp

    from django.test import Client

    from jahesh.accounts.models import User
    from jahesh.core.jalali import jalali_today
    from jahesh.reports.periods import last_five_years

    period = last_five_years(jalali_today())
    q = f"from={period.start}&to={period.end}"
    cookies = {}
    for name in ("hq", "admin"):
        c = Client()
        c.force_login(User.objects.get(username=name))
        cookies[name] = c.cookies["sessionid"].value
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, JAHESH_DASHBOARD_CACHE_SECONDS="0")
    jahesh = str(Path(sys.executable).with_name("jahesh"))
    server = sp.Popen([jahesh, "serve", "--port", str(port), "--workers", "1"], env=env,
                      stdout=sp.DEVNULL, stderr=sp.DEVNULL)  # fmt: skip
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for _ in range(200):
            try:
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                break
            except OSError:
                conn.close()
                time.sleep(0.1)

        def get(url: str, who: str | None = None):
            headers = {"Cookie": f"sessionid={cookies[who]}"} if who else {}

            def run():
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"{url}: {response.status}")

            return run

        cases = [
            ("HTTP /healthz", get("/healthz")),
            ("HTTP KPI API hq Markazi", get(f"/api/v1/kpis?{q}&province={MARKAZI}", "hq")),
            ("HTTP KPI API admin country", get(f"/api/v1/kpis?{q}", "admin")),
            ("HTTP /reports/ hq", get("/reports/", "hq")),
            ("HTTP /reports/ admin", get("/reports/", "admin")),
        ]
        rows = {}
        for name, fn in cases:
            rows[name] = _samples(fn, n, budget_s)
            print(f"    {name:28} n={len(rows[name]):3} median "
                  f"{statistics.median(rows[name]) * 1000:9.1f} ms", flush=True)  # fmt: skip
        return {"rows": rows}
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- Parent: orchestrate ------------------------------------------------------------


def _pg_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _pg_admin(base: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(base)
    dsn = urlunsplit((parts.scheme.replace("postgres", "postgresql", 1) if parts.scheme ==
                      "postgres" else parts.scheme, parts.netloc, "/postgres", "", ""))  # fmt: skip
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)


def _run_child(args: list[str], env: dict) -> dict:
    cmd = [sys.executable, __file__, *args, *(["--smoke"] if SMOKE else [])]
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
    lines = proc.stdout.splitlines()
    for line in lines:
        if not line.startswith("RESULT "):
            print(line)
    if proc.returncode != 0:
        raise SystemExit(f"child {args} failed ({proc.returncode})")
    return json.loads(next(line[7:] for line in lines if line.startswith("RESULT ")))


def _sqlite_copy(source: Path, target: Path) -> None:
    import sqlite3

    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    src.backup(dst)
    src.close()
    dst.close()


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:9.1f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--n", type=int, default=10, help="requests per URL after one warm-up")
    parser.add_argument("--budget", type=float, default=60.0, help="max seconds per URL (≥ 3 runs)")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the databases")
    parser.add_argument("--rounds", type=int, default=2, help="alternating measuring rounds")
    parser.add_argument(
        "--child", choices=["build", "prepare", "measure", "measure-http"], help=argparse.SUPPRESS
    )
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurements")
    parser.add_argument("--kind", default="provincial", help=argparse.SUPPRESS)
    parser.add_argument("--var", default="", help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--copied", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--smoke", action="store_true", help="small demo, scale 0.01, once (CI)")
    args = parser.parse_args()

    if args.child:
        _setup(args.var, os.environ.get("BENCH_DATABASE_URL") or None)
        if args.child == "build":
            result = child_build(args.kind, args.scale, args.copied)
        elif args.child == "prepare":
            result = child_prepare()
        elif args.child == "measure-http":
            result = child_measure_http(args.n, args.budget)
        else:
            result = child_measure(args.n, args.budget, args.profile)
        print("RESULT " + json.dumps(result), flush=True)
        return 0

    base_url = os.environ.get("DATABASE_URL")
    root = ROOT
    if SMOKE:  # SQLite in process: no server, one request per URL
        base_url, root = None, Path(var_dir("/tmp/jahesh-bench-national-smoke"))
        args.scale, args.n, args.rounds, args.no_http, args.keep = 0.01, 1, 1, True, False
    tag = f"{args.scale:g}".replace(".", "_")
    results: dict[str, dict] = {}
    builds: dict[str, dict] = {}
    created: list[str] = []
    plans: dict[str, tuple[list[str], dict]] = {}
    prepared: dict[str, dict] = {}
    try:
        for kind in ("provincial", "national"):
            # SQLite: one provincial database (the demo) for every scale.
            var = root / ("provincial" if kind == "provincial" else f"{kind}-{tag}")
            env = dict(os.environ)
            env.pop("DATABASE_URL", None)
            ready = var / "ready"
            if base_url:
                name = f"jahesh_bench_{kind}_{tag}"
                env["BENCH_DATABASE_URL"] = _pg_url(base_url, name)
                ready = root / f"pg-{name}.ready"
                if not (args.keep and ready.exists()):
                    _pg_admin(base_url, f'DROP DATABASE IF EXISTS "{name}"')
                    template = (
                        f' TEMPLATE "jahesh_bench_provincial_{tag}"' if kind == "national" else ""
                    )
                    _pg_admin(base_url, f'CREATE DATABASE "{name}"{template}')
                    ready.unlink(missing_ok=True)
                created.append(name)
            elif not (args.keep and ready.exists()):
                subprocess.run(["rm", "-rf", str(var)], check=True)
            var.mkdir(parents=True, exist_ok=True)
            common = ["--var", str(var), "--kind", kind, "--scale", str(args.scale)]
            copied = kind == "national" and not ready.exists()
            if copied and not base_url:  # start from the provincial database (the demo)
                _sqlite_copy(root / "provincial" / "jahesh.sqlite3", var / "jahesh.sqlite3")
            elif SMOKE and (root / "jahesh.sqlite3").exists():  # migrated by the smoke test
                _sqlite_copy(root / "jahesh.sqlite3", var / "jahesh.sqlite3")
            if ready.exists():
                print(f"{kind}: reusing {var if not base_url else name}")
            else:
                print(f"{kind}: building (scale {args.scale:g}) …", flush=True)
                t = time.monotonic()
                flag = ["--copied"] if copied else []
                builds[kind] = _run_child(["--child", "build", *common, *flag], env)
                builds[kind]["total_s"] = time.monotonic() - t
                ready.write_text("ok")
            plans[kind] = (common, env)
            print(f"{kind}: migrating and computing the analytics table …", flush=True)
            prepared[kind] = _run_child(["--child", "prepare", *common], env)
        # Measure in alternating rounds (provincial, national, provincial, …) so that
        # the other load of a shared machine weighs on both; keep each URL's round
        # with the lowest median.
        for round_no in range(1, args.rounds + 1):
            for kind, (common, env) in plans.items():
                print(f"{kind}: measuring (round {round_no}/{args.rounds}) …", flush=True)
                last = round_no == args.rounds
                extra = ["--profile"] if kind == "national" and last else []
                found = _run_child(
                    ["--child", "measure", *common, "--n", str(args.n), "--budget",
                     str(args.budget), *extra],
                    env,
                )  # fmt: skip
                if not args.no_http:
                    print(f"{kind}: measuring over HTTP (round {round_no}/{args.rounds}) …",
                          flush=True)  # fmt: skip
                    over_http = _run_child(
                        ["--child", "measure-http", *common, "--n", str(args.n), "--budget",
                         str(args.budget)],
                        env,
                    )  # fmt: skip
                    found["rows"].update(over_http["rows"])
                if kind not in results:
                    results[kind] = found
                    continue
                for url, times in found["rows"].items():
                    if statistics.median(times) < statistics.median(results[kind]["rows"][url]):
                        results[kind]["rows"][url] = times
                if "profile" in found:
                    results[kind]["profile"] = found["profile"]
    finally:
        if base_url and not args.keep:
            for name in created:
                _pg_admin(base_url, f'DROP DATABASE IF EXISTS "{name}"')

    prov, nat = results["provincial"], results["national"]
    print()
    for kind, b in builds.items():
        print(f"build {kind}: {b['total_s']:.0f} s (migrate {b['migrate_s']:.0f} s, "
              f"Markazi demo {b['demo_s']:.0f} s (0: copied from the provincial database)"
              + (f", generate_nation {b['nation_s']:.0f} s {json.dumps({k: round(v) for k, v in b['nation_parts_s'].items()})}"
                 if "nation_s" in b else "") + ")")  # fmt: skip
        if "added" in b:
            print("  rows added: " + ", ".join(f"{k} {v:,}" for k, v in b["added"].items()))
    for kind, p in prepared.items():
        print(f"refresh_kpis {kind}: {p['refresh_s']:.1f} s, {p['rows']:,} rows; slowest parts: "
              + ", ".join(f"{code} {sec:.1f} s" for code, sec in p["slowest"]))  # fmt: skip
    print(
        f"\n{prov['vendor']}, scale {args.scale:g}: provincial {prov['units']:,} units, "
        f"national {nat['units']:,} units; period {nat['period'][0]} – {nat['period'][1]}; "
        "in-process Django test Client, ms"
    )
    head = (f"{'request':26} {'prov med':>9} {'prov p95':>9} {'nat med':>9} {'nat p95':>9} "
            f"{'nat/prov':>8} (≤{TARGET_VS_PROVINCIAL}) {'nat/healthz':>11} (≤{TARGET_VS_HEALTHZ:g})")  # fmt: skip
    print(head)
    print("-" * len(head))

    def p95(xs: list[float]) -> float:
        xs = sorted(xs)
        return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]

    for name in prov["rows"]:
        healthz = statistics.median(
            nat["rows"]["HTTP /healthz" if name.startswith("HTTP") else "/healthz"]
        )
        pm, nm = statistics.median(prov["rows"][name]), statistics.median(nat["rows"][name])
        r1, r2 = nm / pm, nm / healthz
        ok1 = "ok" if r1 <= TARGET_VS_PROVINCIAL else "OVER"
        ok2 = "ok" if r2 <= TARGET_VS_HEALTHZ else "OVER"
        print(f"{name:26} {_fmt(pm)} {_fmt(p95(prov['rows'][name]))} {_fmt(nm)} "
              f"{_fmt(p95(nat['rows'][name]))} {r1:8.2f} {ok1:>6} {r2:11.1f} {ok2:>5}")  # fmt: skip
    if "profile" in nat:
        prof = nat["profile"]
        print(
            "\nEvery KPI computed from the records at national scale (median of 3, ms), slowest first:"
        )
        print(f"{'kpi':28} {'country':>10} {'Markazi':>10}")
        for code, t in sorted(prof.items(), key=lambda kv: -kv[1]["country"]):
            print(f"{code:28} {_fmt(t['country'])}  {_fmt(t['Markazi'])}")
        print(f"{'(sum)':28} {_fmt(sum(t['country'] for t in prof.values()))}  "
              f"{_fmt(sum(t['Markazi'] for t in prof.values()))}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
