"""``jahesh serve [--port N] [--no-worker]``: serve an existing database with
gunicorn and whitenoise, and run the task worker beside it."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jahesh.core.management.base import TranslatedCommand
from jahesh.core.server import serve


class Command(TranslatedCommand):
    help = gettext_noop(
        "سامانه را با یک سرور WSGI واقعی (gunicorn) روی پایگاه داده‌ی موجود اجرا می‌کند."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2))
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help=_("بدون کارگزار کارهای پس‌زمینه (چند سرور: یک «jahesh db_worker» جداگانه)"),
        )

    def handle(
        self, *args: Any, port: int, host: str, workers: int, no_worker: bool, **options: Any
    ) -> None:
        serve(host=host, port=port, workers=workers, worker=not no_worker, log=self.stdout.write)
