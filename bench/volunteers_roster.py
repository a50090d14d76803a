"""Roster entry: saving 200 volunteers at a camp in one post, beside 20.

    uv run python bench/volunteers_roster.py
    uv run python bench/volunteers_roster.py --smoke   # one save per size; time not judged

A throwaway SQLite under /tmp/jahesh-bench-volunteers (migrated here). For each
size it saves a fresh camp's roster five times (the page's POST, through the
view, and the service alone) and prints the median time, the time per row and
the number of queries, side by side. Same order of time per row at 20 and 200
means the save is a constant number of queries (plus SQLite's insert batches
of ~80 rows) and linear Python work.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from datetime import date

from _smoke import SMOKE, var_dir

VAR = var_dir("/tmp/jahesh-bench-volunteers")
os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
os.environ["JAHESH_VAR"] = VAR
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


class CountQueries:
    """Counts statements (Django resets connection.queries per request, so
    CaptureQueriesContext sees none inside a test client request)."""

    def __enter__(self):
        self.n = 0
        self._cm = connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


SIZES = (20, 200)
REPEAT = 1 if SMOKE else 5


def setup():
    from jahesh.accounts.models import User
    from jahesh.core.text import normalize_key
    from jahesh.geo.models import County, Province, Village
    from jahesh.volunteers.models import Credential, CredentialKind, Skill, Volunteer
    from jahesh.volunteers.national_codes import national_code_for
    from jahesh.volunteers.selectors import volunteer_search_key

    p = Province.objects.create(id=28, name="مرکزی", name_key="مرکزی")
    c = County.objects.create(id=19, name="اراک", name_key="اراک", province=p)
    Village.objects.create(
        id=1, name="روستا", name_key="روستا", province=p, county=c, is_deprived=True
    )
    user = User(username="coordinator", role="volunteer_coordinator", province=p)
    user.set_password("x-bench-pass")
    user.save()
    kind = CredentialKind.objects.create(code="medical_licence", name="پروانهٔ پزشکی")
    doctor = Skill.objects.create(
        name="پزشک", name_key="پزشک", hourly_rate_rial=2_500_000, credential_kind=kind
    )
    builder = Skill.objects.create(
        name="بنا", name_key=normalize_key("بنا"), hourly_rate_rial=900_000
    )
    people = []
    for n in range(1, max(SIZES) + 1):
        code = national_code_for(n)
        people.append(
            Volunteer(
                national_code=code,
                first_name="علی",
                last_name=f"نمونه {n}",
                gender="male",
                county=c,
                registered_on=date(2022, 1, 1),
                search_key=volunteer_search_key(
                    first_name="علی", last_name=f"نمونه {n}", national_code=code, mobile=""
                ),
            )
        )
    Volunteer.objects.bulk_create(people)
    people = list(Volunteer.objects.order_by("id"))
    # One in four is a doctor with a valid licence: the credential check runs on them.
    Credential.objects.bulk_create(
        [Credential(volunteer=v, kind=kind, expires_on=date(2030, 1, 1)) for v in people[::4]]
    )
    skill_of = {v.pk: (doctor if i % 4 == 0 else builder) for i, v in enumerate(people)}
    return user, people, skill_of


def new_camp(i):
    from jahesh.volunteers.models import Camp

    return Camp.objects.create(
        title=f"اردو {i}",
        purpose="medical",
        county_id=19,
        village_id=1,
        start_date=date(2024, 5, 1),
        end_date=date(2024, 5, 5),
    )


def time_service(user, people, skill_of, n, k):
    from jahesh.volunteers.services import RosterRow, roster_save

    camp = new_camp(f"s{n}-{k}")
    rows = [RosterRow(v.national_code, skill_of[v.pk].pk, 8) for v in people[:n]]
    with CountQueries() as q:
        t = time.perf_counter()
        roster_save(actor=user, camp=camp, rows=rows)
        elapsed = time.perf_counter() - t
    return elapsed, q.n


def time_page(client, people, skill_of, n, k):
    from django.urls import reverse

    camp = new_camp(f"p{n}-{k}")
    data = {
        "source": "coordinator",
        "nc": [v.national_code for v in people[:n]],
        "skill": [str(skill_of[v.pk].pk) for v in people[:n]],
        "hours": ["8"] * n,
    }
    url = reverse("volunteers:roster", args=[camp.pk])
    with CountQueries() as q:
        t = time.perf_counter()
        response = client.post(url, data)
        elapsed = time.perf_counter() - t
    assert response.status_code == 302, response.status_code
    t = time.perf_counter()
    assert client.get(url).status_code == 200  # the form with n filled rows
    get_elapsed = time.perf_counter() - t
    return elapsed, q.n, get_elapsed


def main() -> int:
    print("migrating a throwaway SQLite …", flush=True)
    call_command("migrate", verbosity=0)
    user, people, skill_of = setup()
    client = Client()
    client.force_login(user)
    results = {}
    for n in SIZES:
        svc = [time_service(user, people, skill_of, n, k) for k in range(REPEAT)]
        page = [time_page(client, people, skill_of, n, k) for k in range(REPEAT)]
        results[n] = {
            "service": statistics.median(s[0] for s in svc),
            "service_q": svc[0][1],
            "post": statistics.median(p[0] for p in page),
            "post_q": page[0][1],
            "get": statistics.median(p[2] for p in page),
        }
    a, b = results[SIZES[0]], results[SIZES[1]]
    print(f"\nroster save (median of {REPEAT}; SQLite; {os.cpu_count()} CPUs)")
    print(f"{'':34}{SIZES[0]:>14}{SIZES[1]:>14}{'ratio':>9}")
    for key, label in (
        ("service", "service roster_save, s"),
        ("post", "page POST (all rows), s"),
        ("get", "page GET (filled form), s"),
    ):
        print(f"{label:34}{a[key]:>14.3f}{b[key]:>14.3f}{b[key] / a[key]:>9.1f}")
    for key, label in (("service", "service, ms per row"), ("post", "page POST, ms per row")):
        print(
            f"{label:34}{1000 * a[key] / SIZES[0]:>14.2f}{1000 * b[key] / SIZES[1]:>14.2f}"
            f"{(b[key] / SIZES[1]) / (a[key] / SIZES[0]):>9.2f}"
        )
    print(f"{'queries, service':34}{a['service_q']:>14}{b['service_q']:>14}")
    print(f"{'queries, page POST':34}{a['post_q']:>14}{b['post_q']:>14}")
    # Queries grow only by SQLite's batches of bulk inserts (999 parameters a statement).
    few_queries = b["post_q"] <= a["post_q"] + 10
    same_order = (b["post"] / SIZES[1]) <= 2 * (a["post"] / SIZES[0])
    print("\nsame order of time per row:", "yes" if same_order else "NO")
    print("queries grow only by insert batches:", "yes" if few_queries else "NO")
    # A smoke run (one save per size) judges the query count, not the time.
    return 0 if few_queries and (same_order or SMOKE) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(VAR, ignore_errors=True)
