"""Run the WSGI application under gunicorn from inside the ``jahesh`` command.

gunicorn forks workers after the application is loaded; the database
connection opened by the command (migrations, demo data) is closed first so
no worker inherits a shared socket or SQLite handle.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connections


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

        def load(self):
            return application

    log(f"Jahesh: http://{host}:{port}/  (Ctrl+C برای توقف)")
    _App().run()
