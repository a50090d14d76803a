"""``jahesh demo``: set everything up and serve.

1. migrate the database (SQLite at var/jahesh.sqlite3 unless DATABASE_URL);
2. load Iran's geography (skipped when already loaded);
3. create the demo users of DESIGN.md (only those missing);
4. run every app's part of the scenario (each part skips what exists);
5. serve with gunicorn on http://127.0.0.1:8000, with the task worker beside it
   (unless --no-serve).

A second run changes nothing and takes seconds.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jahesh.core.errors import ApplicationError
from jahesh.core.management.base import TranslatedCommand
from jahesh.core.server import serve
from jahesh.demo.services import demo_prepare


class Command(TranslatedCommand):
    help = gettext_noop(
        "پایگاه داده را آماده می‌کند، داده‌های نمایشی را بار می‌کند و سامانه را اجرا می‌کند."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help=_("فقط آماده‌سازی، بدون اجرای سرور")
        )
        parser.add_argument("--port", type=int, default=8000, help=_("درگاه سرور؛ پیش‌فرض ۸۰۰۰"))
        parser.add_argument("--host", default="127.0.0.1", help=_("نشانی سرور؛ پیش‌فرض 127.0.0.1"))
        parser.add_argument(
            "--scenario", default="markazi", help=_("سناریوی نمایشی؛ پیش‌فرض markazi")
        )
        parser.add_argument(
            "--as-of", default=None, help=_("تاریخ مبنای سناریو (جلالی یا ISO)؛ پیش‌فرض امروز")
        )

    def handle(self, *args, no_serve, port, host, scenario, as_of, **options):
        started = time.monotonic()
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        self.stdout.write(_("۱/۴ به‌روزرسانی ساختار پایگاه داده …"))
        call_command("migrate", interactive=False, verbosity=0)
        try:
            users = demo_prepare(scenario=scenario, as_of=as_of, log=self.stdout.write)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("آماده شد در %(seconds).1f ثانیه.") % {"seconds": time.monotonic() - started}
            )
        )
        self.stdout.write(
            _("کاربران نمایشی (گذرواژهٔ همه: %(password)s):")
            % {"password": settings.JAHESH_DEMO_PASSWORD}
        )
        for username, label in users:
            self.stdout.write(f"  {username:<12} {label}")
        if not no_serve:
            serve(host=host, port=port, workers=2, worker=True, log=self.stdout.write)
