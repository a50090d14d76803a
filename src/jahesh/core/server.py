"""Run the WSGI application under gunicorn from inside the ``jahesh`` command.

gunicorn forks workers after the application is loaded; the database
connection opened by the command (migrations, demo data) is closed first so
no worker inherits a shared socket or SQLite handle.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import connections

from jahesh.core import hooks

logger = logging.getLogger(__name__)


def _run_periodic() -> None:
    """Run the apps' periodic jobs (``core.hooks.periodic``) forever, each failure
    logged, never fatal."""
    while True:
        for job in list(hooks.periodic):
            try:
                job()
            except Exception:  # a failed job must not stop the others or the server
                logger.exception("periodic job %s failed", getattr(job, "__name__", job))
            finally:
                connections.close_all()
        time.sleep(hooks.PERIODIC_SECONDS)


def _start_periodic(worker) -> None:
    # In each worker, after the fork: a thread started in the master before it
    # forks could hold SQLite's or a socket's lock in the child for ever.
    threading.Thread(target=_run_periodic, name="jahesh-periodic", daemon=True).start()


def serve(*, host: str, port: int, workers: int, log: Callable[[str], None] = print) -> None:
    from gunicorn.app.base import BaseApplication

    from jahesh.wsgi import application

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
            self.cfg.set("post_worker_init", _start_periodic)

        def load(self):
            return application

    log(f"Jahesh: http://{host}:{port}/  (Ctrl+C برای توقف)")
    _App().run()
