"""A signed-in request's first read (its session, its user, its API token:
``core.prepared``) stands for the kept connection's health check: no
``SELECT 1`` before it, and a connection found dead by it is replaced and the
read made again, as after a failed check. Anonymous requests (``/healthz``)
keep Django's check."""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError, ProgrammingError, connection

from jahesh.accounts.models import User
from jahesh.accounts.roles import Role
from jahesh.core import prepared

pytestmark = pytest.mark.django_db(transaction=True)  # the health check is skipped in a transaction


@pytest.fixture
def checks(monkeypatch) -> list[bool]:
    """The health checks made (``is_usable``'s answers)."""
    made: list[bool] = []
    usable = connection.is_usable

    def counted() -> bool:
        made.append(usable())
        return made[-1]

    monkeypatch.setattr(connection, "is_usable", counted)
    return made


def _next_request() -> None:
    """What Django does on a request's start for a kept connection (the test
    client leaves it out): the next cursor is to be checked first."""
    connection.close_if_unusable_or_obsolete()
    assert connection.connection is not None and not connection.health_check_done


def test_a_signed_in_request_makes_no_separate_check(client, make_user, checks):
    user = make_user("first_read", Role.ADMIN, is_staff=True, is_superuser=True)
    client.force_login(user)
    assert client.get("/api/v1/kpis").status_code == 200
    _next_request()
    response = client.get("/api/v1/kpis")
    assert response.status_code == 200
    assert response.json()["scope"]["kind"] == "country"
    assert checks == []
    assert connection.health_check_done


def test_an_anonymous_request_keeps_djangos_check(client, checks):
    assert client.get("/healthz").status_code == 200
    _next_request()
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    assert checks == [True]


def test_a_failure_of_a_live_connection_is_raised_once(checks):
    connection.ensure_connection()
    _next_request()
    with pytest.raises((OperationalError, ProgrammingError)):
        prepared._first_row(connection, "SELECT * FROM no_such_table_here", [])
    # SQLite's "no such table" is an OperationalError: checked, found alive, raised
    assert checks in ([], [True])
    assert prepared._first_row(connection, "SELECT 1", []) == (1,)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a server that drops a connection")
def test_a_dead_connection_is_replaced_and_the_read_made_again(make_user, checks):
    user = make_user("dropped", Role.CLINIC_EXPERT)
    connection.ensure_connection()
    before = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"] or None,
        host=settings["HOST"] or None, port=settings["PORT"] or None, autocommit=True,
    ) as other:  # fmt: skip
        other.execute("SELECT pg_terminate_backend(%s)", [before])
    _next_request()
    found = prepared.fetch_one(User, {"pk": user.pk})
    assert found is not None and found.username == "dropped"
    assert checks == [False]  # the failed read's own check: dead
    assert connection.connection.info.backend_pid != before
