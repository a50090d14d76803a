"""What one signed-in read costs the database (issue 12): the statements of a
kept page and of the KPI API, counted, none of them a write. The session, the
user and an API token are read on every request (the session and its user in
one statement once the process has read that session; a kept KPI answer's
data version in that same statement) (a logout, a deactivation or a
revocation counts on the next one); nothing else is read that the answer does
not need."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jahesh.accounts.models import ApiToken
from jahesh.reports import facts
from tests.reports.test_reads import WRITES

CUSTOM = "/api/v1/kpis?from=2024-01-05&to=2025-02-07"
TABLE = re.compile(r'\bFROM "?(\w+)"?', re.I)


def _tables(queries) -> list[str]:
    """The first table each statement reads, in order."""
    return [TABLE.search(q["sql"]).group(1) for q in queries]  # type: ignore[union-attr]


@pytest.fixture
def built(world):
    facts.refresh()
    return world


@pytest.mark.parametrize("path", ["/reports/", "/units/"])
def test_a_kept_page_reads_the_session_with_its_user_and_one_version(
    built, cached, users, client_for, path
):
    client = client_for(users["hq"])
    assert client.get(path).status_code == 200  # rendered and kept
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    # the session with its user beside it (core.sessions: the process has read it once)
    assert _tables(ctx.captured_queries) == ["django_session", "reports_staleplace"]
    assert "accounts_user" in ctx.captured_queries[0]["sql"]
    assert [q["sql"] for q in ctx.captured_queries if WRITES.match(q["sql"])] == []


def test_the_kpi_api_for_a_custom_period_reads_three_statements(built, users, client_for, settings):
    settings.JAHESH_DASHBOARD_CACHE_SECONDS = (
        0  # as bench/reports_national.py serves it: a first read
    )
    client = client_for(users["hq"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CUSTOM)
    assert response.status_code == 200 and response.json()["scope"]["province"] is not None
    # session, user, which periods are kept with which places are marked and the day sums
    assert _tables(ctx.captured_queries) == [
        "django_session", "accounts_user", "reports_factperiod",
    ]  # fmt: skip
    assert "reports_monthbalance" in ctx.captured_queries[-1]["sql"]
    assert [q["sql"] for q in ctx.captured_queries if WRITES.match(q["sql"])] == []


def test_a_token_read_reads_its_token_once_and_writes_nothing_between_uses(
    built, users, api_client_for, settings
):
    settings.JAHESH_DASHBOARD_CACHE_SECONDS = 0
    client = api_client_for(users["hq"])
    assert client.get(CUSTOM).status_code == 200  # its first use: kept in the cache
    used = ApiToken.objects.get(user=users["hq"]).last_used_at
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CUSTOM)
    assert response.status_code == 200
    # the token with its user (one join), the period with the marks and the day sums
    assert _tables(ctx.captured_queries) == ["accounts_apitoken", "reports_factperiod"]
    assert [q["sql"] for q in ctx.captured_queries if WRITES.match(q["sql"])] == []
    assert ApiToken.objects.get(user=users["hq"]).last_used_at == used


def test_a_kept_kpi_answer_reads_the_session_its_user_and_its_version_in_one_statement(
    built, cached, users, client_for
):
    client = client_for(users["hq"])
    first = client.get(CUSTOM)
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(CUSTOM)
    assert second.json() == first.json() and second.status_code == 200
    # the session, its user beside it and the area's data version riding on it (reports.api)
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert all(f'FROM "{t}"' in sql for t in ("django_session", "reports_staleplace"))
    assert 'JOIN "accounts_user"' in sql
