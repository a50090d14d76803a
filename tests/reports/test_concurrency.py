"""Many readers and writers at once (issue 11): readers of the dashboard and the
KPI API never fail or wait on writers, the figures stay equal to the recount,
and the table's periodic work runs once however many processes ask for it.

On SQLite the threads share a file database in WAL mode, as ``jahesh serve``
does: the test database in memory shares one cache whose table locks fail at
once instead of waiting, which no served database does."""

from __future__ import annotations

import datetime
import sqlite3
import threading
import time

import pytest
from django.db import connection, connections

from jahesh.accounts.scoping import Area
from jahesh.core.text import normalize_key
from jahesh.reports import facts
from jahesh.reports.figures import kpi_values
from jahesh.reports.kpis import CODES
from jahesh.reports.models import FactPeriod, StalePlace
from jahesh.reports.periods import last_five_years
from tests.reports.oracle import Tables, recount

READERS, ROUNDS, WRITES = 4, 3, 6


@pytest.fixture
def served_db(transactional_db, tmp_path):
    """On SQLite: the test database copied to a file that every thread opens (WAL,
    the served settings); the database in memory is kept open, unused, and comes
    back afterwards. On PostgreSQL: the test database as it is."""
    if connection.vendor != "sqlite":
        yield
        return
    assert connection.settings_dict is connections.settings["default"]  # threads see NAME
    connection.ensure_connection()
    memory, name = connection.connection, connection.settings_dict["NAME"]
    path = tmp_path / "served.sqlite3"
    with sqlite3.connect(path) as target:
        memory.backup(target)
    connection.connection = None  # the next query opens the file
    connection.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = memory


def _threads(*targets) -> None:
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)


def _recount_mismatches(geo) -> list[str]:
    period, tables = last_five_years(), Tables.load()
    found = []
    for name, area in (
        ("country", Area()),
        ("Markazi", Area(province_id=geo["markazi"].pk)),
        ("Arak", Area(province_id=geo["markazi"].pk, county_id=geo["arak"].pk)),
        ("Saveh", Area(province_id=geo["markazi"].pk, county_id=geo["saveh"].pk)),
    ):
        got = kpi_values(area=area, start=period.start, end=period.end)
        want = recount(tables, area=area, start=period.start, end=period.end, codes=CODES)
        found += [f"{code} in {name}: {got[code]} ≠ {want[code]}" for code in CODES
                  if got[code] != want[code]]  # fmt: skip
    return found


@pytest.mark.django_db(transaction=True)
def test_it_answers_every_reader_while_others_write(
    served_db, cached, world, geo, users, client_for
):
    from jahesh.units.models import Unit
    from jahesh.units.services import visit_create

    # given the table of today's periods and readers signed in as the hq manager
    facts.refresh()
    clients = [client_for(users["hq"]) for _ in range(READERS)]
    barrier = threading.Barrier(READERS + 2)
    answers: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    writing = threading.Event()
    writing.set()

    def reader(client):
        def run():
            try:
                barrier.wait()
                for _round in range(ROUNDS):
                    for url in ("/reports/", "/api/v1/kpis"):
                        answers.append((url, client.get(url).status_code))
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        return run

    def writer():
        # a county officer's day: new units visited for the first time, each a
        # transaction of its own through the services
        try:
            barrier.wait()
            for i in range(WRITES):
                name = f"واحد هم‌زمان {i}"
                unit = Unit.objects.create(name=name, name_key=normalize_key(name),
                                           county=geo["saveh"], sector="industry", employees=5)  # fmt: skip
                visit_create(unit=unit, user=users["admin"], visited_on=datetime.date(2025, 1, 5))
        except BaseException as exc:
            errors.append(exc)
        finally:
            writing.clear()
            connection.close()

    def table_writer():
        # the task worker storing what the writes made stale, meanwhile
        try:
            barrier.wait()
            while writing.is_set():
                facts.refresh_stale()
                time.sleep(0.05)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    # when they all run at once
    _threads(*(reader(c) for c in clients), writer, table_writer)

    # then every reader got its page, and every figure equals the recount, with
    # the last writes still marked and after the writer has stored them
    assert errors == []
    assert len(answers) == READERS * ROUNDS * 2
    assert {status for _url, status in answers} == {200}
    assert _recount_mismatches(geo) == []
    api = clients[0].get("/api/v1/kpis").json()["kpis"]  # through the cache
    assert api["units_monitored"] == 3 + WRITES
    facts.refresh_stale()
    assert not StalePlace.objects.exists()
    assert _recount_mismatches(geo) == []


@pytest.mark.django_db(transaction=True)
def test_two_processes_asking_for_todays_table_build_it_once(served_db, world):
    # given no table and two periodic jobs starting together (two workers, or a
    # worker and `jahesh refresh_kpis`), then one builds it and the other skips
    barrier = threading.Barrier(2)
    built: list[object] = []

    def job():
        try:
            barrier.wait()
            built.append(facts.ensure_current())
        finally:
            connection.close()

    _threads(job, job)
    assert sorted(report is None for report in built) == [False, True]
    assert FactPeriod.objects.count() == len(facts.standard_periods())


@pytest.mark.django_db(transaction=True)
def test_two_servers_starting_together_start_one_periodic_chain(served_db):
    from django_tasks_db.models import DBTaskResult

    from jahesh.core.tasks import periodic, periodic_schedule

    barrier = threading.Barrier(2)
    started: list[bool] = []

    def start():
        try:
            barrier.wait()
            started.append(periodic_schedule())
        finally:
            connection.close()

    _threads(start, start)
    assert sorted(started) == [False, True]
    assert DBTaskResult.objects.filter(task_path=periodic.module_path).count() == 1
