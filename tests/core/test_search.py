"""Search through the trigram index (jahesh.core.search): the same rows as a
plain filter over the normalised key, answered by the index, on both backends."""

from __future__ import annotations

import pytest
from django.db import connection

from jahesh.core import search
from jahesh.core.search import search_q
from jahesh.core.text import normalize_key
from jahesh.units import services
from jahesh.units.models import Unit

NAMES = [
    "شركت مي‌سازان اراك",  # Arabic kaf/yeh and a ZWNJ
    "شرکت می سازان اراک",
    "میسازان",  # no separator: a different key
    "کارخانه قند ۲ ساوه",  # Persian digit
    "کارخانه قند 22 ساوه",
    "گلخانهٔ  امید",  # heh with hamza, double space
    "Steel Co. 404",
    'دامداری "نمونه" ۱۰۰٪',  # a double quote: FTS5's own syntax must not see it
]
QUERIES = [
    "ک", "2", "۲۲", "قن", "مي", "کار", "۴۰۴", "steel", "STEEL co", "می‌سازان", "مي سازان",
    "سازان اراك", "میسازان", "قند 2", "قند ۲ ", "گلخانه امید", '"نمونه"', "ونه\" ۱", "نیست",
    "شرکت می سازان اراک بزرگ", "  ", "\u200c",
]  # fmt: skip
INDEXED = [
    ("units_unit", "name_key"),
    ("volunteers_volunteer", "search_key"),
    ("funds_member", "name_key"),
    ("projects_project", "title_key"),
]


@pytest.fixture
def units(users, geo):
    return [
        services.unit_create(user=users["admin"], county=geo["arak"], name=n, sector="industry")
        for n in NAMES
    ]


def _found(query: str) -> list[int]:
    return sorted(
        Unit.objects.filter(search_q(Unit, "name_key", query)).values_list("pk", flat=True)
    )


def _expected(query: str) -> list[int]:
    key = normalize_key(query)
    return sorted(u.pk for u in Unit.objects.all() if key in u.name_key)


@pytest.mark.parametrize("query", QUERIES)
def test_it_finds_the_rows_a_filter_over_the_key_finds(units, query):
    assert _found(query) == _expected(query)


def test_it_finds_what_the_spellings_share(units):
    # given the same name with Arabic letters and a ZWNJ, and with Persian letters
    # and a space; when searched either way; then both are found, «میسازان» not
    both = sorted([units[0].pk, units[1].pk])
    assert _found("شرکت مي‌سازان") == both
    assert _found("شرکت می سازان") == both
    assert _found("ندارد") == []


def test_it_answers_three_characters_or_more_from_the_index(units):
    qs = Unit.objects.filter(search_q(Unit, "name_key", "سازان"))
    sql = str(qs.query)
    compiled, params = qs.query.sql_with_params()
    if connection.vendor == "sqlite":
        assert "fts_units_unit__name_key" in sql and "MATCH" in sql
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {compiled}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "VIRTUAL TABLE INDEX" in plan, plan
    else:
        assert "LIKE" in sql
        with connection.cursor() as cursor:
            # no scan of the table or the primary key: only an index with a
            # condition (a bitmap scan) is left, and only the trigram one has it
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("SET enable_indexscan = off")
            cursor.execute(f"EXPLAIN {compiled}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")
        assert "Bitmap Index Scan on units_unit_name_key_trgm" in plan, plan


def test_it_keeps_the_plain_filter_below_three_characters(units):
    sql = str(Unit.objects.filter(search_q(Unit, "name_key", "قن")).query)
    assert "fts_" not in sql and "LIKE" in sql
    assert _found("قن") == sorted([units[3].pk, units[4].pk])


def test_it_follows_renames_and_deletes(units):
    # given a renamed unit and a deleted one
    units[3].name, units[3].name_key = "معدن سنگ", normalize_key("معدن سنگ")
    units[3].save()
    units[4].delete()
    # then the index answers with the rows as they are now
    assert _found("قند") == []
    assert _found("معدن سنگ") == [units[3].pk]
    assert _found("قند") == _expected("قند")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite keeps its index by triggers")
def test_it_rebuilds_the_index_after_a_migrate(units, users, geo):
    # given the triggers dropped (as before migrate) and a unit written meanwhile
    search.drop_triggers()
    unseen = services.unit_create(
        user=users["admin"], county=geo["arak"], name="معدن سنگ", sector="mining"
    )
    assert _found("معدن سنگ") == []
    # when the post-migrate hook runs; then the index holds it, and new writes too
    search.install_triggers(rebuild=True)
    assert _found("معدن سنگ") == [unseen.pk]
    later = services.unit_create(
        user=users["admin"], county=geo["arak"], name="معدن سنگ ۲", sector="mining"
    )
    assert _found("معدن سنگ") == [unseen.pk, later.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "column"), INDEXED)
def test_it_indexes_every_searchable_key(table, column):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE name = %s", [search.fts_table(table, column)]
            )
            (sql,) = cursor.fetchone()
            assert "trigram" in sql and f"content='{table}'" in sql.replace('"', "'")
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                [search.trgm_index(table, column)],
            )
            (sql,) = cursor.fetchone()
            assert "gin_trgm_ops" in sql and column in sql
            # a short pending list: searches soon after writes stay fast
            assert f"gin_pending_list_limit='{search.PENDING_LIST_KB}'" in sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN's pending list")
def test_it_files_a_bulk_loads_pending_entries(units):
    # given entries waiting in the trigram index's pending list
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('units_unit_name_key_trgm')")
        Unit.objects.filter(pk=units[0].pk).update(name_key="معدن سنگ")
        # when a bulk load ends; then none is left to file
        search.indexes_settle()
        cursor.execute("SELECT gin_clean_pending_list('units_unit_name_key_trgm')")
        assert cursor.fetchone()[0] == 0
    assert _found("معدن سنگ") == [units[0].pk]
