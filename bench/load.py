"""A bounded mixed load against a running Jahesh, the way fifty officials use it (issue 11).

Prepares a database (the demo scenario: ``jahesh demo --no-serve``), starts the
server(s) itself, waits for ``/healthz``, signs N clients in, then for SECONDS
runs N concurrent clients (threads, keep-alive HTTP/1.1), each cycling through:

    healthz     GET /healthz                      anonymous
    dashboard   GET /reports/                     signed in (session cookie, user hq)
    kpis        GET /api/v1/kpis                  API token, the last five Jalali years
    kpis custom GET /api/v1/kpis?from=…&to=…      API token, a period the analytics table does not keep
    units       GET /units/                       signed in
    public      GET /public/                      anonymous (published figures)

while one more client writes once a second through the API, whether or not the
last write has answered (a monitoring visit, then a direct service, alternately). Prints requests, requests/s, p50/p95/p99 and
errors per route, with /healthz in the same run, and checks the targets: 0 errors,
0 timeouts, the dashboard's p95 within 10× /healthz's p95. Exits 1 when a target
fails (unless ``--report-only``), 2 when the run could not be set up.

    uv run python bench/load.py                                   # 50 clients, 60 s, SQLite, one server
    uv run python bench/load.py --db postgres                     # same on PostgreSQL
    uv run python bench/load.py --db postgres --layout nginx      # nginx → two servers + one task worker
    uv run python bench/load.py --smoke                           # 3 clients, 5 s, SQLite (CI)
    uv run python bench/load.py --per-route [--db postgres]       # issue 12: each page alone, 20 clients, 20 s,
                                                                  # /healthz beside it in the same 20 s,
                                                                  # its req/s beside /healthz's and the target

Databases: SQLite in ``var/load/sqlite/`` of this checkout; PostgreSQL in the
database of ``--database-url`` (default ``postgres://root@127.0.0.1:5432/jahesh_load``,
created when missing). A prepared database is reused (only ``jahesh migrate`` runs,
so merged migrations apply); ``--fresh`` wipes it and loads the demo again.
Writes of earlier runs stay in a reused database.

Ports: ``--port`` (default 18200) is where the clients connect: the one server
(``single``), or nginx (``nginx``; the two servers on ``--port`` + 1 and + 2,
and Redis on + 3 when the settings read ``REDIS_URL``). With ``nginx``, when
``jahesh serve --help`` lists ``--no-worker``, both servers run without a task
worker and one ``jahesh db_worker`` runs beside them. A port already taken stops
the run before anything starts. Every process the bench starts runs in its own
process group and is stopped when the bench ends, however it ends; their logs
are kept in ``var/load/logs/`` and the exceptions the servers logged are
summarised after the table.

Clients: each reader signs in through the login form (CSRF token, about a second
of password hashing each, two at a time, before the clock starts); the readers
share ``--tokens`` API tokens (default 5), the writer has its own. Each route is
requested once per app server before the clock starts (not counted), so the
figures are not those of a process's first request; ``--per-route`` warms each
route twice from every client at once, so every worker process of the server
has served it (each keeps its own local-memory cache without ``REDIS_URL``).

Errors are answers other than the route's expected status (200; the write 201,
or 200 for a repeated visit) and refused or reset connections; timeouts are
requests with no answer within ``--timeout`` seconds (default 30). Percentiles
are of the answered requests (errors included, timeouts not). The clients share
this machine's cores with the servers, so the latencies include the bench's own
CPU time. With 50 clients that never pause, a small machine is saturated and
every route's latency is mostly its wait in the servers' queues (/healthz's
too); the service time of each route shows in a run with ``--clients 1``, and
``--think S`` makes each reader pause S seconds on average between requests, as
a person reading the page does.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import http.client
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
NGINX_SNIPPET = ROOT / "deploy" / "nginx" / "jahesh-proxy.conf"
USER, PASSWORD = "hq", "jahesh-demo"
DASHBOARD_VS_HEALTHZ = 10.0
HEALTH_WAIT_SECONDS = 120


class SetupError(Exception):
    """The run could not start (a port taken, a server that never answered …)."""


# --- HTTP client ------------------------------------------------------------------


class Timeout(Exception):
    pass


class Client:
    """One browser-like HTTP/1.1 client: a keep-alive connection and its cookies."""

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.token = ""

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        cookies: bool = True,
    ) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if cookies and self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        # A kept-alive connection the server closed meanwhile fails before any
        # answer: open a new one and send again, once. Writes never take this
        # path: each goes on a new connection.
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except TimeoutError as exc:
                self.close()
                raise Timeout from exc
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if reused and attempt == 1:
                    continue
                raise
            for raw in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(raw).items():
                    self.cookies[name] = morsel.value
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, data
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, payload: dict | None = None, *, key: str = ""):
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if key:
            headers["Idempotency-Key"] = key
        body = json.dumps(payload).encode() if payload is not None else None
        return self.request(method, path, body=body, headers=headers, cookies=False)

    def sign_in(self) -> None:
        """Through the login form, with its CSRF token, as a browser does."""
        status, page = self.request("GET", "/accounts/login/")
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not found:
            raise SetupError(f"login page answered {status} without a CSRF token")
        form = urlencode(
            {"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": found.group(1)}
        )
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form.encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}/accounts/login/",
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SetupError(f"signing in as {USER} answered {status} (expected 302 and a session)")

    def sign_out(self) -> None:
        token = self.cookies.get("csrftoken", "")
        self.request(
            "POST",
            "/accounts/logout/",
            body=urlencode({"csrfmiddlewaretoken": token}).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{self.host}:{self.port}/",
            },
        )

    def fetch_token(self) -> str:
        status, data = self.json(
            "POST", "/api/v1/auth/token", {"username": USER, "password": PASSWORD}
        )
        if status != 200:
            raise SetupError(f"POST /api/v1/auth/token answered {status}: {data[:200]!r}")
        return json.loads(data)["token"]


# --- The load ---------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    auth: str  # "session", "token" or "" (anonymous)
    expect: tuple[int, ...] = (200,)

    def get(self, client: Client) -> tuple[int, bytes]:
        if self.auth == "token":
            return client.json("GET", self.path)
        return client.request(
            "GET", self.path, headers={"Accept": "text/html"}, cookies=self.auth == "session"
        )


def read_routes(today: datetime.date) -> list[Route]:
    # A custom period: the analytics table keeps Jalali years and quarters only,
    # so these dates make the KPI API count from the records.
    custom = urlencode(
        {
            "from": (today - datetime.timedelta(days=400)).isoformat(),
            "to": (today - datetime.timedelta(days=33)).isoformat(),
        }
    )
    # /healthz first: a short run with few clients still measures it.
    return [
        Route("healthz /healthz", "/healthz", ""),
        Route("dashboard /reports/", "/reports/", "session"),
        Route("kpis /api/v1/kpis", "/api/v1/kpis", "token"),
        Route("kpis custom period", f"/api/v1/kpis?{custom}", "token"),
        Route("units /units/", "/units/", "session"),
        Route("public /public/", "/public/", ""),
    ]


WRITE_ROUTE = "write (1/s, API)"


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    errors: collections.Counter = field(default_factory=collections.Counter)
    timeouts: collections.Counter = field(default_factory=collections.Counter)
    samples: dict[str, collections.Counter] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter)
    )
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, route: str, seconds: float, problem: str | None, timed_out: bool) -> None:
        with self.lock:
            if timed_out:
                self.timeouts[route] += 1
                return
            self.latencies[route].append(seconds)
            if problem is not None:
                self.errors[route] += 1
                self.samples[route][problem] += 1


def timed(stats: Stats, route: str, expect: tuple[int, ...], call) -> None:
    started = time.perf_counter()
    try:
        status, data = call()
    except Timeout:
        stats.record(route, time.perf_counter() - started, None, True)
        return
    except (OSError, http.client.HTTPException) as exc:  # refused, reset, malformed
        stats.record(route, time.perf_counter() - started, type(exc).__name__, False)
        time.sleep(0.05)  # a refused connection answers at once: do not spin
        return
    elapsed = time.perf_counter() - started
    problem = None if status in expect else f"{status} {_snippet(data)}"
    stats.record(route, elapsed, problem, False)


def _snippet(data: bytes) -> str:
    text = data[:400].decode("utf-8", "replace")
    try:
        return json.loads(data).get("message", "")[:120]
    except (ValueError, AttributeError):
        title = re.search(r"<title>(.*?)</title>", text, re.S)
        return (title.group(1).strip() if title else text.strip())[:120]


def reader(
    client: Client,
    routes: list[Route],
    start: int,
    stop: threading.Event,
    stats: Stats,
    think: float,
):
    pause = random.Random(start)
    i = start
    while not stop.is_set():
        route = routes[i % len(routes)]
        i += 1
        timed(stats, route.name, route.expect, lambda r=route: r.get(client))
        if think:  # a person reading the page: exponential, ``think`` seconds on average
            stop.wait(pause.expovariate(1 / think))


def warm_up(client: Client, routes: list[Route], *, servers: int) -> None:
    """Each route once per app server (round robin), not counted: the first
    request of a process loads templates and fills its caches."""
    for _ in range(servers):
        for route in routes:
            route.get(client)


def warm_up_pool(pool: list[Client], route: Route, *, rounds: int = 2) -> None:
    """``route`` ``rounds`` times from every client at once, not counted: the
    clients' connections spread over every worker process of the server, so each
    has loaded its templates and filled its own caches (the local-memory cache is
    per process) before the clock starts; one client warms only one process."""
    for _ in range(rounds):
        threads = [threading.Thread(target=route.get, args=(c,), daemon=True) for c in pool]
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def write_targets(client: Client) -> tuple[list[int], list[dict]]:
    """Units of hq's province to visit, and a direct service to copy the kind and county of."""
    status, data = client.json("GET", "/api/v1/units?limit=50")
    units = [u["id"] for u in json.loads(data)["items"]] if status == 200 else []
    if not units:
        raise SetupError(f"GET /api/v1/units answered {status} with no unit to visit")
    status, data = client.json("GET", "/api/v1/projects/services?limit=1")
    return units, json.loads(data)["items"] if status == 200 else []


def write_request(n: int, targets, today: datetime.date) -> tuple[str, dict]:
    """The n-th write: a monitoring visit, then a direct service, alternately."""
    units, services = targets
    if services and n % 2:
        s = services[0]
        return "/api/v1/projects/services", {
            "kind": s["kind"],
            "delivered_on": today.isoformat(),
            "quantity": 1,
            "unit_value_rial": 1_000_000,
            "county_id": s["county_id"],
            "note": "bench/load.py",
        }
    unit = units[n % len(units)]
    return f"/api/v1/units/{unit}/visits", {
        "visited_on": today.isoformat(),
        "visitor_name": "bench",
        "notes": "bench/load.py",
    }


def send_write(client: Client, path: str, payload: dict, stats: Stats) -> None:
    key = uuid.uuid4().hex
    try:
        # 200: a visit's Idempotency-Key seen before answers with the same visit.
        timed(stats, WRITE_ROUTE, (201, 200), lambda: client.json("POST", path, payload, key=key))
    finally:
        client.close()


def writer(client: Client, targets, today: datetime.date, stop: threading.Event, stats: Stats):
    """One write a second, whatever the server's pace: officers submit when they
    are done, not when the last write came back. Each write goes on its own
    connection with the writer's token; those still waiting when the run ends
    finish (or time out) and count."""
    pending: list[threading.Thread] = []
    n = 0
    next_at = time.monotonic()
    while not stop.is_set():
        own = Client(client.host, client.port, client.timeout)
        own.token = client.token
        path, payload = write_request(n, targets, today)
        pending.append(threading.Thread(target=send_write, args=(own, path, payload, stats)))
        pending[-1].start()
        n += 1
        next_at += 1.0
        stop.wait(max(0.0, next_at - time.monotonic()))
    for t in pending:
        t.join(client.timeout + 5)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")


def summarise(stats: Stats, names: list[str], seconds: float) -> list[dict]:
    rows = []
    for name in names:
        values = stats.latencies.get(name, [])
        count = len(values) + stats.timeouts[name]
        rows.append(
            {
                "route": name,
                "requests": count,
                "rps": count / seconds,
                "p50_ms": percentile(values, 0.50) * 1000,
                "p95_ms": percentile(values, 0.95) * 1000,
                "p99_ms": percentile(values, 0.99) * 1000,
                "max_ms": max(values, default=float("nan")) * 1000,
                "errors": stats.errors[name],
                "timeouts": stats.timeouts[name],
            }
        )
    return rows


def print_table(rows: list[dict]) -> None:
    head = f"{'route':<22}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}{'timeouts':>9}"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['route']:<22}{r['requests']:>9}{r['rps']:>8.1f}{r['p50_ms']:>9.0f}{r['p95_ms']:>9.0f}"
            f"{r['p99_ms']:>9.0f}{r['max_ms']:>9.0f}{r['errors']:>8}{r['timeouts']:>9}"
        )
    total = sum(r["requests"] for r in rows)
    print(
        f"{'all':<22}{total:>9}{sum(r['rps'] for r in rows):>8.1f}{'':>45}"
        f"{sum(r['errors'] for r in rows):>8}{sum(r['timeouts'] for r in rows):>9}"
    )


def check_targets(rows: list[dict]) -> list[tuple[str, bool]]:
    by = {r["route"]: r for r in rows}
    errors = sum(r["errors"] for r in rows)
    timeouts = sum(r["timeouts"] for r in rows)
    dash, health = by["dashboard /reports/"]["p95_ms"], by["healthz /healthz"]["p95_ms"]
    ratio_ok = dash <= DASHBOARD_VS_HEALTHZ * health  # False when either had no answer (NaN)
    return [
        (f"errors: {errors} (target 0)", errors == 0),
        (f"timeouts: {timeouts} (target 0)", timeouts == 0),
        (
            f"dashboard p95 {dash:.0f} ms vs /healthz p95 {health:.0f} ms: "
            f"{dash / health if health else float('inf'):.1f}× (target ≤ {DASHBOARD_VS_HEALTHZ:.0f}×)",
            ratio_ok,
        ),
    ]


# --- Processes ----------------------------------------------------------------------


class Processes:
    """Everything the bench starts, each in its own process group, stopped at the end."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = self.logs / f"{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append((name, proc, log))
        print(f"  started {name} (pid {proc.pid}): {' '.join(cmd)}", flush=True)
        return proc

    def exited(self) -> list[str]:
        return [
            f"{name} exited with {proc.returncode}:\n{tail(log)}"
            for name, proc, log in self.started
            if proc.poll() is not None
        ]

    def check_alive(self) -> None:
        if exited := self.exited():
            raise SetupError(exited[0])

    def stop_all(self) -> None:
        # SIGINT: gunicorn, nginx, Redis and the task worker all stop at once on it
        # (SIGTERM would let gunicorn finish requests a timed-out client left).
        for _, proc, _ in reversed(self.started):
            _signal_group(proc, signal.SIGINT)
        deadline = time.monotonic() + 15
        for name, proc, _ in reversed(self.started):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"  {name} did not stop in time: killing it", flush=True)
            _signal_group(proc, signal.SIGKILL)  # whatever of its group is left
            proc.wait()
        self.started.clear()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # start_new_session: its group id is its pid
    except ProcessLookupError:
        pass


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_healthy(port: int, procs: Processes, name: str) -> None:
    deadline = time.monotonic() + HEALTH_WAIT_SECONDS
    while time.monotonic() < deadline:
        procs.check_alive()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
            conn.close()
        except OSError:
            pass
        time.sleep(0.3)
    raise SetupError(
        f"{name} on port {port} did not answer /healthz within {HEALTH_WAIT_SECONDS} s"
    )


def jahesh(*args: str) -> list[str]:
    return (
        ["uv", "run", "--no-sync", "jahesh", *args]
        if shutil.which("uv")
        else [sys.executable, "-m", "jahesh", *args]
    )


def uses_redis() -> bool:
    """Whether this version's settings read ``REDIS_URL`` (the shared cache)."""
    return "REDIS_URL" in (ROOT / "src" / "jahesh" / "settings.py").read_text()


def serve_help(env: dict[str, str]) -> str:
    return subprocess.run(
        jahesh("serve", "--help"), cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout


# --- Database -----------------------------------------------------------------------


# The smoke run's database: the demo shrunk as every benchmark's smoke run shrinks it
# (two provinces, small scenario parts), so CI loads it in seconds, not minutes.
SMALL_DEMO = f"""
import os, sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jahesh.settings")
import django
django.setup()
from _smoke import small_demo
small_demo()
from django.core.management import call_command
call_command("demo", no_serve=True)
"""


def prepare(args, env: dict[str, str]) -> None:
    """The demo database, loaded once and reused (``--fresh`` loads it again)."""
    var = Path(env["JAHESH_VAR"])
    marker = var / "load-prepared.json"
    if args.db == "postgres":
        exists = _pg_database(args.database_url, drop=args.fresh)
        if not exists:
            marker.unlink(missing_ok=True)
    elif args.fresh and var.exists():
        shutil.rmtree(var)
    if args.fresh:
        marker.unlink(missing_ok=True)
    var.mkdir(parents=True, exist_ok=True)
    if marker.exists():
        print(
            "database: reusing the prepared demo (jahesh migrate only; --fresh loads it again)",
            flush=True,
        )
        cmd = jahesh("migrate", "--no-input", "-v", "0")
    elif args.smoke:
        print("database: loading the small demo (bench/_smoke.py) …", flush=True)
        cmd = [sys.executable, "-c", SMALL_DEMO]
    else:
        print("database: loading the demo (jahesh demo --no-serve) …", flush=True)
        cmd = jahesh("demo", "--no-serve")
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SetupError(f"{' '.join(cmd)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    marker.write_text(json.dumps({"db": args.db, "at": datetime.datetime.now().isoformat()}))
    print(f"database: ready in {time.monotonic() - started:.0f} s", flush=True)


def _pg_database(url: str, *, drop: bool) -> bool:
    """Create the database of ``url`` when missing (drop it first with ``drop``);
    answer whether it existed (and was kept)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SetupError(f"database name {name!r} in --database-url: letters, digits and _ only")
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and drop:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = None
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        raise SetupError(f"PostgreSQL at {admin}: {exc}") from exc
    return bool(exists)


# --- Layouts ------------------------------------------------------------------------


def start_single(args, env, procs: Processes) -> list[str]:
    procs.start("serve", jahesh("serve", "--port", str(args.port)), env)
    wait_healthy(args.port, procs, "jahesh serve")
    return [f"jahesh serve --port {args.port}"]


def start_nginx(args, env, procs: Processes, tmp: Path) -> list[str]:
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None
    )
    if nginx is None:
        raise SetupError("nginx is not installed (Debian: apt-get install nginx-light)")
    a, b = args.port + 1, args.port + 2
    # The task worker runs once, beside the servers, when `serve` can leave it out.
    separate_worker = "--no-worker" in serve_help(env)
    extra = ["--no-worker"] if separate_worker else []
    layout = []
    if uses_redis():
        # The cache the servers share (DESIGN: REDIS_URL for several app servers).
        redis = shutil.which("redis-server")
        if redis is None:
            raise SetupError("the settings read REDIS_URL but redis-server is not installed")
        port = args.port + 3
        procs.start(
            "redis",
            [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(tmp)],
            env,
        )  # fmt: skip
        env = {**env, "REDIS_URL": f"redis://127.0.0.1:{port}/0"}
        layout.append(f"redis-server on {port} (REDIS_URL)")
    for name, port in (("serve-a", a), ("serve-b", b)):
        procs.start(name, jahesh("serve", "--port", str(port), *extra), env)
        layout.append(f"jahesh serve --port {port} {' '.join(extra)}".strip())
    if separate_worker:
        procs.start("db_worker", jahesh("db_worker"), env)
        layout.append("jahesh db_worker")
    conf = write_nginx_conf(tmp, listen=args.port, upstreams=[a, b])
    base = [nginx, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")]
    test = subprocess.run([*base, "-t"], capture_output=True, text=True)
    if test.returncode != 0:
        raise SetupError(f"nginx -t refused the generated configuration:\n{test.stderr}")
    for name, port in (("serve-a", a), ("serve-b", b)):
        wait_healthy(port, procs, f"jahesh {name}")
    procs.start("nginx", base, env)
    wait_healthy(args.port, procs, "nginx")
    return [f"nginx on {args.port} (round robin) → {a}, {b}", *layout]


def write_nginx_conf(tmp: Path, *, listen: int, upstreams: list[int]) -> Path:
    """A whole nginx.conf in ``tmp``: its own pid, logs and temporary files (no
    root-owned global configuration), the upstream of ``deploy/nginx/jahesh.conf``
    on the bench's ports, and the site's proxy settings from
    ``deploy/nginx/jahesh-proxy.conf``, the file a real installation includes."""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstreams)
    temps = "\n".join(
        f"    {kind}_temp_path {tmp / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""daemon off;
worker_processes 2;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
{temps}
    upstream jahesh {{
{servers}
        keepalive 32;
        keepalive_timeout 1s;
    }}
    server {{
        listen 127.0.0.1:{listen};
        server_name _;
        include {NGINX_SNIPPET};
    }}
}}
"""
    )
    return conf


# --- Main ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, help="concurrent readers (default 50; --smoke 3)")
    p.add_argument(
        "--seconds", type=float, help="length of the measured run (default 60; --smoke 5)"
    )
    p.add_argument("--db", choices=["sqlite", "postgres"], help="default sqlite")
    p.add_argument("--layout", choices=["single", "nginx"], default="single")
    p.add_argument("--smoke", action="store_true", help="3 clients for 5 s on SQLite")
    p.add_argument("--fresh", action="store_true", help="wipe the database and load the demo again")
    p.add_argument("--report-only", action="store_true", help="exit 0 even when a target fails")
    p.add_argument(
        "--port",
        type=int,
        default=18200,
        help="where clients connect (nginx: +1 and +2 for the servers, +3 for Redis)",
    )
    p.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean pause of a reader between requests, seconds (default 0: none)",
    )
    p.add_argument("--tokens", type=int, default=5, help="API tokens the readers share")
    p.add_argument("--timeout", type=float, default=30.0, help="client timeout in seconds")
    p.add_argument(
        "--database-url",
        default=os.environ.get("LOAD_DATABASE_URL", "postgres://root@127.0.0.1:5432/jahesh_load"),
        help="PostgreSQL database for --db postgres (created when missing)",
    )
    p.add_argument("--var", type=Path, default=ROOT / "var" / "load", help="databases and logs")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    p.add_argument(
        "--per-route",
        action="store_true",
        help="no mix, no writer: /healthz, /reports/, /units/, the KPI API custom period, "
        "one at a time, each beside /healthz (issue 12's throughput rows; default 20 clients, 20 s)",
    )
    args = p.parse_args(argv)
    smoke = args.smoke
    args.clients = args.clients or (3 if smoke else 20 if args.per_route else 50)
    args.seconds = args.seconds or (5.0 if smoke else 20.0 if args.per_route else 60.0)
    args.db = args.db or "sqlite"
    return args


def server_env(args) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if args.db == "postgres":
        env["DATABASE_URL"] = args.database_url
        name = urlsplit(args.database_url).path.lstrip("/")
        env["JAHESH_VAR"] = str(args.var / f"postgres-{name}")
    elif args.smoke and os.environ.get("JAHESH_BENCH_VAR"):
        env["JAHESH_VAR"] = os.environ["JAHESH_BENCH_VAR"]  # the smoke test's throwaway
    else:
        env["JAHESH_VAR"] = str(args.var / "sqlite")
    return env


def sign_in_all(args, host: str) -> tuple[list[Client], Client]:
    """Every reader and the writer sign in through the form; the readers share
    ``--tokens`` API tokens (the writer has its own). A login costs about a second
    of CPU (password hashing), hence a pool of tokens and two logins at a time."""
    clients = [Client(host, args.port, args.timeout) for _ in range(args.clients + 1)]
    failures: list[Exception] = []

    def work(chunk: list[Client]) -> None:
        try:
            for c in chunk:
                c.sign_in()
        except Exception as exc:  # reported below, the run stops
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(clients[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SetupError(f"signing the clients in failed: {failures[0]}")
    readers, write_client = clients[:-1], clients[-1]
    tokens = [readers[i].fetch_token() for i in range(min(args.tokens, len(readers)))]
    for i, c in enumerate(readers):
        c.token = tokens[i % len(tokens)]
    write_client.token = write_client.fetch_token()
    return readers, write_client


def sign_out_all(clients: list[Client], *, within: float = 30.0) -> None:
    """Leave no sessions or tokens behind in a reused database: each client signs
    out and revokes its token (``/api/v1/auth/token/revoke`` may not exist in this
    version), all at once and for at most ``within`` seconds (best effort)."""
    tokens: set[str] = set()

    def out(c: Client, revoke: bool) -> None:
        try:
            if revoke:
                c.json("POST", "/api/v1/auth/token/revoke")
            c.sign_out()
        except (OSError, http.client.HTTPException, Timeout):
            pass
        finally:
            c.close()

    threads = []
    for c in clients:
        revoke = bool(c.token) and c.token not in tokens
        tokens.add(c.token)
        threads.append(threading.Thread(target=out, args=(c, revoke), daemon=True))
        threads[-1].start()
    deadline = time.monotonic() + within
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))


def exceptions_in_logs(logs: Path) -> collections.Counter:
    found: collections.Counter = collections.Counter()
    pattern = re.compile(r"^([\w.]+(?:Error|Exception|Locked)\w*): (.{0,100})")
    for log in logs.glob("*.log"):
        for line in log.read_text(errors="replace").splitlines():
            m = pattern.match(line)
            if m:
                found[f"{m.group(1)}: {m.group(2)}"] += 1
    return found


def run(args) -> int:
    env = server_env(args)
    ports = [args.port]
    if args.layout == "nginx":
        ports += [args.port + 1, args.port + 2] + ([args.port + 3] if uses_redis() else [])
    for port in ports:
        if not port_free(port):
            raise SetupError(
                f"port {port} on 127.0.0.1 is taken (see `ss -ltnp 'sport = :{port}'`); "
                "choose another with --port"
            )
    prepare(args, env)
    logs = args.var / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    procs = Processes(logs)
    tmp = Path(tempfile.mkdtemp(prefix="jahesh-load-nginx-"))
    tmp.chmod(0o755)  # nginx's workers (user nobody when started as root) write temp files here
    clients: list[Client] = []
    try:
        print(f"starting the {args.layout} layout on {args.db} …", flush=True)
        if args.layout == "nginx":
            layout = start_nginx(args, env, procs, tmp)
        else:
            layout = start_single(args, env, procs)
        started = time.monotonic()
        readers, write_client = sign_in_all(args, "127.0.0.1")
        clients = [*readers, write_client]
        print(
            f"signed in {len(clients)} clients as {USER} in {time.monotonic() - started:.0f} s",
            flush=True,
        )
        today = datetime.date.today()
        routes = read_routes(today)
        warm_up(readers[0], routes, servers=2 if args.layout == "nginx" else 1)
        stats, stop = Stats(), threading.Event()
        threads = [
            threading.Thread(
                target=reader, args=(c, routes, i, stop, stats, args.think), daemon=True
            )
            for i, c in enumerate(readers)
        ]
        targets = write_targets(write_client)
        threads.append(
            threading.Thread(
                target=writer, args=(write_client, targets, today, stop, stats), daemon=True
            )
        )
        print(f"running {args.clients} clients + 1 writer for {args.seconds:.0f} s …", flush=True)
        began = time.monotonic()
        for t in threads:
            t.start()
        stop.wait(args.seconds)
        stop.set()
        elapsed = time.monotonic() - began  # the window; requests sent in it still count
        for t in threads:
            t.join(args.timeout + 5)
        exited = procs.exited()  # a server that died during the run fails it below
        sign_out_all(clients)
        clients = []
    finally:
        for c in clients:
            c.close()
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)

    rows = summarise(stats, [r.name for r in routes] + [WRITE_ROUTE], elapsed)
    print()
    think = f", pausing {args.think:g} s" if args.think else ""
    print(
        f"Jahesh load: {args.clients} clients{think} + 1 writer, {elapsed:.0f} s, "
        f"{args.db}, layout {args.layout}"
    )
    for line in layout:
        print(f"  {line}")
    print()
    print_table(rows)
    for name in [r.name for r in routes] + [WRITE_ROUTE]:
        for problem, count in stats.samples[name].most_common(3):
            print(f"  {name}: {count} × {problem}")
    logged = exceptions_in_logs(logs)
    if logged:
        print(f"\nexceptions in the servers' logs ({logs}):")
        for text, count in logged.most_common(8):
            print(f"  {count:>5} × {text}")
    results = check_targets(rows)
    for text in exited:
        print(f"\n{text}")
        results.append((f"{text.splitlines()[0].rstrip(':')} during the run", False))
    print()
    for text, ok in results:
        note = (
            ""
            if ok or not (args.smoke and text.startswith("dashboard p95"))
            else " (smoke: not judged)"
        )
        print(f"  {'PASS' if ok else 'FAIL'}  {text}{note}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "args": {k: str(v) for k, v in vars(args).items()},
                    "layout": layout,
                    "rows": rows,
                    "targets": [{"target": t, "ok": ok} for t, ok in results],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    # A smoke run (3 clients for 5 s, CI) checks that the bench and the servers work
    # and answer without an error; a latency ratio of so few requests on a shared
    # machine says nothing, so it is printed, not judged (as in bench/_smoke.py).
    judged = [r for r in results if not (args.smoke and r[0].startswith("dashboard p95"))]
    failed = not all(ok for _, ok in judged)
    return 1 if failed and not args.report_only else 0


# --- One route at a time (issue 12's throughput rows) ------------------------------

HEALTHZ = "healthz /healthz"
PER_ROUTE = (HEALTHZ, "dashboard /reports/", "units /units/", "kpis custom period")
# Issue 12: each route's requests/s under the same load, beside /healthz's.
PER_ROUTE_TARGETS = {"dashboard /reports/": 0.3, "units /units/": 0.4, "kpis custom period": 0.5}


def per_route(
    env: dict[str, str],
    *,
    port: int,
    clients: int,
    seconds: float,
    logs: Path,
    names: tuple[str, ...] = PER_ROUTE,
) -> dict[str, dict]:
    """``clients`` signed-in clients on one route at a time (``seconds`` each),
    against one ``jahesh serve`` on the database of ``env``: each route's row
    (requests/s, percentiles, errors), /healthz's among them."""
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    if not port_free(port):
        raise SetupError(f"port {port} is taken: choose another with --port")
    procs = Processes(logs)
    timeout = 60.0
    pool: list[Client] = []
    try:
        start_single(argparse.Namespace(port=port), env, procs)
        # One sign-in through the form and one API token, shared by every client
        # (a login costs about a second of password hashing; the sessions are alike).
        first = Client("127.0.0.1", port, timeout)
        first.sign_in()
        first.token = first.fetch_token()
        pool = [first]
        for _ in range(clients - 1):
            c = Client("127.0.0.1", port, timeout)
            c.cookies, c.token = dict(first.cookies), first.token
            pool.append(c)
        by_name = {r.name: r for r in read_routes(datetime.date.today())}
        rows = {}
        for name in names:
            route = by_name[name]
            warm_up_pool(pool, route)
            if name == HEALTHZ or HEALTHZ not in names:
                row = _run_slices(pool, [(route, seconds)], timeout)[name]
            else:
                # /healthz beside the route in the same seconds, in the order
                # healthz, route, healthz (a quarter, a half, a quarter), so a
                # load that grows or falls on a shared machine weighs on both alike
                healthz = by_name[HEALTHZ]
                quarter = [(healthz, seconds / 4), (route, seconds / 2), (healthz, seconds / 4)]
                found = _run_slices(pool, quarter, timeout)
                row = {**found[name], "healthz_rps": found[HEALTHZ]["rps"]}
            rows[route.name] = row
            beside = (
                f"  /healthz beside it {row['healthz_rps']:7.1f} req/s"
                if "healthz_rps" in row
                else ""
            )
            print(f"    {route.name:22} {row['rps']:7.1f} req/s  p50 {row['p50_ms']:7.0f} ms  "
                  f"errors {row['errors']}{beside}", flush=True)  # fmt: skip
        try:
            first.sign_out()
        except OSError:
            pass
        return rows
    finally:
        for c in pool:
            c.close()
        procs.stop_all()


def _run_slices(
    pool: list[Client], slices: list[tuple[Route, float]], timeout: float
) -> dict[str, dict]:
    """Every client on each route of ``slices`` in turn, for its seconds: each
    route's row over all its slices."""
    stats, elapsed = Stats(), collections.Counter()
    for route, seconds in slices:
        stop = threading.Event()
        threads = [
            threading.Thread(target=reader, args=(c, [route], i, stop, stats, 0.0), daemon=True)
            for i, c in enumerate(pool)
        ]
        began = time.monotonic()
        for t in threads:
            t.start()
        stop.wait(seconds)
        stop.set()
        for t in threads:
            t.join(timeout + 5)
        elapsed[route.name] += time.monotonic() - began
    return {name: summarise(stats, [name], seconds)[0] for name, seconds in elapsed.items()}


def run_per_route(args) -> int:
    """``--per-route``: the demo database, each route alone under ``--clients``
    clients, its requests/s beside /healthz's from the same run."""
    env = server_env(args)
    prepare(args, env)
    print(f"{args.clients} clients, {args.seconds:g} s per route, {args.db} …", flush=True)
    rows = per_route(env, port=args.port, clients=args.clients, seconds=args.seconds,
                     logs=args.var / "logs")  # fmt: skip
    print(f"\n{'route':24} {'req/s':>8} {'/healthz':>9} {'ratio':>7} {'target':>7}  verdict")
    failed = False
    for name, row in rows.items():
        health = row.get("healthz_rps", rows[HEALTHZ]["rps"])
        ratio = row["rps"] / health if health else 0.0
        bound = PER_ROUTE_TARGETS.get(name)
        ok = bound is None or ratio >= bound
        failed |= not ok or bool(row["errors"] or row["timeouts"])
        target = f">= {bound:g}x" if bound else ""
        verdict = "" if bound is None else ("PASS" if ok else "FAIL")
        print(f"{name:24} {row['rps']:8.1f} {health:9.1f} {ratio:6.2f}x {target:>7}  {verdict}")
    if args.json:
        args.json.write_text(json.dumps({"per_route": rows}, ensure_ascii=False, indent=2))
    return 1 if failed and not args.report_only and not args.smoke else 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A SIGTERM (CI cancelling the job) unwinds like Ctrl+C, through the finally
    # that stops the servers.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run_per_route(args) if args.per_route else run(args)
    except SetupError as exc:
        print(f"bench/load.py: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("bench/load.py: interrupted; every process it started is stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
