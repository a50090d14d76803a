"""``jahesh backup [PATH]``: one archive of the database and the uploads, with a
manifest of row counts (see ``jahesh.core.backup``). PATH ending in ``.tar``,
``.tar.gz`` or ``.tgz`` names the archive; any other PATH is a directory for a
timestamped name; by default ``$JAHESH_VAR/backups/``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jahesh.core.backup import backup_create
from jahesh.core.errors import ApplicationError
from jahesh.core.management.base import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_noop(
        "پشتیبان کامل: پایگاه داده، پرونده‌های بارگذاری‌شده و فهرست شمار ردیف‌ها در یک بایگانی"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", default=None, help=_("پرونده‌ی .tar/.tar.gz یا پوشه‌ی مقصد")
        )

    def handle(self, *args: Any, path: str | None, **options: Any) -> None:
        try:
            report = backup_create(path=path, log=self.stdout.write)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(
            self.style.SUCCESS(_("پشتیبان آماده شد: %(path)s") % {"path": report.path})
        )
        self.stdout.write(
            _(
                "%(tables)s جدول، %(rows)s ردیف، %(files)s پرونده، %(size).1f مگابایت، "
                "%(seconds).1f ثانیه"
            )
            % {
                "tables": report.tables,
                "rows": report.rows,
                "files": report.files,
                "size": report.size / 1024 / 1024,
                "seconds": report.seconds,
            }
        )
