"""The task worker beside ``jahesh serve``, and the periodic jobs that run on it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import transaction

from jahesh.core import hooks, server
from jahesh.core.tasks import periodic, periodic_schedule


@pytest.fixture
def no_gunicorn(monkeypatch):
    """serve() up to gunicorn's loop, which returns at once; the worker is a
    stand-in process; nothing is scheduled."""
    from gunicorn.app.base import BaseApplication

    started: list[subprocess.Popen] = []

    def start_worker():
        started.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]))
        return started[-1]

    monkeypatch.setattr(BaseApplication, "run", lambda self: None)
    monkeypatch.setattr(server, "start_worker", start_worker)
    monkeypatch.setattr(server, "_schedule_periodic", lambda log: None)
    return started


def test_it_serves_with_one_worker_and_stops_it_with_the_server(no_gunicorn):
    server.serve(host="127.0.0.1", port=18149, workers=1, log=lambda text: None)
    assert len(no_gunicorn) == 1
    assert no_gunicorn[0].poll() is not None  # stopped when the server stopped


def test_it_serves_without_a_worker_when_asked(no_gunicorn):
    server.serve(host="127.0.0.1", port=18149, workers=1, worker=False, log=lambda text: None)
    assert no_gunicorn == []


def test_the_serve_command_passes_no_worker(monkeypatch):
    from jahesh.core.management.commands import serve

    calls: list[dict] = []
    monkeypatch.setattr(serve, "serve", lambda **kw: calls.append(kw))
    call_command("serve", "--no-worker", "--port", "18148")
    call_command("serve", "--port", "18148")
    assert [(c["port"], c["worker"]) for c in calls] == [(18148, False), (18148, True)]


def test_the_periodic_task_runs_every_job_and_schedules_the_next(db, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    ran: list[str] = []

    def failing():
        ran.append("failing")
        raise RuntimeError("a job failed")

    monkeypatch.setattr(hooks, "periodic", [failing, lambda: ran.append("next")])
    periodic.call()
    assert ran == ["failing", "next"]  # a failure does not stop the others
    waiting = DBTaskResult.objects.filter(task_path=periodic.module_path, status="READY")
    assert waiting.count() == 1
    assert not periodic_schedule()  # one is waiting: a second server adds none
    assert waiting.count() == 1


def test_the_reports_jobs_are_periodic():
    from jahesh.reports import facts

    assert facts.refresh_stale in hooks.periodic
    assert facts.ensure_current in hooks.periodic


def test_a_write_enqueues_one_refresh_when_it_commits(
    db, geo, users, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from jahesh.core.text import normalize_key
    from jahesh.reports.tasks import refresh_stale
    from jahesh.units.models import Unit

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for name in ("واحد یک", "واحد دو"):
            Unit.objects.create(name=name, name_key=normalize_key(name), county=geo["arak"],
                                sector="industry", employees=3)  # fmt: skip
    refreshes = DBTaskResult.objects.filter(task_path=refresh_stale.module_path)
    assert refreshes.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        Unit.objects.filter(county=geo["arak"]).first().save()
    assert refreshes.count() == 1  # the waiting one will see this write too
