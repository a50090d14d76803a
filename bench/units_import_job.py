"""A 100,000-row units CSV imported over HTTP: in the request (the baseline, as
every import ran before background jobs), as an API job, and through the web
page, in the same run against ``jahesh serve`` and one ``jahesh db_worker``.

    uv run python bench/units_import_job.py [ROWS] [--port 18450]
    uv run python bench/units_import_job.py --smoke   # 60 rows, jobs from 20 rows up

The smoke run (CI) serves on ``$JAHESH_BENCH_PORT`` or a free port of the
machine, and makes files of more than 20 rows jobs, so both paths still run.

Prints, per path: the time until the answer (the report, the 202, or the
preview and the redirect to the job), the total time until the report, rows/s,
and how many distinct progress figures a poller saw (the API client polls
every 0.25 s, the page every 1.5 s as its HTMX fragment does). A throwaway
SQLite database under /tmp/jahesh-bench-units (units_import.py's).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import units_import as bench  # sets up Django on the throwaway database
from _smoke import SMOKE


def _port() -> int:
    if "--port" in sys.argv:
        return int(sys.argv[sys.argv.index("--port") + 1])
    if not SMOKE:
        return 18450
    if os.environ.get("JAHESH_BENCH_PORT"):
        return int(os.environ["JAHESH_BENCH_PORT"])
    with socket.socket() as sock:  # CI: any free port
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = _port()
ARGS = [a for a in sys.argv[1:] if not a.startswith("--") and a != str(PORT)]
ROWS = int(ARGS[0]) if ARGS else (60 if SMOKE else 100_000)
# The smoke run's files are small: jobs from 20 rows up, so both paths run.
JOBS_FROM = {"JAHESH_IMPORT_SYNC_ROWS": "20"} if SMOKE else {}
JAHESH = str(Path(sys.executable).with_name("jahesh"))


def write_csv(path: Path) -> None:
    lines = ["نام واحد,شناسه ملی,شهرستان,بخش اقتصادی,کد آیسیک,تعداد کارکنان,وضعیت,تلفن همراه"]
    for i in range(ROWS):
        lines.append(
            f"شرکت تولیدی نمونه {i},{bench._nid(i) or ''},{bench.COUNTIES[i % 12]},"
            f"{bench.SECTORS[i % 5]},{bench.ISIC[i % 8]},{5 + i % 300},{bench.STATUSES[i % 4]},"
            f"0912{i % 10_000_000:07d}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def multipart(fields: dict[str, str], file: tuple[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    name, data = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Http:
    def __init__(self, headers: dict[str, str]) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
        self.headers = headers

    def request(self, method: str, url: str, body: bytes | None = None, **headers: str):
        self.conn.request(method, url, body=body, headers={**self.headers, **headers})
        response = self.conn.getresponse()
        return response.status, response.getheader("Location"), response.read()


def start(env: dict[str, str], *, worker: bool) -> list[subprocess.Popen]:
    env = {**os.environ, **env}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [
        # The bench starts the worker itself (quicker polling), or none for the baseline.
        subprocess.Popen(
            [JAHESH, "serve", "--port", str(PORT), "--workers", "2", "--no-worker"],
            env=env,
            **quiet,
        )  # fmt: skip
    ]
    if worker:
        procs.append(subprocess.Popen([JAHESH, "db_worker", "--interval", "0.2", "--no-startup-delay"],
                                      env=env, **quiet))  # fmt: skip
    for _ in range(300):
        try:
            Http({}).request("GET", "/healthz")
            return procs
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=60)


def clear_units() -> None:
    from jahesh.units.models import Unit

    # Straight SQL: the ORM's delete collects and signals 100,000 units one by one.
    for qs in (Unit.history.all(), Unit.objects.all()):
        qs._raw_delete(qs.db)


def post_import(api: Http, name: str, data: bytes, expect: int) -> tuple[float, dict]:
    """POST ``data`` to the units import API: (seconds until the answer, its JSON)."""
    body, ctype = multipart({}, (name, data))
    started = time.perf_counter()
    status, _loc, answer = api.request(
        "POST", "/api/v1/units/import", body, **{"Content-Type": ctype}
    )
    seconds = time.perf_counter() - started
    assert status == expect, (status, answer[:300])
    return seconds, json.loads(answer)


def warm_up(api: Http) -> None:
    """One import of a header-only file, so neither path pays for a cold worker."""
    post_import(api, "empty.csv", "نام واحد,شهرستان,بخش اقتصادی\n".encode(), 200)


def baseline(api: Http, data: bytes) -> dict:
    warm_up(api)
    started = time.perf_counter()
    try:
        seconds, report = post_import(api, "units.csv", data, 200)
    except (http.client.HTTPException, OSError) as error:
        # gunicorn kills a request after 120 s: the reason imports became jobs.
        seconds = time.perf_counter() - started
        print(f"in-request import cut off after {seconds:.1f} s ({error!r})", flush=True)
        return {"answer": seconds, "total": seconds, "updates": 0}
    assert report["created"] == ROWS, report
    return {"answer": seconds, "total": seconds, "updates": 0}


def api_job(api: Http, data: bytes) -> dict:
    warm_up(api)
    started = time.perf_counter()
    answered, queued = post_import(api, "units.csv", data, 202)
    url = queued["status_url"]
    seen = set()
    while True:
        job = json.loads(api.request("GET", url)[2])
        seen.add(job["progress"]["done"])
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.25)
    total = time.perf_counter() - started
    assert job["status"] == "done" and job["report"]["created"] == ROWS, job
    return {"answer": answered, "total": total, "updates": len(seen - {0, ROWS})}


def web_job(page: Http, data: bytes) -> dict:
    status, _loc, html = page.request("GET", "/units/import/")
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()
    body, ctype = multipart({"csrfmiddlewaretoken": csrf}, ("units.csv", data))
    started = time.perf_counter()
    status, _loc, html = page.request("POST", "/units/import/", body, **{"Content-Type": ctype})
    previewed = time.perf_counter() - started
    assert status == 200 and b'name="token"' in html, (status, html[-2000:])
    token = re.search(rb'name="token" value="([0-9a-f]+)"', html).group(1).decode()
    form = f"csrfmiddlewaretoken={csrf}&token={token}".encode()
    confirmed_at = time.perf_counter()
    status, location, _html = page.request(
        "POST", "/units/import/", form, **{"Content-Type": "application/x-www-form-urlencoded"}
    )
    redirected = time.perf_counter() - confirmed_at
    assert status == 302 and "?job=" in location, (status, location)
    fragment = f"/imports/{location.rsplit('=', 1)[1]}/"
    seen = set()
    while True:
        html = page.request("GET", fragment, **{"HX-Request": "true"})[2].decode()
        seen.add(re.search(r'aria-valuenow="(\d+)"', html).group(1))
        state = re.search(r'data-status="(\w+)"', html).group(1)
        if state in ("done", "failed"):
            break
        time.sleep(1.5)
    total = time.perf_counter() - started
    assert state == "done" and "hx-trigger" not in html, html[:2000]
    return {"answer": previewed, "redirect": redirected, "total": total,
            "updates": len(seen - {"0", "100"})}  # fmt: skip


def main() -> None:
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from jahesh.accounts.services import api_token_issue

    user = bench.setup_db()
    token = api_token_issue(user=user)
    browser = Client()
    browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    path = bench.VAR / "units.csv"
    write_csv(path)
    data = path.read_bytes()
    print(f"{ROWS:,} rows, {len(data) / 1e6:.1f} MB CSV; jahesh serve (2 workers) on :{PORT}")
    api_headers = {"Authorization": f"Bearer {token}"}

    procs = start({"JAHESH_IMPORT_SYNC_ROWS": str(10**9)}, worker=False)
    try:
        base = baseline(Http(api_headers), data)
        print(f"baseline in the request: {base['total']:.1f} s", flush=True)
    finally:
        stop(procs)
    clear_units()
    procs = start(JOBS_FROM, worker=True)
    try:
        api = api_job(Http(api_headers), data)
        print(f"API job: 202 in {api['answer']:.2f} s, done in {api['total']:.1f} s", flush=True)
        clear_units()
        # Django's CSRF check wants the cookie's secret behind the form's token.
        csrf = _get_new_csrf_string()
        page = Http({"Cookie": f"sessionid={browser.cookies['sessionid'].value}; csrftoken={csrf}"})
        web = web_job(page, data)
    finally:
        stop(procs)

    print(f"\n{'':38}{'answer s':>10}{'total s':>9}{'rows/s':>9}{'progress seen':>15}")
    for label, r in (("baseline: in the request (API)", base), ("API: 202 + job on db_worker", api),
                     ("web page: preview, confirm, job", web)):  # fmt: skip
        print(
            f"{label:38}{r['answer']:>10.2f}{r['total']:>9.1f}{ROWS / r['total']:>9,.0f}{r['updates']:>15}"
        )
    print(f"\nweb page: preview of the first 5,000 rows {web['answer']:.2f} s, "
          f"confirm → redirect to the job {web['redirect']:.2f} s")  # fmt: skip
    print(f"API answers in {api['answer']:.2f} s instead of {base['answer']:.1f} s "
          f"({base['answer'] / api['answer']:.0f}× sooner); the job takes "
          f"{api['total'] / base['total']:.2f}× the in-request time end to end")  # fmt: skip


if __name__ == "__main__":
    main()
