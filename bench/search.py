"""Unit search through the trigram index (jahesh.core.search) at 1,000 and at
100,000 units, beside the old ``LIKE '%…%'`` filter, in the same run.

    uv run python bench/search.py [BIG]                  # SQLite under /tmp
    DATABASE_URL=postgres://root@127.0.0.1:5432/test uv run python bench/search.py
    uv run python bench/search.py --smoke                # 100 beside 400 units

Each search is what the unit list does for a page: ``unit_list(user, q)``, its
count and its first 50 rows (median of 7 after a warm-up), for the provincial
manager. Target (issue 12): search at BIG units within 2× of search at 1,000.
The baseline is the old path (``name_key__contains``) on the same rows; both
give the same ids (checked). Each unit's name carries a word of its own, so a
query for one unit's word finds a handful of rows at any size, as a person
searching for a unit does. With DATABASE_URL set the script creates a
throwaway database ``jahesh_bench_search`` on that server and drops it after.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import tempfile
import time

from _smoke import SMOKE, args, var_dir

BENCH_DB = "jahesh_bench_search"
BIG = int(args()[0]) if args() else (400 if SMOKE else 100_000)
SMALL = 100 if SMOKE else 1_000
RUNS = 1 if SMOKE else 7
PAGE = 50
TARGET = 2.0
KINDS = ["شرکت فولاد", "کارخانه قند", "گلخانه", "دامداری", "معدن سنگ", "کارگاه فرش"]
SYLLABLES = ["با", "رو", "سی", "نا", "مه", "کو", "تا", "لی", "دو", "زر", "پا", "شی"]


def own_word(i: int) -> str:
    """A word of unit ``i``'s own (base-12 syllables), so it is searchable alone."""
    word = ""
    while True:
        i, digit = divmod(i, len(SYLLABLES))
        word += SYLLABLES[digit]
        if not i:
            return word + "ان"


# Queries: one unit's own word (a few rows at any size), a name with a digit
# that no unit has (none), and a Persian spelling variant (ي/ك) of one unit's.
QUERIES = [
    ("one unit's word", own_word(77) + " "),
    ("no match", "فولاد ۴۲"),
    ("Arabic ي/ك variant", "كارخانه قند " + own_word(67).replace("ی", "ي")),
]


def _prepare() -> tuple[str, object]:
    var = var_dir(tempfile.mkdtemp(prefix="jahesh-bench-search-"))
    os.environ["JAHESH_VAR"] = var
    os.environ["DJANGO_SETTINGS_MODULE"] = "jahesh.settings"
    url = os.environ.get("DATABASE_URL")
    if not url or SMOKE:
        os.environ.pop("DATABASE_URL", None)
        return "sqlite", lambda: None
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    info = {"dbname": "postgres", "user": cfg["USER"], "host": cfg["HOST"], "port": cfg["PORT"]}
    info = {k: v for k, v in info.items() if v}
    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    from urllib.parse import urlsplit, urlunsplit

    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))

    def cleanup() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(**info, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        shutil.rmtree(var, ignore_errors=True)

    return "postgresql", cleanup


def setup():
    from django.core.management import call_command

    from jahesh.accounts.models import User
    from jahesh.geo.models import County, Province

    call_command("migrate", verbosity=0)
    markazi = Province.objects.create(id=28, name="مرکزی", name_key="مرکزی")
    County.objects.create(id=1, name="اراک", name_key="اراک", province=markazi)
    return User.objects.create_user("hq", password="x", role="hq_manager", province=markazi)


def grow(to: int) -> None:
    """Insert units up to ``to`` (bulk: this measures reading); the index follows
    through its triggers (SQLite) or the GIN index (PostgreSQL)."""
    from django.db import connection

    from jahesh.core.search import indexes_settle
    from jahesh.core.text import normalize_key
    from jahesh.units.models import Unit

    rng = random.Random(to)
    have = Unit.objects.count()
    batch = []
    for i in range(have, to):
        name = f"{KINDS[i % 6]} {own_word(i)}"
        batch.append(Unit(
            name=name, name_key=normalize_key(name), sector="industry", county_id=1,
            province_id=28, isic_code="2410", isic_division="24", isic_section="C",
            employees=rng.randint(1, 500), status="active", risk_score=rng.randint(0, 100),
        ))  # fmt: skip
        if len(batch) == 5000:
            Unit.objects.bulk_create(batch)
            batch = []
    Unit.objects.bulk_create(batch)
    indexes_settle()  # as a bulk load does (reports.facts.paused)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _old(user, q: str):
    """The list's queryset with the filter it had before the index."""
    from django.db.models import Q

    from jahesh.core.text import normalize_key
    from jahesh.units import selectors

    key = normalize_key(q)
    return selectors.unit_list(user=user).filter(
        Q(name_key__contains=key) | Q(code=key.upper()) | Q(code=key)
    )


def _page(qs, *, no_index: bool = False) -> tuple[int, list[int]]:
    """The list's count and first page. ``no_index``: as before the migration (on
    PostgreSQL the trigram index serves the old LIKE too; GIN scans are bitmap
    scans, so turning those off leaves the plan the old schema had)."""
    from django.db import connection, transaction

    with transaction.atomic():
        if no_index and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
        return qs.count(), list(qs.values_list("pk", flat=True)[:PAGE])


def measure(user) -> dict[tuple[str, str], float]:
    from jahesh.units.selectors import unit_list

    found = {}
    for label, q in QUERIES:
        paths = {
            "index": lambda q=q: _page(unit_list(user=user, q=q)),
            "old LIKE": lambda q=q: _page(_old(user, q), no_index=True),
        }
        answers = {path: read() for path, read in paths.items()}
        assert answers["index"] == answers["old LIKE"], (label, answers)
        assert answers["index"][0] or label == "no match", (label, answers)
        for path, read in paths.items():
            times = []
            for _ in range(RUNS):
                t = time.perf_counter()
                read()
                times.append(time.perf_counter() - t)
            found[(label, path)] = statistics.median(times) * 1000
    return found


def main() -> None:
    vendor, cleanup = _prepare()
    import django

    django.setup()
    try:
        user = setup()
        grow(SMALL)
        small = measure(user)
        t = time.perf_counter()
        grow(BIG)
        print(f"{vendor}: grew to {BIG:,} units in {time.perf_counter() - t:.1f} s")
        big = measure(user)
    finally:
        cleanup()
    head = f"{'median ms (count + first page)':40}{f'{SMALL:,}':>10}{f'{BIG:,}':>10}{'ratio':>8}"
    print(f"\n{head}  target ≤ {TARGET:g}× for the index")
    worst = 0.0
    for key in small:
        ratio = big[key] / small[key]
        if key[1] == "index":
            worst = max(worst, ratio)
        row = f"{key[0] + ', ' + key[1]:40}{small[key]:>10.2f}{big[key]:>10.2f}{ratio:>7.1f}×"
        print(row)
    verdict = "OK" if worst <= TARGET else "ABOVE TARGET"
    print(f"\nworst index ratio {worst:.1f}× (target ≤ {TARGET:g}×): {verdict}")


if __name__ == "__main__":
    main()
