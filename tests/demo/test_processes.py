"""Work items in forked processes (the national generator's workers on PostgreSQL)."""

from __future__ import annotations

import contextlib
import os

import pytest
from django.db import connection, transaction

from jahesh.demo.processes import in_processes

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the national generator forks workers only on PostgreSQL (SQLite has one writer)",
)


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


@contextlib.contextmanager
def _named_session():
    with connection.cursor() as cursor:
        cursor.execute("SET application_name = 'jahesh-worker'")
    yield


@pytest.mark.django_db(transaction=True)  # the children see committed rows only
def test_each_item_runs_once_in_a_child_on_its_own_session():
    """Every item's result comes back once, made in a child process (not this
    one) on a connection of its own that ``setup`` prepared; this process's
    session is not theirs."""

    def work(item):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        return item * item, os.getpid(), _setting("application_name"), backend

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own_backend = cursor.fetchone()[0]
    results = {}
    in_processes(
        [1, 2, 3, 4, 5], work, count=2, setup=_named_session,
        on_result=lambda item, result: results.__setitem__(item, result),
    )  # fmt: skip
    assert {item: r[0] for item, r in results.items()} == {1: 1, 2: 4, 3: 9, 4: 16, 5: 25}
    assert {r[2] for r in results.values()} == {"jahesh-worker"}
    children = {r[1] for r in results.values()}
    assert os.getpid() not in children and 1 <= len(children) <= 2
    assert own_backend not in {r[3] for r in results.values()}
    assert _setting("application_name") != "jahesh-worker"


def test_a_failure_stops_the_run_with_the_childs_traceback():
    def work(item):
        if item == 2:
            raise ValueError("no such item")
        return item

    with pytest.raises(RuntimeError, match=r"failed on item-2:\n(?s:.*)ValueError: no such item"):
        in_processes(
            [1, 2, 3], work, count=2, on_result=lambda _i, _r: None, label=lambda i: f"item-{i}"
        )


def test_a_child_that_dies_stops_the_run():
    def work(item):
        os._exit(3)  # as if killed: no result, no traceback

    with pytest.raises(RuntimeError, match="exit code 3"):
        in_processes([1], work, count=2, on_result=lambda _i, _r: None)


@pytest.mark.django_db
def test_it_refuses_to_run_inside_a_transaction():
    with transaction.atomic(), pytest.raises(RuntimeError, match="not inside a transaction"):
        in_processes([1], lambda item: item, count=2, on_result=lambda _i, _r: None)
