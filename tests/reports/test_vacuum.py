"""A refresh's VACUUM (ANALYZE) on PostgreSQL (``reports.facts.refresh._vacuumed``):
after the rewrite commits, the tables it rewrote are vacuumed, so the country's
day rows are read from the covering index alone (no heap fetch); inside a
transaction (tests', a caller's atomic block) it cannot run and is skipped."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jahesh.accounts.scoping import Area
from jahesh.reports import facts
from jahesh.reports.figures import kpi_values
from jahesh.reports.models import DayFact, Fact, MonthBalance, StalePlace

TODAY = datetime.date(2025, 3, 21)  # 1404/01/01, as tests/reports/test_facts.py
# A custom period (not a standard one): read from the day rows.
START, END = datetime.date(2024, 5, 2), datetime.date(2025, 2, 11)
TABLES = [model._meta.db_table for model in (MonthBalance, DayFact, Fact)]


def test_a_refresh_inside_a_transaction_writes_the_rows_and_vacuums_nothing(world):
    # given the test's transaction (an atomic block), where VACUUM cannot run
    assert connection.in_atomic_block
    StalePlace.objects.all().delete()
    # when the table is refreshed, then it is written and nothing is vacuumed
    report = facts.refresh(today=TODAY)
    assert report.vacuumed == []
    assert report.periods == 26 and DayFact.objects.count() > 0
    assert kpi_values(area=Area(), start=START, end=END)["units_monitored"] == 4


def _scans(plan: dict) -> Iterator[dict]:
    """Every node of an EXPLAIN (FORMAT JSON) plan."""
    yield plan
    for child in plan.get("Plans", []):
        yield from _scans(child)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM and index-only scans")
@pytest.mark.django_db(transaction=True)
def test_a_refresh_vacuums_its_tables_so_the_country_reads_its_day_rows_from_the_index(world):
    # given the world's records committed, outside any transaction
    assert not connection.in_atomic_block
    StalePlace.objects.all().delete()
    # when the table is refreshed
    report = facts.refresh(today=TODAY)
    # then the three rewritten tables were vacuumed and analyzed after the commit
    assert report.vacuumed == TABLES
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, vacuum_count, analyze_count FROM pg_stat_user_tables"
            " WHERE relname = ANY(%s) ORDER BY relname",
            [TABLES],
        )
        stats = cursor.fetchall()
    assert [name for name, _v, _a in stats] == sorted(TABLES)
    assert all(vacuums >= 1 and analyzes >= 1 for _n, vacuums, analyzes in stats)
    # and the country's read of a custom period scans the day rows' index only,
    # without a row fetched from the table (the pages are all-visible)
    with CaptureQueriesContext(connection) as queries:
        assert kpi_values(area=Area(), start=START, end=END)["units_monitored"] == 4
    read = next(q["sql"] for q in queries if DayFact._meta.db_table in q["sql"])
    with connection.cursor() as cursor:
        # the world is small: the planner would read its few pages whole
        cursor.execute("SET enable_seqscan = off; SET enable_bitmapscan = off")
        try:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + read)
            (plan,) = cursor.fetchone()[0]
        finally:
            cursor.execute("RESET enable_seqscan; RESET enable_bitmapscan")
    day_scans = [
        (node["Node Type"], node.get("Heap Fetches"))
        for node in _scans(plan["Plan"])
        if node.get("Relation Name") == DayFact._meta.db_table
    ]
    assert day_scans and set(day_scans) == {("Index Only Scan", 0)}
