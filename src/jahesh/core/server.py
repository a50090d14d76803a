"""Run the WSGI application under gunicorn from inside the ``jahesh`` command,
with one task worker beside it.

gunicorn forks workers after the application is loaded; the database
connection opened by the command (migrations, demo data) is closed first so
no worker inherits a shared socket or SQLite handle.

The task worker is django-tasks-db's ``db_worker`` in a child process, stopped
with the server: it runs background tasks (imports, the analytics table's
refresh) and the periodic jobs (``core.tasks.periodic``), so no web worker does
that work and two servers never do it twice. In the several-server layout each
server runs ``--no-worker`` and one ``jahesh db_worker`` runs beside them.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from django.db import connections

logger = logging.getLogger(__name__)


def _die_with_parent() -> None:
    # Linux: the worker gets SIGTERM when the server dies, even by SIGKILL, so a
    # killed server leaves no worker behind (prctl PR_SET_PDEATHSIG = 1).
    # ctypes is loaded only in the forked worker, just before it runs.
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def start_worker() -> subprocess.Popen:
    """The task worker, ``jahesh db_worker`` on the default queue, as a child process."""
    command = [sys.executable, "-m", "jahesh", "db_worker", "--queue-name", "default",
               "--no-reload", "--verbosity", "1"]  # fmt: skip
    return subprocess.Popen(command, preexec_fn=_die_with_parent)


def stop_worker(worker: subprocess.Popen, *, seconds: float = 15) -> None:
    """Let the worker finish its task (SIGTERM), then kill it if it has not."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _schedule_periodic(log: Callable[[str], None]) -> None:
    # The tasks module needs the apps loaded, which serve() has done by then.
    from jahesh.core.tasks import periodic_schedule

    try:
        periodic_schedule()
    except Exception:  # an unmigrated database: the server still answers /healthz
        logger.exception("could not schedule the periodic jobs")
        log("Jahesh: periodic jobs not scheduled (has the database been migrated?)")
    finally:
        connections.close_all()


def serve(
    *, host: str, port: int, workers: int, worker: bool = True, log: Callable[[str], None] = print
) -> None:
    # gunicorn and the WSGI application (which sets Django up) load only to serve.
    from gunicorn.app.base import BaseApplication

    from jahesh.wsgi import application

    _schedule_periodic(log)
    connections.close_all()

    class _App(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("timeout", 120)
            self.cfg.set("accesslog", "-")
            self.cfg.set("proc_name", "jahesh")
            # No control socket: two servers on one machine would share its one path.
            self.cfg.set("control_socket_disable", True)

        def load(self) -> Any:  # the WSGI callable
            return application

    task_worker = start_worker() if worker else None
    log(f"Jahesh: http://{host}:{port}/  (Ctrl+C برای توقف)")
    if task_worker is not None:
        log(f"Jahesh: task worker pid {task_worker.pid}")
    try:
        _App().run()
    finally:
        if task_worker is not None:
            stop_worker(task_worker)
