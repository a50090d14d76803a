"""``core.prepared.planned_rows``: a statement with named values, run as it is
(SQLite) or with PostgreSQL's own placeholders worked out once per text and
prepared on the connection: the same rows as Django's own cursor gives."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jahesh.core import prepared

pytestmark = pytest.mark.django_db

SQL = (
    "SELECT CAST(%(a)s AS INTEGER) + 1, CAST(%(b)s AS INTEGER), CAST(%(a)s AS INTEGER) * 10,"
    " '10%%' UNION ALL SELECT CAST(%(b)s AS INTEGER), 0, 0, 'x'"
)


def test_numbered_names_each_value_once_in_first_order():
    text, names = prepared._numbered(SQL)
    assert names == ("a", "b")
    assert text == (
        "SELECT CAST($1 AS INTEGER) + 1, CAST($2 AS INTEGER), CAST($1 AS INTEGER) * 10,"
        " '10%' UNION ALL SELECT CAST($2 AS INTEGER), 0, 0, 'x'"
    )
    assert prepared._numbered("SELECT 1") == ("SELECT 1", ())


def test_rows_equal_djangos_cursor():
    params = {"a": 4, "b": 7}
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        expected = cursor.fetchall()
    assert [tuple(row) for row in expected] == [(5, 7, 40, "10%"), (7, 0, 0, "x")]
    for a in (4, -2):  # the same text again, other values
        rows = prepared.planned_rows(SQL, {"a": a, "b": 7})
        assert [tuple(row) for row in rows] == [(a + 1, 7, a * 10, "10%"), (7, 0, 0, "x")]


def test_logged_with_its_values():
    with CaptureQueriesContext(connection) as queries:
        prepared.planned_rows(SQL, {"a": 3, "b": 9})
    assert len(queries) == 1
    logged = queries[0]["sql"]
    assert "%(" not in logged and "$1" not in logged
    assert "3" in logged and "9" in logged


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_prepared_once_on_the_connection():
    statement = "SELECT CAST(%(n)s AS INTEGER) * 2 AS planned_rows_probe"
    for n in (1, 2, 3):
        assert prepared.planned_rows(statement, {"n": n}) == [(n * 2,)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%planned_rows_probe%"],
        )
        assert cursor.fetchone()[0] == 1


def test_positional_values_each_their_own_number():
    sql = "SELECT CAST(%s AS INTEGER), CAST(%s AS INTEGER) + CAST(%s AS INTEGER), '5%%'"
    assert prepared._numbered(sql) == (
        "SELECT CAST($1 AS INTEGER), CAST($2 AS INTEGER) + CAST($3 AS INTEGER), '5%'",
        (0, 1, 2),
    )
    assert [tuple(row) for row in prepared.planned_rows(sql, [2, 3, 4])] == [(2, 7, "5%")]
