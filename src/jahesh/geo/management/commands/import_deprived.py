"""``jahesh import_deprived FILE [--unmark] [--dry-run]``: flag the villages and
cities a file lists (by code) as deprived, or clear the flag."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from jahesh.core.errors import ApplicationError
from jahesh.core.management.base import TranslatedCommand
from jahesh.geo.services import geo_import_deprived


class Command(TranslatedCommand):
    help = gettext_noop("علامت‌گذاری روستاها و شهرهای محروم از روی پرونده‌ای از کدها (CSV یا XLSX)")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help=_("CSV/XLSX با ستون «کد» و در صورت نیاز «شاخص محرومیت»"))
        parser.add_argument("--unmark", action="store_true", help=_("برداشتن علامت محرومیت"))
        parser.add_argument("--dry-run", action="store_true", help=_("فقط گزارش؛ چیزی ذخیره نشود"))

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("پرونده پیدا نشد: %(path)s") % {"path": path})
        try:
            with path.open("rb") as handle:
                report = geo_import_deprived(
                    file=handle,
                    filename=path.name,
                    mark=not options["unmark"],
                    dry_run=options["dry_run"],
                )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from exc
        for line in report.messages():
            self.stderr.write(line)
        style = self.style.SUCCESS if report.ok else self.style.WARNING
        self.stdout.write(style(report.summary()))
